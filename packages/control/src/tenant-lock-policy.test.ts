import { sealEnvelope } from '@custody/envelope';
import { Directory } from '@custody/identity';
import { RetentionSettings, type Hold } from '@custody/policy';
import type { HoldTable, RetentionTable } from './tables';
import { TenantLockPolicy } from './tenant-lock-policy';

const YEAR = 365.25 * 86_400_000;
const table = <T>(rows: Record<string, T>) => ({ get: (k: string) => rows[k], values: () => Object.values(rows) });

const message = (sentAt: string) =>
  sealEnvelope({
    tenant: 'acme',
    kind: 'message',
    channel: 'sms',
    source: { connector: 'twilio-sms', externalId: `m-${sentAt}`, receivedAt: sentAt, raw: { contentType: 'text/plain', encoding: 'utf8', body: '' } },
    conversation: { id: 'c', type: 'direct' },
    sender: { kind: 'phone', value: '+15550000001' },
    recipients: [{ kind: 'phone', value: '+16505551234' }],
    direction: 'unknown',
    sentAt,
    capturedAt: sentAt,
  });

const hold: Hold = {
  id: 'hold-1',
  tenant: 'acme',
  matter: 'm',
  reason: 'r',
  scope: { custodians: ['alice'], participants: [], channels: [] },
  status: 'active',
  placedBy: 'k',
  placedAt: '2026-01-01T00:00:00Z',
  job: { kind: 'place', state: 'done', total: 0, processed: 0, matched: 0, updatedAt: '2026-01-01T00:00:00Z' },
};

test('a record captured before its sender was mapped is locked and indexed on the directory as it is at write time', async () => {
  let directory = new Directory([]);
  const policy = new TenantLockPolicy(table({}) as unknown as RetentionTable, table({ [hold.id]: hold }) as unknown as HoldTable, 86_400, 60, () => directory);
  const env = message(new Date().toISOString());
  expect((await policy.lockFor(env)).holds).toEqual([]);
  directory = new Directory([{ tenant: 'acme', employeeId: 'alice', identifiers: [{ kind: 'phone', value: '+15550000001' }] }]);
  const lock = await policy.lockFor(env);
  expect(lock.holds).toEqual(['hold-1']);
  expect(lock.resolved).toMatchObject({ sender: { employeeId: 'alice' }, direction: 'outbound' });
});

test('a preset floor counts from sentAt; a message already past it still gets the minimum lock', async () => {
  const settings = RetentionSettings.parse({
    tenant: 'acme',
    version: 1,
    changedBy: 'k',
    changedAt: '2026-01-01T00:00:00Z',
    default: { value: 1, unit: 'seconds' },
    presets: ['sec-17a-4'],
  });
  const policy = new TenantLockPolicy(table({ acme: settings }) as unknown as RetentionTable, table({}) as unknown as HoldTable, 86_400, 86_400);
  const now = Date.now();
  const fresh = await policy.lockFor(message(new Date(now).toISOString()));
  expect(fresh.retainUntil.getTime()).toBeGreaterThanOrEqual(now + 6 * YEAR);
  const fiveYearsOld = await policy.lockFor(message(new Date(now - 5 * YEAR).toISOString()));
  expect(fiveYearsOld.retainUntil.getTime()).toBeGreaterThanOrEqual(now + YEAR - 1000);
  const eightYearsOld = await policy.lockFor(message(new Date(now - 8 * YEAR).toISOString()));
  expect(eightYearsOld.retainUntil.getTime()).toBeGreaterThanOrEqual(now + 86_400_000);
  expect(eightYearsOld.retainUntil.getTime()).toBeLessThan(now + 2 * 86_400_000);
});
