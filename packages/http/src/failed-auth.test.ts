import type { HttpRequest } from './types';
import { createLogger } from '@custody/logger';
import { FailedAuthAudit, type AuditEvent } from './audit';
import { audited } from './audited';
import { KeyStore } from './auth';

const TOKEN = 'cust_key-guess_0123456789abcdefghijklmnopqrstuv';
const request = (address: string, authorization?: string): HttpRequest => ({
  method: 'POST',
  path: '/v1/search',
  url: '/v1/search?x=1',
  params: {},
  query: new URLSearchParams(),
  headers: { ...(authorization && { authorization }) },
  body: async () => Buffer.from('{}'),
  remoteAddress: address,
});

describe('failed authentications', () => {
  test('are audited in the _system trail with the source address and nothing of the token, at a bounded rate per address', async () => {
    const recorded: Array<Omit<AuditEvent, 'id' | 'at'>> = [];
    const dropped: string[] = [];
    const logger = createLogger('test', { level: 'silent' });
    const failedAuth = new FailedAuthAudit({ record: async (e) => void recorded.push(e) }, logger, 3, (r) => dropped.push(r));
    const handler = audited({ keys: new KeyStore([]), audit: { record: async () => {} }, logger, failedAuth }, 'records.search', async () => {
      throw new Error('never reached');
    });
    for (let i = 0; i < 5; i++) await expect(handler(request('203.0.113.7', `Bearer ${TOKEN}`))).rejects.toMatchObject({ status: 401 });
    await expect(handler(request('198.51.100.9'))).rejects.toMatchObject({ status: 401 });

    expect(recorded).toHaveLength(4);
    expect(dropped).toEqual(['rate_limited', 'rate_limited']);
    expect(recorded[0]).toEqual({ tenant: '_system', actor: { keyId: 'unknown', role: 'none' }, action: 'records.search', outcome: 'denied', status: 401, target: 'POST /v1/search', source: { address: '203.0.113.7' }, details: { reason: 'unknown API key' } });
    expect(recorded[3]).toMatchObject({ source: { address: '198.51.100.9' }, details: { reason: 'missing or malformed Authorization: Bearer <api key>' } });
    const text = JSON.stringify(recorded);
    expect(text).not.toContain(TOKEN.slice(5, 21));
  });
});
