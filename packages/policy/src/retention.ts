import { z } from 'zod';
import { TenantId, type Envelope } from '@custody/envelope';

export const DATA_TYPES = ['message', 'attachment', 'call', 'recording', 'status'] as const;
export type DataType = (typeof DATA_TYPES)[number];

/** Seconds exist for tests and drills; regulated settings are days or years. */
export const Duration = z
  .object({ value: z.number().positive().max(100_000), unit: z.enum(['seconds', 'days', 'years']) })
  .strict()
  .describe('A retention period');
export type Duration = z.infer<typeof Duration>;

const SECONDS = { seconds: 1, days: 86_400, years: 365.25 * 86_400 } as const;
export const durationSeconds = (d: Duration) => d.value * SECONDS[d.unit];

/**
 * Regulatory floors. A preset never lengthens a setting that is already longer; it stops anyone from
 * configuring less. Periods are the record-keeping minimums for business communications.
 */
export const PRESETS = {
  'sec-17a-4': { label: 'SEC 17a-4 / FINRA 4511 (6 years)', floor: { value: 6, unit: 'years' } },
  'mifid-ii': { label: 'MiFID II Art. 16(7) (5 years)', floor: { value: 5, unit: 'years' } },
  'cftc-1.31': { label: 'CFTC 1.31 (5 years)', floor: { value: 5, unit: 'years' } },
} as const satisfies Record<string, { label: string; floor: Duration }>;
export type PresetId = keyof typeof PRESETS;

export const RetentionSettingsInput = z
  .object({
    default: Duration.describe('Retention for anything no override matches'),
    byType: z.partialRecord(z.enum(DATA_TYPES), Duration).default({}).describe('Overrides by data type'),
    byChannel: z.record(z.string().regex(/^[a-z-]{2,32}$/), Duration).default({}).describe('Overrides by channel (win over byType)'),
    presets: z.array(z.enum(Object.keys(PRESETS) as [PresetId, ...PresetId[]])).default([]).describe('Regulatory floors that apply'),
  })
  .strict();
export type RetentionSettingsInput = z.input<typeof RetentionSettingsInput>;

export const RetentionSettings = RetentionSettingsInput.extend({
  tenant: TenantId,
  version: z.number().int().positive(),
  changedBy: z.string(),
  changedAt: z.string(),
});
export type RetentionSettings = z.infer<typeof RetentionSettings>;

export function dataTypeOf(env: Pick<Envelope, 'kind'>): DataType {
  if (env.kind === 'call') return 'call';
  if (env.kind === 'status') return 'status';
  return 'message';
}

/** The period that applies: channel override, else type override, else default; never under a chosen floor. */
export function retentionSeconds(settings: Pick<RetentionSettings, 'default' | 'byType' | 'byChannel' | 'presets'>, type: DataType, channel: string): number {
  const chosen = settings.byChannel[channel] ?? settings.byType[type] ?? settings.default;
  const floors = settings.presets.map((p) => durationSeconds(PRESETS[p].floor));
  return Math.max(durationSeconds(chosen), ...floors);
}
