import { Counter, Registry, exposition, observeHttpRequest } from './index';

describe('metrics', () => {
  test('/metrics carries the process series (CPU, heap, GC, event-loop lag) beside the instance registry', async () => {
    const registry = new Registry();
    new Counter({ name: 'custody_test_total', help: 'test', registers: [registry] }).inc();
    const { contentType, body } = await exposition(registry);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(body).toMatch(/^custody_test_total 1$/m);
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_gc_duration_seconds',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(body).toContain(`# TYPE ${name} `);
    }
    // twice, as a second Custody instance in the same process would: nothing registered twice
    await expect(exposition(new Registry())).resolves.toMatchObject({ body: expect.stringContaining('nodejs_eventloop_lag_seconds') });
  });

  test('HTTP requests are a histogram by route pattern, method and status', async () => {
    observeHttpRequest('/v1/records/:id', 'GET', 200, 0.03);
    observeHttpRequest('/v1/records/:id', 'GET', 200, 0.2);
    observeHttpRequest('unmatched', 'GET', 404, 0.001);
    const { body } = await exposition(new Registry());
    expect(body).toContain('# TYPE custody_http_request_duration_seconds histogram');
    expect(body).toMatch(/^custody_http_request_duration_seconds_count\{method="GET",route="\/v1\/records\/:id",status="200"\} 2$/m);
    expect(body).toMatch(/^custody_http_request_duration_seconds_bucket\{le="0.05",method="GET",route="\/v1\/records\/:id",status="200"\} 1$/m);
    expect(body).toMatch(/^custody_http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 1$/m);
  });

  test('a counter writes its labels in alphabetical order, whatever order the first call site gave', async () => {
    const registry = new Registry();
    const c = new Counter({ name: 'custody_order_total', help: 'test', labelNames: ['tenant', 'code', 'connector'], registers: [registry] });
    c.inc({ tenant: 'acme', connector: 'whatsapp-cloud', code: 'malformed_json' });
    c.inc({ code: 'malformed_json', tenant: 'acme', connector: 'whatsapp-cloud' }, 2);
    expect(await registry.metrics()).toMatch(/^custody_order_total\{code="malformed_json",connector="whatsapp-cloud",tenant="acme"\} 3$/m);
  });
});
