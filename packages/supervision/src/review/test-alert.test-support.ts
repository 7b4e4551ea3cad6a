import { newAlert, type Alert } from './alert';

/** An open level-1 hit alert about `employeeIds`, raised at `raisedAt`. */
export function testAlert(over: { id?: string; employeeIds?: string[]; raisedAt?: string; policyId?: string; ruleId?: string; channel?: string } = {}): Alert {
  return newAlert({
    id: over.id ?? 'al-00000000000000000000000000000001',
    tenant: 'acme',
    kind: 'hit',
    queue: over.policyId ?? 'guarantees',
    record: {
      id: 'rec-1',
      conversation: 'conv-1',
      channel: over.channel ?? 'whatsapp',
      kind: 'message',
      direction: 'inbound',
      sentAt: '2026-11-30T10:00:00.000Z',
      employeeIds: over.employeeIds ?? ['alice'],
      key: 'tenants/acme/records/re/rec-1.json',
      versionId: 'v1',
      sha256: 'a'.repeat(64),
    },
    hit: {
      policyId: over.policyId ?? 'guarantees',
      version: `sha256:${'b'.repeat(64)}`,
      normalizer: 'custody-normalizer/1',
      ruleId: over.ruleId ?? 'guarantee-en',
      severity: 'high',
      zone: 'body',
      spans: [{ start: 0, end: 9 }],
    },
    raisedAt: over.raisedAt ?? '2026-11-30T10:00:05.000Z',
    source: 'capture',
  });
}
