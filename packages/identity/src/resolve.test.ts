import type { EnvelopeDraft } from '@custody/envelope';
import { Directory, resolveAgain, resolveIdentities } from './index';

const draft = (sender: string, recipients: string[], sentAt: string, direction: EnvelopeDraft['direction'] = 'unknown'): EnvelopeDraft => ({
  tenant: 'acme',
  kind: 'message',
  channel: 'sms',
  source: { connector: 'twilio-sms', externalId: 'x', receivedAt: sentAt, raw: { contentType: 'text/plain', encoding: 'utf8', body: '' } },
  conversation: { id: 'c', type: 'direct' },
  sender: { kind: 'phone', value: sender },
  recipients: recipients.map((value) => ({ kind: 'phone' as const, value })),
  direction,
  sentAt,
  capturedAt: sentAt,
});

const directory = new Directory([
  // +15550000001 belonged to alice until March, then was reassigned to bob
  {
    tenant: 'acme',
    employeeId: 'alice',
    identifiers: [
      { kind: 'phone', value: '+15550000001', to: '2025-03-01T00:00:00Z' },
      { kind: 'email', value: 'Alice@Acme.example' },
    ],
  },
  { tenant: 'acme', employeeId: 'bob', identifiers: [{ kind: 'phone', value: '+1 (555) 000-0001', from: '2025-03-01T00:00:00Z' }] },
  { tenant: 'acme', employeeId: 'carol', identifiers: [{ kind: 'phone', value: '+15550000003' }] },
]);

test('a reassigned number resolves to whoever held it when the message was sent', () => {
  expect(resolveIdentities(draft('+15550000001', ['+16505551234'], '2025-02-28T23:59:59Z'), directory).sender.employeeId).toBe('alice');
  expect(resolveIdentities(draft('+15550000001', ['+16505551234'], '2025-03-01T00:00:00Z'), directory).sender.employeeId).toBe('bob');
});

test('direction follows who the employees are', () => {
  expect(resolveIdentities(draft('+15550000003', ['+16505551234'], '2025-05-01T00:00:00Z'), directory).direction).toBe('outbound');
  expect(resolveIdentities(draft('+16505551234', ['+15550000003'], '2025-05-01T00:00:00Z'), directory).direction).toBe('inbound');
  expect(resolveIdentities(draft('+15550000003', ['+15550000001'], '2025-05-01T00:00:00Z'), directory).direction).toBe('internal');
});

test('unmapped participants are kept unchanged and the connector direction stands when nobody resolves', () => {
  const out = resolveIdentities(draft('+16505551234', ['+16505559999'], '2025-05-01T00:00:00Z', 'inbound'), directory);
  expect(out.sender).toEqual({ kind: 'phone', value: '+16505551234' });
  expect(out.recipients).toEqual([{ kind: 'phone', value: '+16505559999' }]);
  expect(out.direction).toBe('inbound');
});

test('emails match case-insensitively; platform ids are tried too', () => {
  const d = draft('+16505551234', [], '2025-05-01T00:00:00Z');
  const email = resolveIdentities({ ...d, sender: { kind: 'email', value: 'alice@acme.example' } }, directory);
  expect(email.sender.employeeId).toBe('alice');
  const handle = new Directory([{ tenant: 'acme', employeeId: 'dave', identifiers: [{ kind: 'handle', value: 'U042' }] }]);
  expect(resolveIdentities({ ...d, sender: { kind: 'handle', value: '@dave', platformId: 'U042' } }, handle).sender.employeeId).toBe('dave');
});

test('a Telegram user resolves by user<id>, the one form the bot connector and the export importer both write', () => {
  const d = draft('+16505551234', [], '2025-05-01T00:00:00Z');
  const telegram = new Directory([{ tenant: 'acme', employeeId: 'dave', identifiers: [{ kind: 'handle', value: 'user42' }] }]);
  const bot = { kind: 'handle', value: 'user42', platformId: 'user42', displayName: 'Dave Jones (@dave)' } as const;
  const exported = { kind: 'handle', value: 'user42', platformId: 'user42', displayName: 'Dave Jones' } as const;
  for (const sender of [bot, exported]) expect(resolveIdentities({ ...d, sender }, telegram).sender.employeeId).toBe('dave');
});

test('resolving an archived record again follows the directory as it is now', () => {
  const captured = resolveIdentities(draft('+15550000003', ['+16505551234'], '2025-05-01T00:00:00Z', 'unknown'), directory);
  expect(captured.sender.employeeId).toBe('carol');
  // carol's number is later found to be erin's all along; an outsider becomes an employee too
  const corrected = new Directory([
    { tenant: 'acme', employeeId: 'erin', identifiers: [{ kind: 'phone', value: '+15550000003' }] },
    { tenant: 'acme', employeeId: 'frank', identifiers: [{ kind: 'phone', value: '+16505551234' }] },
  ]);
  const again = resolveAgain(captured, corrected);
  expect(again.sender.employeeId).toBe('erin');
  expect(again.recipients[0].employeeId).toBe('frank');
  expect(again.direction).toBe('internal');
  expect(resolveAgain(captured, new Directory([])).sender).toEqual({ kind: 'phone', value: '+15550000003' });
});
