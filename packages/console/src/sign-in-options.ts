import { apiRequest } from './api';

/**
 * The sign-ins this deployment offers (GET /v1/session/providers) and what the console says when
 * a sign-in with the identity provider comes back refused (/sign-in?error=<code>). The messages are
 * the console's own: a code it does not know gets a generic one, so nothing of the address is ever
 * shown as it is.
 */

/** GET /v1/session/providers. */
export interface SignInProviders {
  apiKey: boolean;
  oidc: { name: string } | null;
}

export function signInProviders(signal?: AbortSignal): Promise<SignInProviders> {
  return apiRequest<SignInProviders>('GET', '/v1/session/providers', { expectUnauthenticated: true, ...(signal && { signal }) });
}

export const SIGN_IN_ERROR_MESSAGES: Readonly<Record<string, string>> = {
  oidc_state: 'That sign-in expired or was started in another browser. Sign in again.',
  oidc_denied: 'Sign-in was cancelled at your identity provider.',
  oidc_failed: 'Your identity provider’s answer could not be verified. Try again, or ask an administrator.',
  oidc_unavailable: 'Your identity provider could not be reached. Try again later, or sign in with an API key.',
  oidc_no_role: 'Your account has no Custody role. Ask an administrator to give it one.',
  oidc_ambiguous_role: 'Your account has more than one Custody role. Ask an administrator to leave it exactly one.',
  oidc_no_tenant: 'Your account is not assigned to a Custody tenant. Ask an administrator.',
  oidc_not_configured: 'Sign-in with an identity provider is not set up here. Sign in with an API key.',
  too_many_requests: 'Too many sign-in attempts in a short time. Wait a minute, then try again.',
};

export const SIGN_IN_FAILED_MESSAGE = 'Sign-in did not complete. Try again.';

/** The message for the `error` of a sign-in page address (its query string); null when there is none. */
export function signInErrorMessage(search: string): string | null {
  const code = new URLSearchParams(search).get('error');
  if (code === null) return null;
  return Object.hasOwn(SIGN_IN_ERROR_MESSAGES, code) ? SIGN_IN_ERROR_MESSAGES[code] : SIGN_IN_FAILED_MESSAGE;
}

/** Where the sign-in with the identity provider starts, coming back to `returnTo` (a path of this origin, else `/`). */
export function oidcStartPath(returnTo: string | null): string {
  const path = returnTo && /^\/(?![/\\])/.test(returnTo) ? returnTo : '/';
  return `/v1/session/oidc/start?returnTo=${encodeURIComponent(path)}`;
}
