import { loadConfig } from '@custody/config';
import { topicsFor } from '@custody/bus';
import { consumedTopicSpecs } from './topic-specs';

describe('consumedTopicSpecs', () => {
  const config = loadConfig({ CUSTODY_MODE: 'embedded' });
  const topics = topicsFor('');
  const specs = (services: string[]) =>
    Object.fromEntries(consumedTopicSpecs(config, new Set(services), topics, 1024).map((s) => [s.name, s.deleteConsumedBy]));

  test('customer data is deleted from the log only once archived and, when the media service runs, its attachments fetched', () => {
    const all = specs(['gateway', 'archiver', 'media']);
    expect(all[topics.customerData]).toEqual([config.CUSTODY_ARCHIVER_GROUP, config.CUSTODY_MEDIA_GROUP]);
    expect(all[topics.audit]).toEqual([config.CUSTODY_AUDIT_GROUP]);
    expect(all[topics.mediaRetry]).toEqual([`${config.CUSTODY_MEDIA_GROUP}-retry`]);
    expect(all[topics.recordLog]).toEqual([config.CUSTODY_RECORD_LOG_GROUP]);
    expect(specs(['gateway', 'archiver'])[topics.customerData]).toEqual([config.CUSTODY_ARCHIVER_GROUP]);
  });

  test('without the archiver in this process nothing is deleted: no group would ever archive what the log held', () => {
    const none = specs(['gateway', 'media', 'api']);
    expect(none[topics.customerData]).toBeUndefined();
    expect(none[topics.audit]).toBeUndefined();
  });
});
