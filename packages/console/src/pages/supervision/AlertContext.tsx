import { formatUtc, personLabel } from '../../format';
import { Link } from '../../router';
import { conversationPath } from '../../routes';
import { supervisionApi } from '../../supervision-api';
import type { ThreadEvent } from '../../thread-types';
import { Alert } from '../../components/Alert';
import { Loading } from '../admin/common';
import { useLoad } from '../admin/use-load';

/**
 * The five messages before and after the alert's record (GET /v1/records/:id/context), so a
 * reviewer reads the hit in its conversation; the whole thread is one link away.
 */
export function AlertContext({ recordId, conversation }: { recordId: string; conversation: string }) {
  const { load } = useLoad((signal) => supervisionApi.context(recordId, signal), 'read the conversation around this alert');
  return (
    <section aria-labelledby="alert-context-heading">
      <h2 id="alert-context-heading">Conversation context</h2>
      {load.status === 'loading' && <Loading what="the messages around it" />}
      {load.status === 'error' && <Alert message={load.message} />}
      {load.status === 'done' && (
        <>
          <ol className="context-list">
            {load.data.events.map((event) => (
              <ContextItem key={event.id} event={event} focus={event.id === (load.data.focus ?? recordId)} />
            ))}
          </ol>
          <p>
            <Link to={conversationPath(conversation, recordId)}>Read the whole conversation</Link>
            {load.data.page.older || load.data.page.newer ? <span className="muted"> (more messages are before or after these)</span> : null}
          </p>
        </>
      )}
    </section>
  );
}

function ContextItem({ event, focus }: { event: ThreadEvent; focus: boolean }) {
  const text = event.text ?? event.call?.status ?? (event.attachments.length > 0 ? `${event.attachments.length} attachment(s)` : event.kind);
  return (
    <li className={focus ? 'context-item context-focus' : 'context-item'} aria-current={focus ? 'true' : undefined}>
      <p className="context-head">
        <span className="bubble-sender">{personLabel(event.sender.value, event.sender.displayName ?? undefined)}</span>
        <time dateTime={event.sentAt}>{formatUtc(event.sentAt)}</time>
        {event.sender.employeeId && <span className="tag">Employee</span>}
        {focus && <span className="tag tag-hit">This alert’s message</span>}
      </p>
      {event.subject && <p className="context-subject">{event.subject}</p>}
      <p className="context-text">{text}</p>
    </li>
  );
}
