import { api, apiRequest, onSessionLost, setCsrfToken } from './api';
import { ApiError } from './errors';
import { restoreFetchAfterEach, stubFetch, type Call } from './fetch-stub.test-support';

restoreFetchAfterEach();

const headers = (call: Call) => call.init.headers as Record<string, string>;

describe('apiRequest', () => {
  it('calls the same origin with the session cookie and the CSRF token on a state-changing call', async () => {
    setCsrfToken('tok-1');
    const calls = stubFetch(200, { total: 0, hits: [], cursor: null });
    await api.search({ text: 'acme', size: 50 });
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('/v1/search');
    expect(calls[0].init).toMatchObject({ method: 'POST', credentials: 'same-origin', body: '{"text":"acme","size":50}' });
    expect(headers(calls[0])).toMatchObject({ 'x-csrf-token': 'tok-1', 'content-type': 'application/json' });
  });

  it('sends no CSRF token on a read', async () => {
    setCsrfToken('tok-1');
    const calls = stubFetch(200, { envelope: {} });
    await api.record('a'.repeat(40));
    expect(calls[0].init.method).toBe('GET');
    expect(headers(calls[0])['x-csrf-token']).toBeUndefined();
  });

  it('signs out with the CSRF token and reads a 204', async () => {
    setCsrfToken('tok-2');
    const calls = stubFetch(204);
    await expect(api.signOut()).resolves.toBeNull();
    expect(calls[0].init.method).toBe('DELETE');
    expect(headers(calls[0])['x-csrf-token']).toBe('tok-2');
  });

  it('refuses any address outside the /v1 API', async () => {
    stubFetch(200, {});
    await expect(apiRequest('GET', 'https://elsewhere.example/v1/x')).rejects.toThrow(/only the \/v1 API/);
  });

  it('throws the problem as an ApiError', async () => {
    stubFetch(403, { error: { code: 'forbidden', message: 'role reviewer may not search records (needs compliance)' } });
    const err = await api.search({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 403, code: 'forbidden' });
  });

  it('reports a lost session on a 401, except where a 401 is the answer asked about', async () => {
    const lost: string[] = [];
    onSessionLost((code) => lost.push(code));
    stubFetch(401, { error: { code: 'session_expired', message: 'session expired' } });
    await expect(api.search({})).rejects.toMatchObject({ status: 401, code: 'session_expired' });
    await expect(api.signIn('wrong')).rejects.toMatchObject({ status: 401 });
    await expect(api.currentSession()).rejects.toMatchObject({ status: 401 });
    expect(lost).toEqual(['session_expired']);
  });

  it('turns a network failure into status 0', async () => {
    globalThis.fetch = async () => {
      throw new TypeError('fetch failed');
    };
    await expect(api.search({})).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });
});
