import { parseKey, verificationKey, type ArchiveStore } from '@custody/archive-store';
import { NotFoundError, RejectedInputError, errorMessage } from '@custody/errors';
import { json, route, type Route } from '@custody/http';
import type { Logger } from '@custody/logger';
import {
  LogReader,
  SignedCheckpoint,
  archiveVerificationReport,
  leafHashOf,
  newRunId,
  parseCheckpoint,
  verifyTenant,
  type PublicKey,
  type VerificationReport,
  type VerifyProgress,
} from '@custody/record-log';
import { allDocs, type SearchIndex } from '@custody/search-index';
import { z } from 'zod';

export interface VerificationDeps {
  store: ArchiveStore;
  index: SearchIndex;
  /** Published keys: the one that signs now first, then earlier ones still trusted. */
  keys: Array<PublicKey & { publicKeyBase64: string }>;
  logger: Logger;
}

const READERS = ['compliance', 'legal', 'auditor', 'admin'] as const;
const VERIFIERS = ['admin', 'auditor', 'compliance'] as const;
const HEX = z.string().regex(/^[0-9a-f]{64}$/);
const CheckpointView = z.object({ key: z.string(), size: z.number().int(), signed: SignedCheckpoint });
const ProofView = z.object({
  recordId: z.string(),
  leaf: z
    .looseObject({ sequence: z.number().int(), key: z.string(), versionId: z.string(), sha256: HEX })
    .describe('The leaf as logged (docs/verification.md: leaf encoding)'),
  leafHash: HEX.describe('SHA-256(0x00 ‖ leaf bytes)'),
  inclusion: z.object({
    leafIndex: z.number().int(),
    treeSize: z.number().int(),
    path: z.array(HEX).describe('RFC 9162 §2.1.3 inclusion path, deepest sibling first'),
  }),
  checkpoint: CheckpointView.describe('The signed checkpoint the path leads to'),
});
const ConsistencyQuery = z.object({
  from: z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number)
    .describe('Size of the earlier checkpoint'),
  to: z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number)
    .optional()
    .describe('Size of the later checkpoint (default: the latest)'),
});
const VerifyBody = z
  .object({
    from: z.iso.datetime().optional().describe('Re-hash only versions stored at or after this instant'),
    to: z.iso.datetime().optional().describe('…and before this one'),
    sample: z.number().int().min(1).max(100_000_000).optional().describe('Re-hash this many versions drawn at random instead of all'),
    audit: z.boolean().optional().describe("Also walk the audit trail's hash chain: every event must name the hash of the one before it"),
  })
  .strict();
const RunParams = z.object({
  runId: z
    .string()
    .regex(/^verify-[\w-]{1,100}$/)
    .describe('The run id POST returned'),
});
const RunView = z.looseObject({
  runId: z.string(),
  status: z.enum(['running', 'done', 'failed']),
  progress: z.looseObject({ phase: z.string(), done: z.number() }).nullable(),
  report: z.looseObject({ ok: z.boolean() }).nullable(),
});

interface Run {
  tenant: string;
  status: 'running' | 'done' | 'failed';
  progress: VerifyProgress | null;
  report: VerificationReport | null;
  archived?: { key: string; versionId: string; sha256: string };
  error?: string;
}

