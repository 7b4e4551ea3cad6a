import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@custody/config';
import { mapLimit } from '@custody/errors';
import { createLogger } from '@custody/logger';
import { publicKeyFromBase64, signingKeyFromSeed, verifyTenant } from '@custody/record-log';
import { createAdapters, mintApiKey } from '@custody/runtime';
import { allDocs } from '@custody/search-index';
import { readFileSync } from 'node:fs';
import { embeddedBenchEnv } from './embedded-pipeline';
import { captureArchive } from './export-bench';
import { fmt } from './stats';

/** Reads in flight, the same for the baseline and verification. */
const READS = 8;

/**
 * `npm run bench -- --verify [--records 20000]`: that many WhatsApp records captured on the embedded
 * default, then the tenant verified whole (record log, checkpoints, every stored version re-hashed
 * against its leaf, the audit chain, the index against the log). The baseline in the same run is
 * the raw store read: every record version listed and read back, its SHA-256 computed, nothing else.
 */
export async function runVerifyBench(records: number): Promise<void> {
  if (!Number.isInteger(records) || records < 1) throw new Error('--records must be a positive whole number');
  const dir = mkdtempSync(join(tmpdir(), 'custody-bench-verify-'));
  const appSecret = randomBytes(16).toString('hex');
  const key = mintApiKey('bench', 'compliance');
  const env = { ...embeddedBenchEnv(dir, appSecret), CUSTODY_API_KEYS: JSON.stringify([key.record]), CUSTODY_CHECKPOINT_INTERVAL_SECONDS: '5' };
  try {
    const { sent } = await captureArchive(env, appSecret, key, records, false);
    const adapters = await createAdapters(loadConfig(env), createLogger('bench', { level: 'warn' }));
    try {
      await Promise.all([adapters.store.ensureReady(), adapters.index.ensureReady()]);
      const t0 = performance.now();
      let read = 0;
      const refs: Array<{ key: string; versionId: string }> = [];
      for await (const v of adapters.store.list('tenants/bench/records/')) refs.push({ key: v.key, versionId: v.versionId });
      await mapLimit(refs, READS, async (ref) => {
        const { body } = await adapters.store.get(ref.key, ref.versionId);
        createHash('sha256').update(body).digest();
        read++;
      });
      const rawRate = read / ((performance.now() - t0) / 1000);

      const seed = Buffer.from(readFileSync(join(dir, 'log-signing.key'), 'utf8').trim(), 'base64');
      const trusted = [publicKeyFromBase64(signingKeyFromSeed(seed).publicKeyBase64)];
      const t1 = performance.now();
      const report = await verifyTenant(adapters.store, {
        tenant: 'bench',
        trusted,
        audit: true,
        indexed: async function* () {
          for await (const d of allDocs(adapters.index, 'bench'))
            yield { id: d.id, key: d.archive.key, versionId: d.archive.versionId, logSequence: d.logSequence };
        },
      });
      const seconds = (performance.now() - t1) / 1000;
      if (!report.ok) throw new Error(`the bench archive did not verify: ${JSON.stringify(report.problemsByKind)}`);
      const verifyRate = report.counts.stored / seconds;
      process.stdout.write(
        [
          `Custody bench (verify) — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model.trim()}, ${fmt(totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}, embedded`,
          `${sent} WhatsApp records; record log of ${report.log.size} leaves (records and audit events), ${report.log.checkpoints} checkpoints`,
          '',
          '| measurement | versions/s | verify ÷ this |',
          '|---|---|---|',
          `| baseline: raw store read (${read} record versions listed, read back and SHA-256 hashed, ${READS} in flight) | ${fmt(rawRate)} | ${fmt(verifyRate / rawRate, 3)} |`,
          `| custody verify (log re-hashed into the tree, checkpoints, ${report.counts.stored} records and audit events re-hashed against their leaves, the audit chain, ${report.counts.indexed} index entries) | ${fmt(verifyRate)} | 1.000 |`,
          '',
          `custody verify: ${fmt(seconds, 1)} s wall; peak RSS of this process ${fmt(process.resourceUsage().maxRSS / 1024)} MB`,
        ].join('\n') + '\n',
      );
    } finally {
      await adapters.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
