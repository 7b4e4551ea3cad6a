import { SIGN_IN_ERROR_MESSAGES, SIGN_IN_FAILED_MESSAGE, oidcStartPath, signInErrorMessage, signInProviders } from './sign-in-options';

describe('signInErrorMessage', () => {
  it('says what each refusal of the identity provider sign-in means', () => {
    expect(signInErrorMessage('?error=oidc_no_role')).toBe('Your account has no Custody role. Ask an administrator to give it one.');
    expect(signInErrorMessage('?error=oidc_ambiguous_role')).toBe('Your account has more than one Custody role. Ask an administrator to leave it exactly one.');
    expect(signInErrorMessage('?error=oidc_no_tenant')).toBe('Your account is not assigned to a Custody tenant. Ask an administrator.');
    expect(signInErrorMessage('?error=oidc_state')).toBe('That sign-in expired or was started in another browser. Sign in again.');
    expect(signInErrorMessage('?error=oidc_denied')).toBe('Sign-in was cancelled at your identity provider.');
    expect(signInErrorMessage('?error=oidc_unavailable')).toContain('could not be reached');
    expect(signInErrorMessage('error=too_many_requests')).toContain('Wait a minute');
  });

  it('has a message for every code the server sends', () => {
    for (const code of [
      'oidc_state',
      'oidc_denied',
      'oidc_failed',
      'oidc_unavailable',
      'oidc_no_role',
      'oidc_ambiguous_role',
      'oidc_no_tenant',
      'oidc_not_configured',
      'too_many_requests',
    ])
      expect(SIGN_IN_ERROR_MESSAGES[code]).toMatch(/\.$/);
  });

  it('never shows the address as it is: an unknown code gets a generic message', () => {
    expect(signInErrorMessage('?error=%3Cscript%3Ealert(1)%3C%2Fscript%3E')).toBe(SIGN_IN_FAILED_MESSAGE);
    expect(signInErrorMessage('?error=toString')).toBe(SIGN_IN_FAILED_MESSAGE);
    expect(signInErrorMessage('?error=')).toBe(SIGN_IN_FAILED_MESSAGE);
  });

  it('no error: no message', () => {
    expect(signInErrorMessage('')).toBeNull();
    expect(signInErrorMessage('?returnTo=/search')).toBeNull();
  });
});

describe('oidcStartPath', () => {
  it('comes back to a path of this origin, else to /', () => {
    expect(oidcStartPath('/records/a b')).toBe('/v1/session/oidc/start?returnTo=%2Frecords%2Fa%20b');
    expect(oidcStartPath(null)).toBe('/v1/session/oidc/start?returnTo=%2F');
    expect(oidcStartPath('//evil.example')).toBe('/v1/session/oidc/start?returnTo=%2F');
    expect(oidcStartPath('https://evil.example')).toBe('/v1/session/oidc/start?returnTo=%2F');
  });
});

describe('signInProviders', () => {
  const realFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  it('asks GET /v1/session/providers of the same origin', async () => {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    globalThis.fetch = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(JSON.stringify({ apiKey: true, oidc: { name: 'Example SSO' } }), { status: 200 });
    }) as typeof fetch;
    expect(await signInProviders()).toEqual({ apiKey: true, oidc: { name: 'Example SSO' } });
    expect(calls).toEqual([{ url: '/v1/session/providers', init: expect.objectContaining({ method: 'GET', credentials: 'same-origin' }) }]);
  });
});
