import type { VerificationReport } from '@custody/record-log';

/** The human reading of a verification report: the verdict first, then what was checked, then each problem named. */
export function verifySummary(r: VerificationReport, archivedAt: string): string {
  const cp = r.log.latestCheckpoint;
  const lines = [
    `${r.ok ? 'VERIFIED' : 'FAILED'}: tenant ${r.tenant}, run ${r.runId}`,
    `record log: ${r.log.size} leaves, root ${r.log.root}${r.log.duplicates ? `, ${r.log.duplicates} repeated leaves` : ''}`,
    `checkpoints: ${r.log.checkpoints}${cp ? `, latest of ${cp.size} leaves at ${cp.time} signed by ${cp.keyIds.join(', ') || 'no trusted key'}` : ''}; ${r.counts.uncheckpointed} leaves since`,
    `store: ${r.counts.stored} versions listed, ${r.counts.rehashed} re-hashed, ${r.counts.disposed} disposed by certificate, ${r.counts.pending} just stored (not yet logged)`,
    ...(r.scope.index ? [`index: ${r.counts.indexed} entries checked against the log`] : []),
    ...Object.entries(r.problemsByKind).map(([kind, n]) => `${kind}: ${n}`),
    ...r.problems.map((p) => `  ${p.kind} ${p.key ?? ''}${p.versionId ? ` (version ${p.versionId})` : ''}: ${p.detail}`),
    `report archived at ${archivedAt}`,
  ];
  return `${lines.join('\n')}\n`;
}