/** Keys, proofs and whole-archive verification: what lets anyone check the archive without trusting it. */
export function verificationRoutes(deps: VerificationDeps): Route[] {
  const runs = new Map<string, Run>();
  return [
    route({
      method: 'GET',
      url: '/v1/verification/keys',
      summary: 'Read the checkpoint signing keys',
      description:
        'The Ed25519 public keys (raw 32 bytes, base64) that sign record log checkpoints, by key id: the current one first, then earlier ones still trusted',
      access: { roles: READERS, audit: 'verification.keys' },
      schema: { response: { 200: z.object({ keys: z.array(z.object({ keyId: z.string(), algorithm: z.literal('ed25519'), publicKey: z.string() })) }) } },
      handler: async () => json(200, { keys: deps.keys.map((k) => ({ keyId: k.keyId, algorithm: 'ed25519' as const, publicKey: k.publicKeyBase64 })) }),
    }),
    route({
      method: 'GET',
      url: '/v1/records/:id/proof',
      summary: 'Prove records are in the archive',
      description:
        "The record's leaf in the tenant's record log and its RFC 9162 inclusion path to the latest signed checkpoint: with the public key alone, anyone can check the record version is what the archive committed to. 409 `not_checkpointed` (with retry-after) until a checkpoint covers it",
      access: { roles: READERS, audit: 'records.proof' },
      schema: { params: z.object({ id: z.string().describe('Record id: 40 hex characters') }), response: { 200: ProofView } },
      handler: async (req, p) => {
        const id = req.params.id;
        if (!/^[0-9a-f]{40}$/.test(id)) throw new RejectedInputError('invalid_id', 'record id must be 40 hex characters');
        const doc = await deps.index.get(p.tenant, id);
        if (!doc) throw new NotFoundError(`no record ${id}`);
        const reader = new LogReader(deps.store, p.tenant);
        if (doc.logSequence === undefined) throw notYet(`record ${id} is archived but not yet in the record log`);
        const leaf = await reader.leafAt(doc.logSequence);
        if (leaf.id !== id || parseKey(leaf.key)?.kind !== 'record') throw new NotFoundError(`no record ${id} at leaf ${doc.logSequence}`);
        const latest = await reader.latestCheckpoint();
        if (!latest || latest.size <= leaf.sequence)
          throw notYet(`record ${id} is leaf ${leaf.sequence}; the latest checkpoint covers ${latest?.size ?? 0} leaves`);
        const path = await reader.inclusion(leaf.sequence, latest.size);
        return {
          ...json(200, {
            recordId: id,
            leaf,
            leafHash: leafHashOf(leaf).toString('hex'),
            inclusion: { leafIndex: leaf.sequence, treeSize: latest.size, path },
            checkpoint: { key: latest.key, size: latest.size, signed: latest.checkpoint },
          }),
          target: id,
        };
      },
    }),
    route({
      method: 'GET',
      url: '/v1/verification/consistency',
      summary: 'Prove the record log only grew',
      description:
        '`?from=<size>&to=<size>`: the two signed checkpoints and the RFC 9162 §2.1.4 consistency path between them, proving the later tree extends the earlier one unchanged',
      access: { roles: READERS, audit: 'verification.consistency' },
      schema: {
        query: ConsistencyQuery,
        response: { 200: z.object({ from: CheckpointView, to: CheckpointView, path: z.array(HEX) }) },
      },
      invalid: { code: 'invalid_query', what: 'consistency' },
      handler: async (req, p) => {
        const reader = new LogReader(deps.store, p.tenant);
        const to = req.query.to === undefined ? await reader.latestCheckpoint() : await reader.checkpointAt(req.query.to);
        const from = await reader.checkpointAt(req.query.from);
        if (!from || !to) throw new NotFoundError(`no signed checkpoint of ${!from ? req.query.from : req.query.to} leaves`);
        if (from.size > to.size || from.size === 0)
          throw new RejectedInputError('invalid_query', 'consistency: from must be a non-empty checkpoint no larger than to');
        return json(200, { from: viewOf(from), to: viewOf(to), path: await reader.consistency(from.size, to.size) });
      },
    }),
    route({
      method: 'POST',
      url: '/v1/admin/verify',
      summary: 'Verify the archive',
      description:
        'Starts a verification of the whole tenant archive from the WORM store (the job `custody verify` runs): record log, signed checkpoints, every stored version, the index against the log. 202 `{runId}`; the report is archived to WORM',
      access: { roles: VERIFIERS, audit: 'archive.verify' },
      schema: { body: VerifyBody, response: { 202: z.object({ runId: z.string(), href: z.string() }) } },
      invalid: { code: 'invalid_request', what: 'verify' },
      handler: async (req, p) => {
        if ([...runs.values()].some((r) => r.tenant === p.tenant && r.status === 'running'))
          throw new RejectedInputError('verify_running', 'a verification of this tenant is already running', 409);
        const run: Run = { tenant: p.tenant, status: 'running', progress: null, report: null };
        const runId = newRunId(new Date());
        runs.set(runId, run);
        void verifyTenant(deps.store, {
          tenant: p.tenant,
          runId,
          trusted: deps.keys,
          from: req.body.from ? new Date(req.body.from) : undefined,
          to: req.body.to ? new Date(req.body.to) : undefined,
          sample: req.body.sample,
          audit: req.body.audit,
          indexed: async function* () {
            for await (const d of allDocs(deps.index, p.tenant))
              yield { id: d.id, key: d.archive.key, versionId: d.archive.versionId, logSequence: d.logSequence };
          },
          onProgress: (progress) => (run.progress = progress),
        })
          .then(async (report) => {
            run.archived = await archiveVerificationReport(deps.store, report);
            run.report = report;
            run.status = 'done';
            deps.logger.info({ event: 'verification_finished', tenant: p.tenant, run: runId, ok: report.ok, problems: report.problems.length });
          })
          .catch((err: unknown) => {
            run.status = 'failed';
            run.error = errorMessage(err);
            deps.logger.error({ event: 'verification_failed', tenant: p.tenant, run: runId, err: run.error });
          });
        return { ...json(202, { runId, href: `/v1/admin/verify/${runId}` }), target: runId };
      },
    }),
    route({
      method: 'GET',
      url: '/v1/admin/verify/:runId',
      summary: 'Read verification runs',
      description: 'A run’s status and progress, and once done its report (also archived to WORM at `tenants/<tenant>/verification/<runId>.json`)',
      access: { roles: VERIFIERS, audit: 'archive.verify.read' },
      schema: { params: RunParams, response: { 200: RunView } },
      handler: async (req, p) => {
        const run = runs.get(req.params.runId);
        if (run && run.tenant === p.tenant) {
          return json(200, { runId: req.params.runId, status: run.status, progress: run.progress, report: run.report, error: run.error ?? null });
        }
        // a run of an earlier process: its archived report
        const key = verificationKey(p.tenant, req.params.runId);
        const stored = await deps.store.head(key);
        if (!stored) throw new NotFoundError(`no verification run ${req.params.runId}`);
        const report = JSON.parse((await deps.store.get(key, stored.versionId)).body.toString('utf8')) as VerificationReport;
        return json(200, { runId: req.params.runId, status: 'done', progress: null, report, error: null });
      },
    }),
  ];
}

function viewOf(c: { key: string; size: number; checkpoint: SignedCheckpoint }) {
  parseCheckpoint(c.checkpoint.body); // only well-formed checkpoints are served
  return { key: c.key, size: c.size, signed: c.checkpoint };
}

function notYet(message: string): RejectedInputError {
  return new RejectedInputError('not_checkpointed', `${message}; checkpoints are signed every few minutes, try again shortly`, 409);
}
