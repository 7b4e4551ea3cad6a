import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArchiveStore, recordKey } from '@custody/archive-store';
import { EmbeddedBus } from '@custody/bus';
import { ControlTable } from '@custody/control';
import { sealEnvelope, type Participant } from '@custody/envelope';
import { isAudited, type AnyAuditedRoute, type Principal } from '@custody/http';
import { createLogger } from '@custody/logger';
import { Hold, HoldScope } from '@custody/policy';
import { EmbeddedIndex, toIndexDoc } from '@custody/search-index';
import { HoldJobs } from './hold-jobs';
import { holdRoutes } from './hold-routes';

/**
 * POST /v1/holds/preview counts what the hold job would hold: each case places the hold for real
 * and compares the job's count (and the index's marks) with the preview given before it.
 */
describe('hold scope preview', () => {
  let dir: string;
  let bus: EmbeddedBus;
  let index: EmbeddedIndex;
  let store: LocalArchiveStore;
  let holds: ControlTable<Hold>;
  let jobs: HoldJobs;
  let preview: AnyAuditedRoute;
  let place: AnyAuditedRoute;
  const tenant = 'acme';
  const legal: Principal = { keyId: 'k-legal', tenant, role: 'legal' };
  const logger = createLogger('test', { level: 'silent' });

  const alice: Participant = { kind: 'phone', value: '+15550000001', employeeId: 'alice' };
  const bob: Participant = { kind: 'phone', value: '+15550000002', employeeId: 'bob' };
  const outsider: Participant = { kind: 'phone', value: '+16505551234' };

  let n = 0;
  async function archive(o: {
    from: Participant;
    to: Participant;
    channel?: 'sms' | 'whatsapp' | 'email';
    day?: number;
    text?: string;
    subject?: string;
    tenant?: string;
  }) {
    n++;
    const at = new Date(Date.UTC(2026, 0, o.day ?? 1, 12, 0, n)).toISOString();
    const env = sealEnvelope({
      tenant: o.tenant ?? tenant,
      kind: 'message',
      channel: o.channel ?? 'sms',
      source: { connector: 'twilio-sms', externalId: `m${n}`, receivedAt: at, raw: { contentType: 'text/plain', encoding: 'utf8', body: '' } },
      conversation: { id: 'c', type: 'direct' },
      sender: o.from,
      recipients: [o.to],
      direction: 'unknown',
      sentAt: at,
      capturedAt: at,
      content: { text: o.text ?? `message ${n}`, ...(o.subject && { subject: o.subject }) },
    });
    const put = await store.put({
      key: recordKey(env.tenant, env.id),
      body: Buffer.from(JSON.stringify(env)),
      contentType: 'application/json',
      retainUntil: new Date(Date.now() + 3600_000),
      legalHold: false,
    });
    expect(await index.bulkUpsert([toIndexDoc(env, { key: put.key, versionId: put.versionId, sha256: put.sha256 })])).toEqual([]);
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custody-hold-routes-'));
    bus = new EmbeddedBus({ dir: join(dir, 'bus'), logger });
    index = new EmbeddedIndex({ dir: join(dir, 'index') });
    store = new LocalArchiveStore({ dir: join(dir, 'archive') });
    await store.ensureReady();
    holds = new ControlTable(bus, 'holds', Hold, logger);
    await holds.start();
    jobs = new HoldJobs({ store, index, holds, logger, retry: { initialMs: 10, maxMs: 50 } });
    const routes = holdRoutes({ holds, jobs, index }).filter(isAudited);
    preview = routes.find((r) => r.method === 'POST' && r.url === '/v1/holds/preview')!;
    place = routes.find((r) => r.method === 'POST' && r.url === '/v1/holds')!;

    // alice and bob write to each other (records of both custodians) and to an outsider
    await archive({ from: alice, to: bob, text: 'please fill the invoice form' });
    await archive({ from: alice, to: outsider, text: 'the invoice was filled' });
    await archive({ from: bob, to: outsider, text: 'call me', subject: 'fill the invoice', channel: 'email' });
    await archive({ from: bob, to: alice, text: 'Invoice: fill it in today', channel: 'whatsapp', day: 5 });
    await archive({ from: outsider, to: bob, text: 'fill invoice', day: 9 });
    await archive({ from: outsider, to: outsider, text: 'unrelated', channel: 'whatsapp', day: 9 });
    // another tenant's records never count
    await archive({ from: alice, to: bob, text: 'fill the invoice', tenant: 'globex' });
    await index.refresh();
  });
  afterEach(async () => {
    await jobs.stop();
    await holds.stop();
    await bus.close();
    await index.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function previewCount(scope: unknown, principal = legal): Promise<number> {
    const reply = await preview.handler({ body: HoldScope.parse(scope) } as never, principal);
    expect(reply.status).toBe(200);
    return (reply.body as { count: number }).count;
  }

  /** Places the hold through POST /v1/holds, as the console will, and counts what its job held. */
  async function heldByJob(scope: unknown): Promise<number> {
    const reply = await place.handler({ body: { matter: 'm', reason: 'r', scope: HoldScope.parse(scope) } } as never, legal);
    const { hold } = reply.body as { hold: Hold };
    await jobs.settled(hold.id);
    const job = holds.get(hold.id)!.job;
    expect(job.state).toBe('done');
    const marked = (await index.search(tenant, { holdId: hold.id, size: 1 })).total;
    expect(marked).toBe(job.matched);
    return marked;
  }

  test.each([
    ['exact words of the text (no other forms, not the subject)', { query: 'fill invoice' }, 3],
    ['two custodians whose records overlap, counted once', { custodians: ['alice', 'bob'] }, 5],
    ['custodians and words', { custodians: ['alice', 'bob'], query: 'invoice' }, 4],
    ['participants (a phone in any format) and a channel', { participants: ['+1 555 000 0002'], channels: ['whatsapp'] }, 1],
    ['one channel and dates: from included, to excluded', { channels: ['whatsapp'], from: '2026-01-05T00:00:00Z', to: '2026-01-09T12:00:00Z' }, 1],
    ['two channels', { channels: ['whatsapp', 'email'] }, 3],
    ['one custodian and one channel', { custodians: ['bob'], channels: ['sms'] }, 2],
    ['dates only', { from: '2026-01-02T00:00:00Z' }, 3],
    // any case, as search reads a channel
    ['a channel spelt unlike the records’', { channels: ['WhatsApp'] }, 2],
  ])('%s: the preview is what the job holds', async (_what, scope, expected) => {
    const count = await previewCount(scope);
    expect(count).toBe(expected);
    expect(await heldByJob(scope)).toBe(count);
  });

  test('differs from the search total where search matches more: the preview is the hold’s count', async () => {
    // search finds "filled" for fill, and the email whose subject alone has the words
    expect((await index.search(tenant, { text: 'fill invoice', size: 1 })).total).toBe(5);
    expect(await previewCount({ query: 'fill invoice' })).toBe(3);
  });

  test('a scope its job could not search is refused, not counted as nothing, and never placed', async () => {
    await expect(previewCount({ query: '"unclosed' })).rejects.toMatchObject({ status: 400, code: 'invalid_request' });
    await expect(previewCount({ channels: ['fax'] })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/unknown channel/) });
    // a hold of it would retry its search for ever
    const placing = place.handler({ body: { matter: 'm', reason: 'r', scope: HoldScope.parse({ query: '"unclosed' }) } } as never, legal);
    await expect(placing).rejects.toMatchObject({ status: 400, code: 'invalid_request' });
    expect(holds.values()).toEqual([]);
  });

  test('is audited as holds.preview, for legal and compliance', () => {
    expect(preview.access).toEqual({ roles: ['legal', 'compliance'], audit: 'holds.preview' });
  });
});
