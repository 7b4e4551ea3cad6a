import type { ArchiveStore } from '@custody/archive-store';
import { NotFoundError, RejectedInputError } from '@custody/errors';
import { json, route, type Route } from '@custody/http';
import {
  POLICY_SOURCE_LIMIT,
  archivePolicyVersion,
  parsePolicy,
  policyDiff,
  policyHistory,
  readPolicyVersion,
  type PolicyVersionRecord,
} from '@custody/supervision';
import { z } from 'zod';

const WRITERS = ['admin', 'compliance'] as const;
const READERS = ['admin', 'compliance', 'auditor', 'reviewer'] as const;

const PolicyParams = z.object({ id: z.string().describe('The policy id (its `id` field): lowercase letters, digits and dashes') });
const PolicySource = z
  .object({
    format: z.enum(['yaml', 'json']).describe('How `source` is written'),
    source: z.string().min(1).max(POLICY_SOURCE_LIMIT).describe('The policy document (custody.policy/v1): see packages/supervision/src/policy/README.md'),
  })
  .strict();
const Version = z.string().regex(/^sha256:[0-9a-f]{64}$/);
const VersionView = z.object({
  version: z.string().describe('sha256:<hex> of the canonical JSON: the version is its content'),
  archivedAt: z.string().describe('When it was first archived to WORM'),
  archivedBy: z.string().describe('Who archived it first'),
});
const Archived = VersionView.extend({
  policyId: z.string(),
  created: z.boolean().describe('false: this content was archived before, and is that version'),
  previous: z.string().nullable().describe('The version in force before (null for a policy’s first)'),
  diff: z.looseObject({}).nullable().describe('What changed from `previous` (policyDiff): rules added, removed or changed, scope and fields'),
});
const History = z.object({
  policyId: z.string(),
  current: z.looseObject({}).describe('The version in force, with its policy (canonical form)'),
  versions: z.array(VersionView).describe('Every version, oldest first; the last is in force'),
});
const DiffQuery = z
  .object({ from: Version.describe('The earlier version'), to: Version.optional().describe('The later version (default: the one in force)') })
  .strict();

const view = (v: PolicyVersionRecord) => ({ version: v.version, archivedAt: v.archivedAt, archivedBy: v.archivedBy });

/**
 * Supervision policies as evidence: each version is archived to WORM (write-once, named by its
 * content) before anything can run it, and its history and diffs are read back from there, each
 * version re-checked against its name.
 */
export function policyRoutes(deps: { store: ArchiveStore; onArchived?(tenant: string): void }): Route[] {
  const historyOf = async (tenant: string, id: string) => {
    const history = await policyHistory(deps.store, tenant, id);
    if (history.length === 0) throw new NotFoundError(`no supervision policy ${id}`);
    return history;
  };
  return [
    route({
      method: 'PUT',
      url: '/v1/admin/supervision/policies/:id',
      summary: 'Archive supervision policy versions',
      description:
        '`{format: yaml|json, source}` → the version (`sha256:` of its canonical JSON), archived to WORM write-once before it can screen anything, with the diff from the version it replaces; the same content again is that version (200, `created: false`)',
      access: { roles: WRITERS, audit: 'supervision.policies.put' },
      schema: { params: PolicyParams, body: PolicySource, response: { 200: Archived, 201: Archived } },
      invalid: { code: 'invalid_request', what: 'policy' },
      handler: async (req, p) => {
        const policy = parsePolicy(req.body.source, req.body.format);
        if (policy.id !== req.params.id) throw new RejectedInputError('invalid_request', `the policy's id is ${policy.id}, not ${req.params.id}`);
        const before = await policyHistory(deps.store, p.tenant, policy.id);
        const previous = before.at(-1) ?? null;
        const archived = await archivePolicyVersion(deps.store, p.tenant, policy, p.keyId);
        // screening in this process uses the new version from the next record on
        deps.onArchived?.(p.tenant);
        const replaced = archived.created && previous ? previous : null;
        const body = {
          policyId: policy.id,
          ...view(archived),
          created: archived.created,
          previous: replaced?.version ?? null,
          diff: replaced ? policyDiff(replaced.policy, archived.policy) : null,
        };
        return {
          ...json(archived.created ? 201 : 200, body),
          target: policy.id,
          details: { version: archived.version, created: archived.created, previous: body.previous },
        };
      },
    }),
    route({
      method: 'GET',
      url: '/v1/admin/supervision/policies/:id',
      summary: 'Read supervision policy versions',
      description: 'The version in force with its policy, and every version oldest first, each read back from WORM and re-checked against its name',
      access: { roles: READERS, audit: 'supervision.policies.read' },
      schema: { params: PolicyParams, response: { 200: History } },
      handler: async (req, p) => {
        const history = await historyOf(p.tenant, req.params.id);
        const current = history.at(-1)!;
        return {
          ...json(200, { policyId: req.params.id, current: { ...view(current), policy: current.policy }, versions: history.map(view) }),
          target: req.params.id,
        };
      },
    }),
    route({
      method: 'GET',
      url: '/v1/admin/supervision/policies/:id/diff',
      summary: 'Compare supervision policy versions',
      description: '`?from=sha256:…&to=sha256:…` (to: the version in force): rules added, removed, changed and reordered, scope and field changes',
      access: { roles: READERS, audit: 'supervision.policies.diff' },
      schema: { params: PolicyParams, query: DiffQuery, response: { 200: z.looseObject({}) } },
      handler: async (req, p) => {
        const hex = (v: string) => v.slice('sha256:'.length);
        const from = await readPolicyVersion(deps.store, p.tenant, req.params.id, hex(req.query.from));
        const to = req.query.to
          ? await readPolicyVersion(deps.store, p.tenant, req.params.id, hex(req.query.to))
          : (await historyOf(p.tenant, req.params.id)).at(-1)!;
        return { ...json(200, policyDiff(from.policy, to.policy)), target: req.params.id, details: { from: from.version, to: to.version } };
      },
    }),
  ];
}
