import { randomBytes } from 'node:crypto';
import { startCustody, type RunningCustody } from '@custody/runtime';
import { testLogger, waitFor } from '@custody/testing';
import { stackConfig, type StackConfig } from '@custody/testing/stack';
import { apiSearch } from '@custody/testing/whatsapp';

const ALICE = '+14155550100';
const BOB = '+14155550111';

/**
 * Two employees both captured: Alice's signal-cli sees her own message as a sync message, Bob's as
 * an incoming data message. It is one communication and must be archived once, resolved to both
 * employees, as internal.
 */
describe('a message captured from both sides', () => {
  const secret = `both-${randomBytes(12).toString('hex')}`;
  let sc: StackConfig;
  let custody: RunningCustody;

  beforeAll(async () => {
    sc = stackConfig({}, [
      { id: 'signal-alice', connector: 'signal', tenant: 'acme', config: { account: ALICE, sharedSecret: secret } },
      { id: 'signal-bob', connector: 'signal', tenant: 'acme', config: { account: BOB, sharedSecret: secret } },
    ]);
    custody = await startCustody(sc.config, testLogger());
  });
  afterAll(async () => {
    await custody?.stop();
  });

  const post = (instance: string, body: unknown) =>
    fetch(`${custody.url}/webhooks/${instance}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify(body),
    });

  test('is archived once, with both employees resolved and direction internal', async () => {
    const admin = { authorization: `Bearer ${sc.keys.admin.token}`, 'content-type': 'application/json' };
    for (const [id, phone] of [
      ['alice', ALICE],
      ['bob', BOB],
    ]) {
      const r = await fetch(`${custody.url}/v1/admin/directory/${id}`, {
        method: 'PUT',
        headers: admin,
        body: JSON.stringify({ name: id, identifiers: [{ kind: 'phone', value: phone }] }),
      });
      expect(r.status).toBe(201);
    }
    const ts = Date.now() - 1_000;
    const text = `both sides ${sc.name} allocation for fund B`;
    const fromAlice = {
      jsonrpc: '2.0',
      method: 'receive',
      params: {
        account: ALICE,
        envelope: {
          source: ALICE,
          sourceNumber: ALICE,
          sourceDevice: 1,
          timestamp: ts,
          syncMessage: { sentMessage: { destination: BOB, destinationNumber: BOB, timestamp: ts, message: text } },
        },
      },
    };
    const atBob = {
      jsonrpc: '2.0',
      method: 'receive',
      params: { account: BOB, envelope: { source: ALICE, sourceNumber: ALICE, sourceDevice: 1, timestamp: ts, dataMessage: { timestamp: ts, message: text } } },
    };
    const [a, b] = await Promise.all([post('signal-alice', fromAlice), post('signal-bob', atBob)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const idA = (await a.json()).ids[0];
    const idB = (await b.json()).ids[0];
    expect(idA).toBe(idB);

    const hit = await waitFor('the message searchable', async () => {
      const r = await apiSearch(custody.url, sc.keys.compliance.token, { text });
      return r.body.total > 0 ? r.body : undefined;
    });
    await waitFor('both captures processed', async () =>
      (await custody.adapters.bus.lag(sc.config.CUSTODY_ARCHIVER_GROUP, [custody.topics.customerData])) === 0 ? true : undefined,
    );
    await custody.adapters.index.refresh();
    const again = await apiSearch(custody.url, sc.keys.compliance.token, { text });
    expect(again.body.total).toBe(1);
    expect(hit.hits[0].employeeIds.sort()).toEqual(['alice', 'bob']);
    const rec = await fetch(`${custody.url}/v1/records/${idA}`, { headers: { authorization: `Bearer ${sc.keys.compliance.token}` } });
    expect((await rec.json()).envelope.direction).toBe('internal');
    // the participant search finds it from either side, and the unmapped filter does not
    expect((await apiSearch(custody.url, sc.keys.compliance.token, { employeeId: 'bob', text })).body.total).toBe(1);
    expect((await apiSearch(custody.url, sc.keys.compliance.token, { unmapped: BOB, text })).body.total).toBe(0);
  });
});
