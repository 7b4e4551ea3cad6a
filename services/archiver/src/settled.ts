import type { BusRecord, StepResult } from '@custody/bus';
import type { Archived } from './steps';

/** What became of one customer record once its batch settled (committed), for the daily reconciliation. */
export interface SettledRecord {
  tenant: string;
  connector: string;
  /** When the connector received it (ISO 8601); absent when the record did not even decode. */
  receivedAt?: string;
  /** Stored in WORM by this delivery (true), already there (false), or never stored (undefined). */
  created?: boolean;
  indexed: boolean;
  /** The step that dead-lettered it, if any. */
  deadLettered?: string;
}

/**
 * A settled batch's customer records (raw deliveries are not records). Only a batch that commits is
 * counted: a retried one is counted once, when it finally settles, so a retry never counts a record
 * twice. A record dead-lettered by the index step is still in WORM: it counts as stored, not indexed.
 */
export function settledRecords(
  records: BusRecord[],
  archived: Array<StepResult<Archived | null>>,
  results: Array<StepResult<Archived | null>>,
): SettledRecord[] {
  const out: SettledRecord[] = [];
  records.forEach((record, i) => {
    const stored = archived[i];
    if (stored.status === 'ok' && stored.value === null) return;
    const result = results[i];
    const env = stored.status === 'ok' ? stored.value?.envelope : undefined;
    // a raw delivery that failed names no envelope: it is not a record
    if (!env && !record.headers.envelope_id) return;
    const tenant = env?.tenant ?? record.headers.tenant;
    if (!tenant) return;
    out.push({
      tenant,
      connector: env?.source.connector ?? record.headers.connector ?? 'unknown',
      receivedAt: env?.source.receivedAt ?? record.headers.received_at,
      created: stored.status === 'ok' ? stored.value?.created : undefined,
      indexed: result.status === 'ok',
      deadLettered: result.status === 'dlq' ? result.step : undefined,
    });
  });
  return out;
}
