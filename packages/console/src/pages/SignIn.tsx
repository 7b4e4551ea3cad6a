import { useState, type FormEvent } from 'react';
import { Alert } from '../components/Alert';
import { PageHeading } from '../components/PageHeading';
import { userMessage } from '../errors';
import { useSession } from '../session';

/**
 * Sign-in with an API key: POST /v1/session exchanges it for an HttpOnly session cookie, so the key
 * itself is held by this form only until it is sent, and never stored by the console.
 */
export function SignIn({ notice }: { notice: string | null }) {
  const { signIn } = useSession();
  const [apiKey, setApiKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    if (!apiKey.trim()) {
      setError('Enter an API key.');
      return;
    }
    setBusy(true);
    setError(null);
    signIn(apiKey.trim()).then(
      // the page is replaced by the signed-in console: nothing more to do here
      () => undefined,
      (err: unknown) => {
        setBusy(false);
        setError(userMessage(err, 'sign-in'));
      },
    );
  };

  const message = error ?? notice;
  return (
    <main id="main" tabIndex={-1} className="sign-in">
      <p className="brand brand-large">Custody</p>
      <PageHeading title="Sign in">Sign in</PageHeading>
      <Alert message={message} />
      <form onSubmit={submit} noValidate className="sign-in-form">
        <div className="field">
          <label htmlFor="api-key">API key</label>
          <input
            id="api-key"
            name="apiKey"
            type="password"
            autoComplete="off"
            spellCheck={false}
            aria-describedby="api-key-hint"
            aria-invalid={error ? true : undefined}
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
          />
          <p id="api-key-hint" className="hint">
            The key an administrator issued to you. It is sent once to start a session and not kept by the browser.
          </p>
        </div>
        <button type="submit" aria-disabled={busy || undefined}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
