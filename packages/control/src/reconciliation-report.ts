import { z } from 'zod';
import { SequenceGap, type InstanceActivity } from './connector-activity';
import { RECONCILIATION_STAGES, StageCounts, emptyCounts } from './reconciliation-counts';

export const RECONCILIATION_FORMAT = 'custody.reconciliation/v1';

const Differences = z.object({
  unaccounted: z
    .number()
    .int()
    .describe(
      'received − quarantined − archived − duplicates − deadLettered: captured records neither archived, quarantined nor dead-lettered (still in flight, or lost); negative when a stage counted a redelivery twice',
    ),
  notIndexed: z.number().int().describe('archived + duplicates − indexed: archived records the search index has not taken'),
});

export const ConnectorReconciliation = StageCounts.extend({
  connector: z.string().describe('Connector or importer id, e.g. whatsapp-cloud, whatsapp-export'),
  differences: Differences,
});
export type ConnectorReconciliation = z.infer<typeof ConnectorReconciliation>;

export const ReconciliationReport = z.object({
  format: z.literal(RECONCILIATION_FORMAT),
  tenant: z.string(),
  day: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .describe('The UTC day of receipt the counts cover'),
  generatedAt: z.string().describe('When the report was made (ISO 8601)'),
  final: z.boolean().describe('true once the day is over and the report archived to WORM; false for the day under way (counts still growing)'),
  connectors: z.array(ConnectorReconciliation).describe('One row per connector or importer that received anything that day, by id'),
  totals: StageCounts.extend({ differences: Differences }),
  sequenceGaps: z
    .array(SequenceGap.extend({ instance: z.string() }))
    .describe("Jumps in a vendor's own numbering (Telegram update_id, WeCom archive seq) seen that day, per connector instance"),
  recordLog: z
    .object({ treeSize: z.number().int(), checkpointKey: z.string(), signedAt: z.string() })
    .nullable()
    .describe("The tenant's latest signed record-log checkpoint when the report was made: the archive state it was reconciled against"),
  balanced: z.boolean().describe('Every difference is 0 and no sequence gap is open'),
});
export type ReconciliationReport = z.infer<typeof ReconciliationReport>;

function withDifferences(c: StageCounts): StageCounts & { differences: z.infer<typeof Differences> } {
  return {
    ...c,
    differences: {
      unaccounted: c.received - c.quarantined - c.archived - c.duplicates - c.deadLettered,
      notIndexed: c.archived + c.duplicates - c.indexed,
    },
  };
}

export interface ReconciliationInput {
  tenant: string;
  day: string;
  counts: Map<string, StageCounts>;
  /** The tenant's connector instances' activity (sequence gaps are taken from those seen that day). */
  activity: Iterable<InstanceActivity>;
  recordLog: ReconciliationReport['recordLog'];
  generatedAt: Date;
  final: boolean;
}

/** One tenant's day: what each stage did with what each connector received, and what does not add up. */
export function buildReconciliationReport(input: ReconciliationInput): ReconciliationReport {
  const connectors = [...input.counts].sort(([a], [b]) => a.localeCompare(b)).map(([connector, counts]) => ({ connector, ...withDifferences(counts) }));
  const sum = emptyCounts();
  for (const c of connectors) for (const stage of RECONCILIATION_STAGES) sum[stage] += c[stage];
  const sequenceGaps = [...input.activity]
    .filter((a) => a.tenant === input.tenant)
    .flatMap((a) => a.gaps.filter((g) => g.at.slice(0, 10) === input.day).map((g) => ({ instance: a.instance, ...g })))
    .sort((a, b) => a.at.localeCompare(b.at));
  const totals = withDifferences(sum);
  const balanced =
    totals.differences.unaccounted === 0 &&
    totals.differences.notIndexed === 0 &&
    connectors.every((c) => c.differences.unaccounted === 0 && c.differences.notIndexed === 0) &&
    sequenceGaps.every((g) => g.missing === 0);
  return {
    format: RECONCILIATION_FORMAT,
    tenant: input.tenant,
    day: input.day,
    generatedAt: input.generatedAt.toISOString(),
    final: input.final,
    connectors,
    totals,
    sequenceGaps,
    recordLog: input.recordLog,
    balanced,
  };
}
