import { resolve } from 'node:path';
import { probeWormConformance, type ArchiveStore, type ConformanceResult } from '@custody/archive-store';
import type { Config } from '@custody/config';
import { ConfigError, errorMessage } from '@custody/errors';
import type { Logger } from '@custody/logger';
import { DEPENDENCY_NAMES, usesArchiveStore, type Readiness } from './readiness';

const DAY_MS = 24 * 60 * 60 * 1000;
/** After an outage the probe could not run: sooner than a day, since the store has gone untested meanwhile. */
const RETRY_MS = 60 * 60 * 1000;

/** Stack mode refuses to run on an archive store that failed the WORM conformance probe. */
export class NonConformingStoreError extends ConfigError {}

export interface WormConformance {
  /** The last result; undefined in a process whose services do not use the archive store. */
  latest(): ConformanceResult | undefined;
}

export interface WormConformanceDeps {
  config: Config;
  services: Set<string>;
  store: ArchiveStore;
  readiness: Readiness;
  logger: Logger;
  /** Aborted on stop: ends the daily probe. */
  signal: AbortSignal;
}

/**
 * Probes the archive store now and then every 24 h (probeWormConformance: a locked canary must
 * survive a delete, an overwrite and a shortening of its lock). At start-up an outage rejects as it
 * is, like ensureReady's; a failing store rejects in stack mode (the process refuses to run) and in
 * embedded mode keeps the process up but unready. A later failure, in either mode, makes /readyz
 * unready and the gauge 0 until a probe passes again.
 */
export async function startWormConformance(deps: WormConformanceDeps): Promise<WormConformance> {
  if (!usesArchiveStore(deps.services)) return { latest: () => undefined };
  const { config, logger, signal } = deps;
  const storeName = nameOf(config);
  let latest = await probe(deps, storeName);
  if (!latest.ok && config.CUSTODY_MODE === 'stack') {
    const failed = latest.failures.map((f) => `${f.check} (${f.detail})`).join('; ');
    throw new NonConformingStoreError(`the archive store ${storeName} is not WORM, so Custody will not run on it: ${failed}`);
  }
  deps.readiness.addCheck({
    name: 'worm-conformance',
    // /readyz is unauthenticated: the store by its kind, the checks by name; bucket, directory and details go to the log
    failure: () => (latest.ok ? undefined : { store: DEPENDENCY_NAMES[config.CUSTODY_MODE].store, failed: latest.failures.map((f) => f.check) }),
  });

  let timer: NodeJS.Timeout | undefined;
  const schedule = (ms: number) => {
    // unref'd: a daily probe never keeps a process alive
    if (!signal.aborted) timer = setTimeout(again, ms).unref();
  };
  const again = () =>
    void probe(deps, storeName).then(
      (result) => {
        latest = result;
        schedule(DAY_MS);
      },
      (err: unknown) => {
        if (signal.aborted) return;
        logger.warn({ event: 'worm_conformance_unavailable', store: storeName, err: errorMessage(err), retry_in_ms: RETRY_MS });
        schedule(RETRY_MS);
      },
    );
  signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  schedule(DAY_MS);
  return { latest: () => latest };
}

async function probe({ store, logger }: WormConformanceDeps, storeName: string): Promise<ConformanceResult> {
  const result = await probeWormConformance(store, { storeName });
  if (result.ok) logger.info({ event: 'worm_conformance_passed', store: storeName });
  else {
    logger.error(
      { event: 'worm_conformance_failed', store: storeName, failures: result.failures },
      `the archive store ${storeName} failed the WORM conformance probe (${result.failures.map((f) => f.check).join(', ')}): it cannot be trusted to keep records as written`,
    );
  }
  return result;
}

/** The store as operators know it: bucket and endpoint (its origin, so never credentials in its URL), or directory. */
function nameOf(config: Config): string {
  if (config.CUSTODY_MODE === 'embedded') return `archive directory in ${resolve(config.CUSTODY_DATA_DIR)}`;
  const at = config.S3_ENDPOINT ? new URL(config.S3_ENDPOINT).origin : `AWS S3 ${config.S3_REGION}`;
  return `bucket ${config.S3_BUCKET} at ${at}`;
}
