import { activityOf, countText, dayRows, healthHeadline, healthIssues, lastEventText } from './admin-health';
import type { AdminHealth } from './admin-types';

const QUIET: AdminHealth = {
  consumers: [{ group: 'archiver', lagRecords: 3 }],
  today: { day: '2026-11-30', received: 120, quarantined: 0, archived: 118, duplicates: 2, deadLettered: 0, indexed: 118, unaccounted: 0 },
  connectors: [{ id: 'wa', connector: 'whatsapp-cloud', lastEventAt: '2026-11-30T10:00:00Z', silent: false, quarantinedToday: 0, deadLetteredToday: 0 }],
};

describe('health summaries', () => {
  it('says nothing needs attention when nothing does', () => {
    expect(healthIssues(QUIET)).toEqual([]);
    expect(healthHeadline(QUIET)).toBe('Nothing needs attention.');
  });

  it('names every problem, most urgent first', () => {
    const health: AdminHealth = {
      consumers: [
        { group: 'archiver', lagRecords: 12_000 },
        { group: 'indexer', lagRecords: 10 },
      ],
      today: { ...QUIET.today!, quarantined: 2, deadLettered: 1, unaccounted: 4 },
      connectors: [{ id: 'tg', connector: 'telegram-bot', lastEventAt: null, silent: true, quarantinedToday: null, deadLetteredToday: null }],
    };
    expect(healthIssues(health)).toEqual([
      '4 events received today are not accounted for.',
      '1 event went to the dead-letter queue today.',
      '2 deliveries were quarantined today.',
      'Connector tg (telegram-bot) has gone silent: last event Never.',
      'Consumer archiver is 12,000 records behind.',
    ]);
    expect(healthHeadline(health)).toBe('5 things need attention.');
  });

  it('never reads an unavailable figure as zero', () => {
    expect(countText(null)).toBe('unavailable');
    expect(countText(0)).toBe('0');
    const unknown: AdminHealth = { consumers: [{ group: 'archiver', lagRecords: null }], today: null, connectors: [] };
    expect(healthIssues(unknown)).toEqual([]);
    expect(healthHeadline(unknown)).toBe('Health figures are not available from this deployment yet.');
  });

  it("lists today's counts in pipeline order, flagging the ones that need attention", () => {
    const rows = dayRows({ ...QUIET.today!, quarantined: 1, indexed: null });
    expect(rows.map((r) => [r.label, r.value, r.attention])).toEqual([
      ['Received', '120', false],
      ['Duplicates (already archived)', '2', false],
      ['Archived', '118', false],
      ['Indexed for search', 'unavailable', false],
      ['Quarantined', '1', true],
      ['Dead-lettered', '0', false],
      ['Unaccounted for', '0', false],
    ]);
  });

  it("finds a listed instance's activity by its name or its webhook id", () => {
    const byName = activityOf({ id: 'wa', connector: 'whatsapp-cloud', webhookPath: '/webhooks/wabc', settings: [] }, QUIET.connectors);
    expect(byName?.id).toBe('wa');
    const byWebhook = activityOf({ id: 'main', connector: 'x', webhookPath: '/webhooks/wa', settings: [] }, QUIET.connectors);
    expect(byWebhook?.id).toBe('wa');
    expect(activityOf({ id: 'other', connector: 'x', webhookPath: '/webhooks/w1', settings: [] }, QUIET.connectors)).toBeNull();
    expect(lastEventText(null)).toBe('Never');
    expect(lastEventText('2026-11-30T10:00:00Z')).toBe('2026-11-30 10:00 UTC');
  });
});
