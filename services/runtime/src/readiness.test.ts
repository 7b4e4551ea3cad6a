import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@custody/config';
import { DependencyUnavailableError } from '@custody/errors';
import { silentLogger } from '@custody/logger';
import { startCustody } from './custody';
import { Readiness, startInBackground } from './readiness';

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('Readiness', () => {
  test('is "starting" while start-up waits for something, naming it, and ready once it is done', async () => {
    const r = new Readiness({ dependencies: [{ name: 'kafka', probe: async () => undefined }], logger: silentLogger() });
    const done = r.waitFor('consumer group archiver');
    const starting = await r.response();
    expect(starting.status).toBe(503);
    expect(starting.body).toMatchObject({ status: 'starting', error: { code: 'starting' }, waitingFor: ['consumer group archiver'] });
    done();
    const ready = await r.response({ mode: 'stack' });
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', mode: 'stack', dependencies: { kafka: 'ok' } });
  });

  test('answers 503 naming the failing dependency, without its error text (the route is unauthenticated)', async () => {
    const r = new Readiness({
      dependencies: [
        { name: 'kafka', probe: async () => undefined },
        { name: 's3', probe: async () => Promise.reject(new DependencyUnavailableError('s3', 'connect ECONNREFUSED 10.1.2.3:9000')) },
      ],
      logger: silentLogger(),
    });
    const res = await r.response();
    expect(res.status).toBe(503);
    expect(res.headers).toMatchObject({ 'retry-after': '5' });
    expect(res.body).toMatchObject({
      status: 'unavailable',
      error: { code: 'dependency_unavailable', message: 'unavailable: s3' },
      dependencies: { kafka: 'ok', s3: 'unavailable' },
    });
    expect(JSON.stringify(res.body)).not.toContain('10.1.2.3');
  });

  test('probes at most once per cache interval, one probe in flight, and follows the dependency back', async () => {
    const c = clock();
    let up = false;
    const probe = jest.fn(async () => {
      if (!up) throw new Error('down');
    });
    const r = new Readiness({ dependencies: [{ name: 'opensearch', probe }], logger: silentLogger(), cacheMs: 3_000, now: c.now });
    const answers = await Promise.all(Array.from({ length: 20 }, () => r.state()));
    expect(answers.every((a) => !a.ready)).toBe(true);
    expect(probe).toHaveBeenCalledTimes(1);
    up = true;
    c.advance(2_999);
    expect((await r.state()).ready).toBe(false); // from the cache
    expect(probe).toHaveBeenCalledTimes(1);
    c.advance(1);
    expect((await r.state()).ready).toBe(true);
    expect(probe).toHaveBeenCalledTimes(2);
  });

  test('a probe that never answers counts as failed after the timeout', async () => {
    const r = new Readiness({ dependencies: [{ name: 'kafka', probe: () => new Promise<void>(() => undefined) }], logger: silentLogger(), timeoutMs: 50 });
    expect(await r.state()).toMatchObject({ ready: false, dependencies: { kafka: 'unavailable' } });
  });

  test('startInBackground retries an outage and marks the step done once it succeeds', async () => {
    const r = new Readiness({ dependencies: [], logger: silentLogger() });
    let attempts = 0;
    const started = startInBackground(
      r,
      'consumer group g',
      async () => {
        if (++attempts < 3) throw new DependencyUnavailableError('kafka', 'not yet');
      },
      new AbortController().signal,
      silentLogger(),
    );
    expect((await r.state()).waitingFor).toEqual(['consumer group g']);
    await started;
    expect(attempts).toBe(3);
    expect(await r.state()).toMatchObject({ ready: true, waitingFor: [] });
  });
});

describe('/readyz on the embedded adapters', () => {
  test('turns 503 naming the archive while its directory is unusable, and 200 again after', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custody-ready-'));
    const config = loadConfig({ CUSTODY_MODE: 'embedded', CUSTODY_DATA_DIR: dir, CUSTODY_HTTP_PORT: '0', LOG_LEVEL: 'silent' });
    const custody = await startCustody(config, silentLogger());
    const readyz = async () => {
      const res = await fetch(`${custody.url}/readyz`);
      return { status: res.status, body: (await res.json()) as { dependencies?: Record<string, string>; error?: { message: string } } };
    };
    // probes are cached for a few seconds: poll until the answer changes
    const until = async (status: number) => {
      for (;;) {
        const r = await readyz();
        if (r.status === status) return r;
        await new Promise((res) => setTimeout(res, 200));
      }
    };
    try {
      expect((await until(200)).body.dependencies).toEqual({ 'embedded-bus': 'ok', 'archive-dir': 'ok', 'embedded-index': 'ok' });
      renameSync(join(dir, 'archive', 'versions'), join(dir, 'archive', 'moved-away'));
      const down = await until(503);
      expect(down.body.error!.message).toBe('unavailable: archive-dir');
      expect((await fetch(`${custody.url}/healthz`)).status).toBe(200); // liveness stays separate
      renameSync(join(dir, 'archive', 'moved-away'), join(dir, 'archive', 'versions'));
      await until(200);
    } finally {
      await custody.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
