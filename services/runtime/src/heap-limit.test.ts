import { heapFlagGiven, heapLimitFor } from './heap-limit';

describe('the heap limit of custody start', () => {
  test('unset: 160 MB for pipeline services only, Node’s own as soon as the API, disposition or everything runs in the process', () => {
    expect(heapLimitFor({ CUSTODY_MAX_HEAP_MB: undefined, CUSTODY_SERVICES: ['gateway'] })).toBe(160);
    expect(heapLimitFor({ CUSTODY_MAX_HEAP_MB: undefined, CUSTODY_SERVICES: ['archiver', 'media'] })).toBe(160);
    expect(heapLimitFor({ CUSTODY_MAX_HEAP_MB: undefined, CUSTODY_SERVICES: ['gateway', 'api'] })).toBeUndefined();
    expect(heapLimitFor({ CUSTODY_MAX_HEAP_MB: undefined, CUSTODY_SERVICES: ['gateway', 'archiver', 'media', 'api', 'disposition'] })).toBeUndefined();
  });

  test('custody export: 192 MB unless configured, whatever services the configuration names', () => {
    expect(heapLimitFor({ CUSTODY_MAX_HEAP_MB: undefined, CUSTODY_SERVICES: ['gateway', 'archiver', 'api'] }, 'export')).toBe(192);
    expect(heapLimitFor({ CUSTODY_MAX_HEAP_MB: 1024, CUSTODY_SERVICES: ['api'] }, 'export')).toBe(1024);
    expect(heapLimitFor({ CUSTODY_MAX_HEAP_MB: 0, CUSTODY_SERVICES: ['api'] }, 'export')).toBeUndefined();
  });

  test('a configured limit wins either way; 0 means Node’s own', () => {
    expect(heapLimitFor({ CUSTODY_MAX_HEAP_MB: 512, CUSTODY_SERVICES: ['gateway'] })).toBe(512);
    expect(heapLimitFor({ CUSTODY_MAX_HEAP_MB: 96, CUSTODY_SERVICES: ['api'] })).toBe(96);
    expect(heapLimitFor({ CUSTODY_MAX_HEAP_MB: 0, CUSTODY_SERVICES: ['gateway'] })).toBeUndefined();
  });

  test('a limit the process was started with (flag or NODE_OPTIONS) is the operator’s and is kept', () => {
    expect(heapFlagGiven(['--max-old-space-size=300'], '')).toBe(true);
    expect(heapFlagGiven([], '--enable-source-maps --max-old-space-size=300')).toBe(true);
    expect(heapFlagGiven(['--cpu-prof'], '--enable-source-maps')).toBe(false);
  });
});
