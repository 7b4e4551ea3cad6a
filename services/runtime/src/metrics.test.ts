import type { Bus } from '@custody/bus';
import { silentLogger } from '@custody/logger';
import { custodyMetrics } from './metrics';

describe('custodyMetrics', () => {
  const bus = (over: Partial<Bus>) => ({ lag: async () => 4, stalledBatches: () => [], ...over }) as unknown as Bus;
  const lagOf = { groupId: 'custody-archiver', topics: ['cd'] };

  test('stalled batches per consumer group, lag and corrupt records are read when scraped', async () => {
    let stalled = [
      { group: 'custody-archiver', batches: 0 },
      { group: 'custody-media', batches: 0 },
    ];
    const m = custodyMetrics(bus({ stalledBatches: () => stalled }), lagOf, silentLogger(), async () => [{ topic: 'cd', count: 1 }]);
    expect((await m.expose()).body).toMatch(/^custody_bus_stalled_batches\{group="custody-media"\} 0$/m);
    stalled = [{ group: 'custody-archiver', batches: 2 }];
    const { body } = await m.expose();
    expect(body).toMatch(/^custody_bus_stalled_batches\{group="custody-archiver"\} 2$/m);
    expect(body).not.toContain('group="custody-media"');
    expect(body).toMatch(/^custody_consumer_lag_records\{group="custody-archiver"\} 4$/m);
    expect(body).toMatch(/^# TYPE custody_bus_corrupt_records_total counter$/m);
    expect(body).toMatch(/^custody_bus_corrupt_records_total\{topic="cd"\} 1$/m);
  });

  test('a series that cannot be read (Kafka down) is left out of the scrape, which still answers', async () => {
    const m = custodyMetrics(bus({ lag: async () => Promise.reject(new Error('kafka down')) }), lagOf, silentLogger());
    m.ingested.inc({ tenant: 'acme', channel: 'whatsapp' });
    const { body } = await m.expose();
    expect(body).not.toMatch(/^custody_consumer_lag_records\{/m);
    expect(body).toMatch(/^custody_records_ingested_total\{channel="whatsapp",tenant="acme"\} 1$/m);
  });

  test('dead letters of every consumer are one series, by step, channel and tenant', async () => {
    const m = custodyMetrics(bus({}), lagOf, silentLogger());
    m.archiver.deadLettered('decode', { tenant: 'acme', channel: 'whatsapp' });
    m.deadLetters.deadLettered('media', { tenant: 'acme' });
    m.deadLetters.deadLettered('audit', {});
    const { body } = await m.expose();
    expect(body).toMatch(/^custody_records_dead_lettered_total\{channel="whatsapp",step="decode",tenant="acme"\} 1$/m);
    expect(body).toMatch(/^custody_records_dead_lettered_total\{channel="unknown",step="media",tenant="acme"\} 1$/m);
    expect(body).toMatch(/^custody_records_dead_lettered_total\{channel="unknown",step="audit",tenant="unknown"\} 1$/m);
  });
});
