import { adminApi } from './admin-api';
import { setCsrfToken } from './api';
import { ApiError } from './errors';
import { restoreFetchAfterEach, stubFetch } from './fetch-stub.test-support';

restoreFetchAfterEach();

describe('the admin API calls', () => {
  it('uploads the directory CSV as it is, with the CSRF token', async () => {
    setCsrfToken('tok-9');
    const calls = stubFetch(200, { employees: 1, identifiers: 2, created: 1, updated: 0 });
    const file = new Blob(['employeeId,name,kind,value,from,to\n'], { type: 'text/csv' });
    await expect(adminApi.importDirectory(file)).resolves.toEqual({ employees: 1, identifiers: 2, created: 1, updated: 0 });
    expect(calls[0].url).toBe('/v1/admin/directory/import');
    expect(calls[0].init).toMatchObject({ method: 'POST', credentials: 'same-origin', body: file });
    expect(calls[0].init.headers).toMatchObject({ 'content-type': 'text/csv', 'x-csrf-token': 'tok-9' });
  });

  it("turns a refused CSV into an ApiError carrying the API's message (the lines at fault)", async () => {
    stubFetch(400, { error: { code: 'invalid_csv', message: 'line 3: kind must be phone, email or handle' } });
    const err = await adminApi.importDirectory(new Blob(['x'])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'invalid_csv', message: 'line 3: kind must be phone, email or handle' });
  });

  it('says so when the server cannot be reached', async () => {
    globalThis.fetch = async () => {
      throw new TypeError('Failed to fetch');
    };
    await expect(adminApi.importDirectory(new Blob(['x']))).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });

  it('names connector instances and keys safely in paths, and sends JSON bodies', async () => {
    setCsrfToken('tok-1');
    const calls = stubFetch(201, { id: 'wa', connector: 'whatsapp-cloud', tenant: 't', webhookPath: '/webhooks/wabc' });
    await adminApi.saveConnector('wa', 'whatsapp-cloud', { appSecret: 'x'.repeat(8) });
    expect(calls[0].url).toBe('/v1/admin/connectors/wa');
    expect(calls[0].init).toMatchObject({ method: 'PUT', body: JSON.stringify({ connector: 'whatsapp-cloud', config: { appSecret: 'xxxxxxxx' } }) });
    const revoke = stubFetch(200, { revoked: 'a/b' });
    await adminApi.revokeKey('a/b');
    expect(revoke[0].url).toBe('/v1/admin/api-keys/a%2Fb');
    const create = stubFetch(201, {});
    await adminApi.createKey('auditor');
    expect(create[0].init.body).toBe('{"role":"auditor"}');
  });
});
