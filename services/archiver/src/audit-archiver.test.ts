import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArchiveStore } from '@custody/archive-store';
import type { BusRecord } from '@custody/bus';
import { createLogger } from '@custody/logger';
import { AuditArchiver } from './audit-archiver';

describe('AuditArchiver', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('archives customer trails and the reserved _system trail; anything else naming a tenant outside the grammar is refused', async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-archiver-'));
    const store = new LocalArchiveStore({ dir });
    await store.ensureReady();
    const logged: unknown[] = [];
    const logger = createLogger('test', { level: 'silent' });
    logger.error = ((o: unknown) => void logged.push(o)) as typeof logger.error;
    const archiver = new AuditArchiver({ bus: undefined as never, store, topic: 'audit', groupId: 'g', retainFor: async () => 86_400, logger });
    const at = '2026-11-30T00:00:00.000Z';
    const rec = (tenant: string, id: string, i: number): BusRecord => ({ topic: 'audit', partition: 0, offset: String(i), key: tenant, value: Buffer.from(JSON.stringify({ id, at, tenant })), headers: {}, timestamp: '0' });
    await archiver.handleBatch([rec('acme', 'e1', 0), rec('_system', 'e2', 1), rec('acme:eu', 'e3', 2), rec('_other', 'e4', 3), rec('ACME', 'e5', 4)]);
    expect((await store.head('tenants/acme/audit/2026-11-30/e1.json'))?.size).toBeGreaterThan(0);
    expect((await store.head('tenants/_system/audit/2026-11-30/e2.json'))?.size).toBeGreaterThan(0);
    expect(logged).toHaveLength(3);
    for (const t of ['acme:eu', '_other', 'ACME']) {
      const keys: string[] = [];
      for await (const v of store.list(`tenants/${t}/`)) keys.push(v.key);
      expect(keys).toEqual([]);
    }
  });
});
