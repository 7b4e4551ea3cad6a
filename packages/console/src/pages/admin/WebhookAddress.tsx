import { webhookUrl } from '../../admin-connector-form';
import { CopyButton } from '../../components/CopyButton';

/** The full webhook URL of an instance, to copy into the vendor's console, and what to do with it. */
export function WebhookAddress({ connector, webhookPath }: { connector: string; webhookPath: string }) {
  const url = webhookUrl(window.location.origin, webhookPath);
  return (
    <div className="webhook">
      <p className="webhook-label">Webhook URL</p>
      <p className="webhook-url">
        <code>{url}</code>
      </p>
      <CopyButton text={url} label="Copy webhook URL" />
      <p className="hint">
        Paste this address into the vendor’s console where {connector} asks for a webhook or callback URL, and enter the same secrets there as here. Custody
        accepts a delivery only when the vendor’s signature or token matches them.
      </p>
    </div>
  );
}
