import type { Duration, Preset, RetentionInput, RetentionSettings } from './admin-types';
import { CHANNELS, channelLabel } from './search-query';

/**
 * Retention settings as the admin page shows and edits them. The data types are the API's
 * (packages/policy retention.ts), copied to keep zod out of the bundle: a unit test fails when the
 * two lists differ. The periods that apply are worked out as the server does (retentionSeconds).
 */

export const DATA_TYPES = [
  { value: 'message', label: 'Messages' },
  { value: 'attachment', label: 'Attachments' },
  { value: 'call', label: 'Calls' },
  { value: 'recording', label: 'Recordings' },
  { value: 'status', label: 'Status updates' },
] as const;

export const UNITS = [
  { value: 'years', label: 'years' },
  { value: 'days', label: 'days' },
  { value: 'seconds', label: 'seconds (tests only)' },
] as const;

const SECONDS: Record<Duration['unit'], number> = { seconds: 1, days: 86_400, years: 365.25 * 86_400 };
/** The API's upper bound on a period's value. */
export const MAX_VALUE = 100_000;

export function durationSeconds(d: Duration): number {
  return d.value * SECONDS[d.unit];
}

/** "6 years", "1 year", "30 days". */
export function describeDuration(d: Duration): string {
  const unit = d.value === 1 ? d.unit.replace(/s$/, '') : d.unit;
  return `${d.value} ${unit}`;
}

/** A preset as the page lists it: its floor, whether the settings have it, whether it may be removed. */
export interface PresetRow {
  id: string;
  label: string;
  floor: string;
  /** Enabled in the saved settings: the API refuses to remove it (only the operator can release it). */
  enabled: boolean;
}

export function presetRows(presets: Record<string, Preset>, settings: Pick<RetentionSettings, 'presets'> | null): PresetRow[] {
  return Object.entries(presets).map(([id, p]) => ({ id, label: p.label, floor: describeDuration(p.floor), enabled: settings?.presets.includes(id) ?? false }));
}

/** One line of the current settings: what it covers, the period set, the period that applies. */
export interface SettingRow {
  key: string;
  appliesTo: string;
  set: string;
  applies: string;
  /** The preset whose floor lengthens the period set, if any. */
  raisedBy: string | null;
}

export function settingRows(settings: RetentionInput, presets: Record<string, Preset>): SettingRow[] {
  const row = (key: string, appliesTo: string, d: Duration): SettingRow => {
    const floor = strongestFloor(settings.presets, presets);
    const raised = floor && durationSeconds(floor.preset.floor) > durationSeconds(d) ? floor : null;
    return { key, appliesTo, set: describeDuration(d), applies: describeDuration(raised ? raised.preset.floor : d), raisedBy: raised?.preset.label ?? null };
  };
  return [
    row('default', 'Everything else (default)', settings.default),
    ...Object.entries(settings.byType).flatMap(([type, d]) => (d ? [row(`byType.${type}`, typeLabel(type), d)] : [])),
    ...Object.entries(settings.byChannel).flatMap(([channel, d]) => (d ? [row(`byChannel.${channel}`, `${channelLabel(channel)} (channel)`, d)] : [])),
  ];
}

function strongestFloor(enabled: readonly string[], presets: Record<string, Preset>): { preset: Preset } | null {
  let best: Preset | null = null;
  for (const id of enabled) {
    const p = presets[id];
    if (p && (!best || durationSeconds(p.floor) > durationSeconds(best.floor))) best = p;
  }
  return best ? { preset: best } : null;
}

export function typeLabel(type: string): string {
  return DATA_TYPES.find((t) => t.value === type)?.label ?? type;
}

/** A period as its two inputs hold it ('' value: not set, the next rule applies). */
export interface PeriodField {
  value: string;
  unit: Duration['unit'];
}

export interface RetentionForm {
  default: PeriodField;
  byType: Record<string, PeriodField>;
  byChannel: Record<string, PeriodField>;
  presets: string[];
}

const EMPTY: PeriodField = { value: '', unit: 'years' };
const fieldOf = (d: Duration | undefined): PeriodField => (d ? { value: String(d.value), unit: d.unit } : { ...EMPTY });

/** The channels the form offers: the API's, and any other the settings already name. */
export function formChannels(settings: Pick<RetentionInput, 'byChannel'> | null): string[] {
  const known: string[] = CHANNELS.map((c) => c.value);
  return [...known, ...Object.keys(settings?.byChannel ?? {}).filter((c) => !known.includes(c))];
}

export function formFrom(settings: RetentionInput | null): RetentionForm {
  return {
    default: fieldOf(settings?.default),
    byType: Object.fromEntries(DATA_TYPES.map((t) => [t.value, fieldOf(settings?.byType[t.value])])),
    byChannel: Object.fromEntries(formChannels(settings).map((c) => [c, fieldOf(settings?.byChannel[c])])),
    presets: [...(settings?.presets ?? [])],
  };
}

export type RetentionFormResult = { ok: true; input: RetentionInput } | { ok: false; errors: Record<string, string> };

/**
 * The PUT body, or what is wrong, keyed as the inputs are ('default', 'byType.call', 'byChannel.sms').
 * Floors are not checked here on purpose: the API is the authority and its refusal is shown as it is.
 */
export function inputFrom(form: RetentionForm): RetentionFormResult {
  const errors: Record<string, string> = {};
  const read = (key: string, label: string, f: PeriodField, required: boolean): Duration | undefined => {
    const text = f.value.trim();
    if (!text) {
      if (required) errors[key] = `Enter a period for ${label}.`;
      return undefined;
    }
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0 || value > MAX_VALUE) {
      errors[key] = `The period for ${label} must be a number above 0 and at most ${MAX_VALUE.toLocaleString('en')}.`;
      return undefined;
    }
    return { value, unit: f.unit };
  };
  const def = read('default', 'the default', form.default, true);
  const byType = collect(form.byType, (type, f) => read(`byType.${type}`, typeLabel(type).toLowerCase(), f, false));
  const byChannel = collect(form.byChannel, (channel, f) => read(`byChannel.${channel}`, channelLabel(channel), f, false));
  if (Object.keys(errors).length > 0 || !def) return { ok: false, errors };
  return { ok: true, input: { default: def, byType, byChannel, presets: [...form.presets] } };
}

function collect(fields: Record<string, PeriodField>, read: (key: string, f: PeriodField) => Duration | undefined): Record<string, Duration> {
  const out: Record<string, Duration> = {};
  for (const [key, f] of Object.entries(fields)) {
    const d = read(key, f);
    if (d) out[key] = d;
  }
  return out;
}
