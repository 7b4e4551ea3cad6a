import { useEffect, useState, type FormEvent } from 'react';
import { Alert } from '../components/Alert';
import { PageHeading } from '../components/PageHeading';
import { userMessage } from '../errors';
import { useSession } from '../session';
import { oidcStartPath, signInErrorMessage, signInProviders, type SignInProviders } from '../sign-in-options';
import '../sign-in-options.css';

/**
 * Sign-in with the firm's identity provider, when the deployment has one (GET /v1/session/providers):
 * a plain link to /v1/session/oidc/start, a full-page navigation that comes back signed in, or to
 * /sign-in?error=<code>, shown here as a sentence. And sign-in with an API key: POST /v1/session
 * exchanges it for an HttpOnly session cookie, so the key itself is held by this form only until it
 * is sent, and never stored by the console.
 */
export function SignIn({ notice }: { notice: string | null }) {
  const { signIn } = useSession();
  const [apiKey, setApiKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // a refused sign-in with the identity provider comes back as ?error=<code>: read once, then dropped from the address
  const [returned, setReturned] = useState(() => signInErrorMessage(window.location.search));
  const [providers, setProviders] = useState<SignInProviders | null>(null);
  const [returnTo] = useState(() => new URLSearchParams(window.location.search).get('returnTo'));

  useEffect(() => {
    if (new URLSearchParams(window.location.search).has('error')) window.history.replaceState(null, '', window.location.pathname);
  }, []);

  useEffect(() => {
    const probe = new AbortController();
    // without an answer only the API key form is offered
    signInProviders(probe.signal).then(setProviders, () => undefined);
    return () => probe.abort();
  }, []);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    if (!apiKey.trim()) {
      setError('Enter an API key.');
      return;
    }
    setBusy(true);
    setError(null);
    setReturned(null);
    signIn(apiKey.trim()).then(
      // the page is replaced by the signed-in console: nothing more to do here
      () => undefined,
      (err: unknown) => {
        setBusy(false);
        setError(userMessage(err, 'sign-in'));
      },
    );
  };

  const message = error ?? returned ?? notice;
  const oidc = providers?.oidc;
  return (
    <main id="main" tabIndex={-1} className="sign-in">
      <p className="brand brand-large">Custody</p>
      <PageHeading title="Sign in">Sign in</PageHeading>
      <Alert message={message} />
      {oidc && (
        <>
          <p className="sign-in-provider">
            <a className="button-link" href={oidcStartPath(returnTo)}>
              Sign in with {oidc.name}
            </a>
          </p>
          <p className="sign-in-or">or with an API key</p>
        </>
      )}
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
