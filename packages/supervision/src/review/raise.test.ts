import type { Envelope } from '@custody/envelope';
import { sampleScore } from '../sampling';
import { inPopulation, sampleAlert } from './raise';
import { SamplingPlan } from '../sampling';

const seed = 'ab'.repeat(32);
const envelope = (id: string, capturedAt = '2026-12-01T10:00:00.000Z') =>
  ({
    id,
    tenant: 'acme',
    channel: 'whatsapp',
    kind: 'message',
    direction: 'inbound',
    conversation: { id: 'c', type: 'direct' },
    sender: { kind: 'phone', value: '+1', employeeId: 'alice' },
    recipients: [],
    sentAt: '2026-12-01T09:59:00.000Z',
    capturedAt,
  }) as unknown as Envelope;
const stored = { key: 'k', versionId: 'v', sha256: 'a'.repeat(64) };
const plan = SamplingPlan.parse({ id: 'desk', population: { groups: ['desk-a'] }, rate: 0.5, period: 'day' });

describe('sampling at capture', () => {
  test('a record is drawn when its score is under the rate, only under a seed committed before it was captured', () => {
    const ids = Array.from({ length: 200 }, (_, i) => `rec-${i}`);
    const committed = { seed, period: '2026-12-01', committedAt: '2026-12-01T00:00:00.000Z' };
    const drawn = ids.filter((id) => sampleAlert(envelope(id), stored, plan, committed, 'now'));
    expect(drawn).toEqual(ids.filter((id) => sampleScore(seed, id) < 0.5));
    expect(drawn.length).toBeGreaterThan(60);
    const late = { ...committed, committedAt: '2026-12-01T11:00:00.000Z' };
    expect(ids.filter((id) => sampleAlert(envelope(id), stored, plan, late, 'now'))).toEqual([]);
    expect(ids.filter((id) => sampleAlert(envelope(id), stored, plan, { ...committed, period: '2026-12-02' }, 'now'))).toEqual([]);
  });

  test('the population: groups through the directory, channels, or everyone', () => {
    const groupsOf = (e: string) => (e === 'alice' ? ['desk-a'] : []);
    expect(inPopulation(plan, ['alice'], groupsOf, 'whatsapp')).toBe(true);
    expect(inPopulation(plan, ['bob'], groupsOf, 'whatsapp')).toBe(false);
    expect(inPopulation({ ...plan, population: { employees: [], groups: [], channels: ['sms'] } }, [], groupsOf, 'whatsapp')).toBe(false);
    expect(inPopulation({ ...plan, population: { employees: [], groups: [], channels: [] } }, [], groupsOf, 'line')).toBe(true);
  });
});
