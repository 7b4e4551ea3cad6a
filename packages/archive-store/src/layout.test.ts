import {
  auditDayPrefix,
  auditKey,
  blobKey,
  canaryDayPrefix,
  canaryKey,
  certificateKey,
  certificatePrefix,
  keyOf,
  manifestKey,
  manifestPrefix,
  parseKey,
  rawKey,
  recordKey,
  tenantPrefix,
  type ArchiveObject,
} from './layout';

const id = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const sha = 'f'.repeat(63) + '0';

/** Every object of a tenant (canaries, under no tenant, are tested apart). */
const objects: Array<Exclude<ArchiveObject, { kind: 'canary' }>> = [
  { kind: 'record', tenant: 'acme', id },
  { kind: 'manifest', tenant: 'acme', recordId: id, attachmentId: 'wamid.HBgM/../x y%é' },
  { kind: 'blob', tenant: 'acme', sha256: sha },
  { kind: 'raw', tenant: 'acme', sha256: sha },
  { kind: 'audit', tenant: '_system', day: '2026-11-30', id: '0192d1f0-8c3e-7a11-9b2c-1234567890ab' },
  { kind: 'certificate', tenant: 'acme', runId: 'disp-2026-11-30T10-00-00-000Z-1a2b3c4d' },
  { kind: 'reconciliation', tenant: 'acme', day: '2026-11-29' },
  { kind: 'policy-version', tenant: 'acme', policyId: 'promissory-language', sha256: 'c'.repeat(64) },
  { kind: 'sampling-seed', tenant: 'acme', plan: 'desk-weekly', period: '2026-W49' },
  { kind: 'lookback', tenant: 'acme', lookbackId: 'lb-1', path: 'pages/000001.jsonl' },
];

describe('archive layout', () => {
  test.each(objects.map((o) => [o.kind, o] as const))('a %s key parses back to what built it', (_kind, o) => {
    const key = keyOf(o);
    expect(key.startsWith(tenantPrefix(o.tenant))).toBe(true);
    expect(parseKey(key)).toEqual(o);
  });

  test('every kind is covered, and no two kinds share a key', () => {
    expect(new Set(objects.map((o) => o.kind)).size).toBe(10);
    expect(new Set(objects.map(keyOf)).size).toBe(objects.length);
  });

  test('the builders the writers call are the layout keyOf reads back', () => {
    expect(recordKey('acme', id)).toBe(`tenants/acme/records/a1/${id}.json`);
    expect(manifestKey('acme', id, 'm 1')).toBe(`tenants/acme/records/a1/${id}.attachments/m%201.json`);
    expect(manifestKey('acme', id, 'm 1').startsWith(manifestPrefix('acme', id))).toBe(true);
    expect(blobKey('acme', sha)).toBe(`tenants/acme/blobs/ff/${sha}`);
    expect(rawKey('acme', sha)).toBe(`tenants/acme/raw/ff/${sha}`);
    expect(auditKey('acme', '2026-11-30T23:59:59.999Z', 'e1')).toBe('tenants/acme/audit/2026-11-30/e1.json');
    expect(auditKey('acme', '2026-11-30T23:59:59.999Z', 'e1').startsWith(auditDayPrefix('acme', '2026-11-30'))).toBe(true);
    expect(certificateKey('acme', 'run-1')).toBe('tenants/acme/disposition/run-1.json');
    expect(certificateKey('acme', 'run-1').startsWith(certificatePrefix('acme'))).toBe(true);
  });

  test.each([
    ['outside the tenants tree', `records/a1/${id}.json`],
    ['a record under the wrong shard', `tenants/acme/records/zz/${id}.json`],
    ['a blob under the wrong shard', `tenants/acme/blobs/00/${sha}`],
    ['a nested record path', `tenants/acme/records/a1/x/${id}.json`],
    ['an unencoded attachment id', `tenants/acme/records/a1/${id}.attachments/m 1.json`],
    ['a malformed escape', `tenants/acme/records/a1/${id}.attachments/%E0%A4%A.json`],
    ['an unknown kind', 'tenants/acme/exports/x.json'],
    ['an audit event outside a day', 'tenants/acme/audit/today/e1.json'],
  ])('%s is not a key Custody writes', (_what, key) => {
    expect(parseKey(key)).toBeUndefined();
  });
});

describe('WORM conformance canaries', () => {
  test('live outside every tenant, by UTC day, and parse back', () => {
    const key = canaryKey('2026-11-30T23:59:59.999Z', '9f3c2a1b-delete_refused');
    expect(key).toBe('system/conformance/2026-11-30/9f3c2a1b-delete_refused');
    expect(key.startsWith(canaryDayPrefix('2026-11-30'))).toBe(true);
    expect(key.startsWith('tenants/')).toBe(false);
    const canary: ArchiveObject = { kind: 'canary', day: '2026-11-30', id: '9f3c2a1b-delete_refused' };
    expect(parseKey(key)).toEqual(canary);
    expect(keyOf(canary)).toBe(key);
  });

  test.each([
    ['outside a day', 'system/conformance/today/c1'],
    ['nested below a day', 'system/conformance/2026-11-30/x/c1'],
    ['under a tenant', 'tenants/acme/system/conformance/2026-11-30/c1'],
  ])('a canary key %s is not one Custody writes', (_what, key) => {
    expect(parseKey(key)).toBeUndefined();
  });
});
