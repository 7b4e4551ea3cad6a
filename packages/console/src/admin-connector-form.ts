import type { ConnectorField, ConnectorType } from './admin-types';
import { channelLabel } from './search-query';

/**
 * The add/edit connector form, generated from the field descriptors GET /v1/admin/connector-types
 * gives for a connector's config schema: one control per setting, what the inputs hold coerced to
 * the config the API checks. Pure, so the unit tests pin every rule; the page only renders it.
 */

/** The API's rule for an instance name (admin-routes.ts): it becomes part of the webhook id. */
export const INSTANCE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function instanceNameProblem(name: string): string | null {
  if (!name) return 'Enter an instance name.';
  if (!INSTANCE_NAME.test(name)) return 'Use lowercase letters, digits and dashes (up to 63), starting with a letter or digit.';
  return null;
}

export type ControlKind = 'text' | 'password' | 'number' | 'checkbox' | 'select' | 'json';

/** What the page renders for one setting. */
export interface FormControl {
  name: string;
  /** The DOM id: the setting's name, made safe for an id. */
  id: string;
  label: string;
  kind: ControlKind;
  required: boolean;
  secret: boolean;
  /** For a select: '' first (not set / choose one), then the API's options. */
  options: Array<{ value: string; label: string }>;
  /** Sentences under the control: what it is, its default, that it is write-only. */
  hints: string[];
}

/** What the inputs hold: text for every input, a boolean for a checkbox. */
export type FieldValues = Record<string, string | boolean>;

/** "appSecret", "bot_token", "graph-version" → "App secret", "Bot token", "Graph version". */
export function settingLabel(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words ? words[0].toUpperCase() + words.slice(1) : name;
}

/**
 * The control for one setting. `currentlySet` when editing an instance that has this setting: the
 * API never sends values back, so the admin is told to enter it again (PUT replaces the config).
 */
export function controlFor(field: ConnectorField, currentlySet = false): FormControl {
  const kind: ControlKind = field.secret
    ? 'password'
    : field.type === 'number'
      ? 'number'
      : field.type === 'boolean'
        ? 'checkbox'
        : field.type === 'enum'
          ? 'select'
          : field.type === 'array' || field.type === 'object'
            ? 'json'
            : 'text';
  const hints: string[] = [];
  if (field.description) hints.push(sentence(field.description));
  if (kind === 'json') hints.push(field.type === 'array' ? 'A JSON array, e.g. ["a", "b"].' : 'A JSON object, e.g. {"key": "value"}.');
  if (field.default !== undefined && kind !== 'checkbox' && !field.secret) hints.push(`Leave empty for the default: ${shown(field.default)}.`);
  if (field.secret) hints.push('Secret: write-only. Custody stores it sealed and never shows it again.');
  if (currentlySet) hints.push('Currently set. Enter it again: saving replaces every setting, and one left empty is removed.');
  const options =
    kind === 'select'
      ? [
          { value: '', label: field.required ? 'Choose one' : field.default !== undefined ? `Default (${shown(field.default)})` : 'Not set' },
          ...(field.options ?? []).map((o) => ({ value: o, label: o })),
        ]
      : [];
  return {
    name: field.name,
    id: `setting-${field.name.replace(/[^A-Za-z0-9_-]/g, '-')}`,
    label: settingLabel(field.name),
    kind,
    required: field.required,
    secret: field.secret,
    options,
    hints,
  };
}

/**
 * What a new form holds. Nothing is pre-filled but a checkbox's default: a secret never (it is
 * write-only), other defaults are named in the hint and applied by the server when left empty.
 */
export function initialValues(fields: readonly ConnectorField[]): FieldValues {
  return Object.fromEntries(fields.map((f) => [f.name, f.type === 'boolean' && !f.secret ? f.default === true : '']));
}

export type ConfigResult = { ok: true; config: Record<string, unknown> } | { ok: false; errors: Record<string, string> };

/**
 * The config to send, or what is wrong, setting by setting. Empty optional settings are left out
 * (the server applies its defaults); JSON settings are parsed and must be of their type.
 */
export function configFrom(fields: readonly ConnectorField[], values: FieldValues): ConfigResult {
  const config: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const result = coerce(field, values[field.name]);
    if ('error' in result) errors[field.name] = result.error;
    else if ('value' in result) config[field.name] = result.value;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, config };
}

type Coerced = { value: unknown } | { error: string } | { omit: true };

function coerce(field: ConnectorField, raw: string | boolean | undefined): Coerced {
  const label = settingLabel(field.name);
  if (field.type === 'boolean' && !field.secret) {
    const checked = raw === true;
    return !field.required && checked === (field.default === true) ? { omit: true } : { value: checked };
  }
  const text = typeof raw === 'string' ? raw : '';
  // a secret is sent exactly as typed (a space may be part of it); other text loses stray spaces
  const value = field.secret ? text : text.trim();
  if (value.trim() === '') return field.required ? { error: `Enter ${label.toLowerCase()}.` } : { omit: true };
  if (field.secret) return { value };
  switch (field.type) {
    case 'number': {
      const n = Number(value);
      return Number.isFinite(n) ? { value: n } : { error: `${label} must be a number.` };
    }
    case 'enum':
      return field.options && !field.options.includes(value) ? { error: `${label} must be one of ${field.options.join(', ')}.` } : { value };
    case 'array':
    case 'object':
      return parseJsonSetting(label, field.type, value);
    default:
      return { value };
  }
}

/** A JSON setting's text: parsed, and of the type the schema wants (an array is not an object). */
export function parseJsonSetting(label: string, type: 'array' | 'object', text: string): { value: unknown } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { error: `${label} is not valid JSON (${err instanceof Error ? err.message : 'unreadable'}).` };
  }
  if (type === 'array' && !Array.isArray(parsed)) return { error: `${label} must be a JSON array, in [ ].` };
  if (type === 'object' && (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)))
    return { error: `${label} must be a JSON object, in { }.` };
  return { value: parsed };
}

/** The address to paste into the vendor's console: this deployment's origin and the instance's path. */
export function webhookUrl(origin: string, webhookPath: string): string {
  return origin.replace(/\/+$/, '') + (webhookPath.startsWith('/') ? webhookPath : `/${webhookPath}`);
}

/** Connector types grouped by channel for the picker (WhatsApp: whatsapp-cloud, whatsapp-export…). */
export function typesByChannel(types: readonly ConnectorType[]): Array<{ channel: string; label: string; connectors: string[] }> {
  const groups = new Map<string, string[]>();
  for (const t of types) {
    const key = t.channel ?? '';
    groups.set(key, [...(groups.get(key) ?? []), t.connector]);
  }
  return [...groups.entries()]
    .map(([channel, connectors]) => ({ channel, label: channel ? channelLabel(channel) : 'Other', connectors: connectors.sort() }))
    .sort((a, b) => ((a.channel === '') !== (b.channel === '') ? (a.channel === '' ? 1 : -1) : a.label.localeCompare(b.label)));
}

function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}
