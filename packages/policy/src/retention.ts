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
    byChannel: z
      .record(z.string().regex(/^[a-z-]{2,32}$/), Duration)
      .default({})
      .describe('Overrides by channel (win over byType)'),
    presets: z
      .array(z.enum(Object.keys(PRESETS) as [PresetId, ...PresetId[]]))
      .default([])
      .describe('Regulatory floors that apply'),
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

export interface PresetViolation {
  /** 409: removing an enabled preset; 400: a period under a preset's floor. */
  status: 400 | 409;
  preset: PresetId;
  message: string;
}

/**
 * Why a settings change may not be made, or null. Once a tenant has enabled a regulatory preset it
 * stays: removing it needs the operator's `tenant:preset` release (CUSTODY_RELEASE_PRESETS), and no
 * period may be set under the floor of a preset the settings keep. Presets cover every data type.
 */
export function presetViolation(
  before: Pick<RetentionSettings, 'presets'> | undefined,
  after: Pick<RetentionSettings, 'default' | 'byType' | 'byChannel' | 'presets'>,
  released: (preset: PresetId) => boolean,
): PresetViolation | null {
  for (const preset of before?.presets ?? []) {
    if (after.presets.includes(preset) || released(preset)) continue;
    const p = PRESETS[preset];
    return {
      status: 409,
      preset,
      message: `regulatory preset ${preset} (${p.label}, floor ${describe(p.floor)}) is enabled and cannot be removed through the API; the operator can release it with CUSTODY_RELEASE_PRESETS`,
    };
  }
  const periods: Array<[string, Duration]> = [
    ['default', after.default],
    ...Object.entries(after.byType).map(([t, d]): [string, Duration] => [`byType.${t}`, d]),
    ...Object.entries(after.byChannel).map(([c, d]): [string, Duration] => [`byChannel.${c}`, d]),
  ];
  for (const preset of after.presets) {
    const p = PRESETS[preset];
    const under = periods.find(([, d]) => durationSeconds(d) < durationSeconds(p.floor));
    if (under)
      return {
        status: 400,
        preset,
        message: `${under[0]} (${describe(under[1])}) is under the floor of regulatory preset ${preset} (${p.label}): at least ${describe(p.floor)}`,
      };
  }
  return null;
}

const describe = (d: Duration) => `${d.value} ${d.unit}`;

/** The period that applies: channel override, else type override, else default; never under a chosen floor. */
export function retentionSeconds(settings: Pick<RetentionSettings, 'default' | 'byType' | 'byChannel' | 'presets'>, type: DataType, channel: string): number {
  const chosen = settings.byChannel[channel] ?? settings.byType[type] ?? settings.default;
  const floors = settings.presets.map((p) => durationSeconds(PRESETS[p].floor));
  return Math.max(durationSeconds(chosen), ...floors);
}
