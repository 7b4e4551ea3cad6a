import type { AuditSink } from '@custody/http';
import type { ControlPlane, RetentionTable } from '@custody/control';
import { errorMessage } from '@custody/errors';
import { runDisposition, type DispositionDeps } from '@custody/governance';

/** Every tenant Custody knows of: those with keys, connectors, employees or settings. */
export function tenantsOf(control: ControlPlane): string[] {
  const all = [
    ...control.apiKeys.values().map((k) => k.tenant),
    ...control.connectors.values().map((c) => c.tenant),
    ...control.retention.values().map((r) => r.tenant),
  ];
  return [...new Set(all)].sort();
}

/**
 * Runs disposition for every tenant at a fixed interval, one run at a time, each audited as the
 * system actor. A failed run is logged and retried at the next interval; nothing is deleted twice
 * because each run judges the store as it finds it.
 */
export function startDispositionSchedule(
  deps: DispositionDeps & { audit: AuditSink; retention: RetentionTable; tenants: () => string[]; intervalMs: number },
): { stop(): void } {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      for (const tenant of deps.tenants()) {
        try {
          const cert = await runDisposition(deps, { tenant, dryRun: false, policyVersion: deps.retention.get(tenant)?.version ?? null });
          await deps.audit.record({
            tenant,
            actor: { keyId: 'disposition-schedule', role: 'system' },
            action: 'disposition.run',
            outcome: 'ok',
            status: 200,
            target: cert.runId,
            details: { disposed: cert.disposed.length, kept: cert.kept, certificate: cert.certificate ?? null },
          });
        } catch (err) {
          deps.logger.error({ event: 'disposition_failed', tenant, err: errorMessage(err) });
        }
      }
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), deps.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
