import { z } from 'zod';
import { RejectedInputError } from '@custody/errors';

/**
 * Marks a connector setting as a secret, once, on the config schema: logging, error messages,
 * audit records and storage (encrypted at rest) all take the list of secret fields from here.
 * Put it innermost (`secret(z.string().min(8)).describe(…).optional()`): zod metadata carries over
 * to clones made by `.describe()`, and wrappers are looked through.
 */
export function secret<T extends z.ZodType>(schema: T): T {
  return schema.meta({ secret: true });
}

function isSecret(schema: z.ZodType): boolean {
  for (let s: z.ZodType | undefined = schema; s; s = unwrap(s)) {
    if (s.meta()?.secret === true) return true;
  }
  return false;
}

/** The schema inside optional/nullable/default/readonly/pipe wrappers, if any. */
function unwrap(s: z.ZodType): z.ZodType | undefined {
  if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault || s instanceof z.ZodReadonly || s instanceof z.ZodPrefault)
    return s.unwrap() as z.ZodType;
  if (s instanceof z.ZodPipe) return s.in as z.ZodType;
  return undefined;
}

function objectOf(schema: z.ZodType): z.ZodObject | undefined {
  let s: z.ZodType | undefined = schema;
  while (s && !(s instanceof z.ZodObject)) s = unwrap(s);
  return s;
}

/** The description of a field, looking through wrappers (`.optional()` does not carry it). */
function descriptionOf(schema: z.ZodType, name: string): string | undefined {
  for (let s = objectOf(schema)?.shape[name] as z.ZodType | undefined; s; s = unwrap(s)) if (s.description) return s.description;
  return undefined;
}

/** Names of the top-level settings `schema` declares secret (connector configs are flat objects). */
export function secretFieldsOf(schema: z.ZodType): string[] {
  const s = objectOf(schema);
  if (!s) return [];
  return Object.entries(s.shape)
    .filter(([, field]) => isSecret(field as z.ZodType))
    .map(([name]) => name)
    .sort();
}

/** Every string (and number) inside a value, for scrubbing it out of free text. */
function leaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') out.push(String(value));
  else if (value && typeof value === 'object') for (const v of Object.values(value)) leaves(v, out);
  return out;
}

/**
 * Checks a connector config and names what is wrong without ever printing a secret: issues on a
 * secret field say only which rule failed, and any secret value that still appears in the text
 * (a custom message, an unknown key) is replaced. The message ends with every setting the
 * connector takes, so one reading of it is enough to write a valid config.
 */
export function parseConnectorConfig<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const secrets = new Set(secretFieldsOf(schema));
  const values = input && typeof input === 'object' ? [...secrets].flatMap((f) => leaves((input as Record<string, unknown>)[f])) : [];
  const lines = r.error.issues.slice(0, 5).map((i) => {
    const path = i.path.length ? i.path.map(String).join('.') : '(root)';
    if (!secrets.has(String(i.path[0]))) return `${path}: ${i.message}`;
    return `${path}: ${secretIssue(i)} (secret, value not shown)`;
  });
  throw new RejectedInputError('invalid_connector_config', `${what}: ${scrub(lines.join('; '), values)}. ${expectedFields(schema)}`);
}

/** The JSON type of a setting's value, for a form to choose its input. */
export type ConfigFieldType = 'string' | 'number' | 'boolean' | 'enum' | 'array' | 'object';

/** One setting of a connector config, as its schema declares it. */
export interface ConfigField {
  name: string;
  required: boolean;
  secret: boolean;
  description?: string;
  type: ConfigFieldType;
  /** The values an `enum` setting takes. */
  options?: string[];
  /** The value used when the setting is left out; never given for a secret. */
  default?: unknown;
}

/** The type of the value inside the wrappers; a union or anything unusual is entered as text. */
function typeOf(schema: z.ZodType): Pick<ConfigField, 'type' | 'options'> {
  let s: z.ZodType | undefined = schema;
  while (s && unwrap(s)) s = unwrap(s);
  if (s instanceof z.ZodEnum) return { type: 'enum', options: s.options.map(String) };
  if (s instanceof z.ZodLiteral) return { type: 'enum', options: [...s.values].map(String) };
  if (s instanceof z.ZodNumber || s instanceof z.ZodBigInt) return { type: 'number' };
  if (s instanceof z.ZodBoolean) return { type: 'boolean' };
  if (s instanceof z.ZodArray || s instanceof z.ZodTuple || s instanceof z.ZodSet) return { type: 'array' };
  if (s instanceof z.ZodObject || s instanceof z.ZodRecord || s instanceof z.ZodMap) return { type: 'object' };
  return { type: 'string' };
}

/** The value a `.default()` among the wrappers supplies, if any. */
function defaultOf(schema: z.ZodType): { default?: unknown } {
  for (let s: z.ZodType | undefined = schema; s; s = unwrap(s)) if (s instanceof z.ZodDefault) return { default: s.def.defaultValue };
  return {};
}

/**
 * Every setting a connector config takes, from the schema only: the README tables, the refusal
 * message and the console's "add connector" form (which renders secrets write-only).
 */
export function configFieldsOf(schema: z.ZodType): ConfigField[] | undefined {
  const s = objectOf(schema);
  if (!s) return undefined;
  return Object.entries(s.shape).map(([name, field]) => {
    const f = field as z.ZodType;
    const secret = isSecret(f);
    const description = descriptionOf(schema, name);
    return {
      name,
      required: !f.safeParse(undefined).success,
      secret,
      ...(description !== undefined && { description }),
      ...typeOf(f),
      // a default is code, not a setting's value; still, nothing is ever said about a secret's
      ...(!secret && defaultOf(f)),
    };
  });
}

/**
 * What a connector config holds, for the message that refuses one: each setting, required or
 * optional, secret or not, and its description. Built from the schema only, never from a value.
 */
export function expectedFields(schema: z.ZodType): string {
  const fields = configFieldsOf(schema);
  if (!fields) return 'Expected the connector settings as a JSON object';
  const described = fields.map((f) => {
    const tags = [f.required ? 'required' : 'optional', ...(f.secret ? ['secret'] : [])];
    return `${f.name} (${tags.join(', ')})${f.description ? `: ${f.description}` : ''}`;
  });
  return `Expected a JSON object with: ${described.join('; ')}`;
}

/**
 * For a parse that cannot read a payload without the connector's settings. Webhooks always have
 * them; only `custody normalize` without --config gets here.
 */
export function connectorConfigRequired(connector: string, schema: z.ZodType, why: string): RejectedInputError {
  return new RejectedInputError(
    'connector_config_required',
    `${connector}: ${why}; pass --config <file> with the connector's settings. ${expectedFields(schema)}`,
  );
}

/** A description of the failed rule built from the issue's fields, never from the received value. */
function secretIssue(i: z.core.$ZodIssue): string {
  switch (i.code) {
    case 'invalid_type':
      return `expected ${i.expected}`;
    case 'too_small':
      return `too short (at least ${String(i.minimum)})`;
    case 'too_big':
      return `too long (at most ${String(i.maximum)})`;
    case 'invalid_format':
      return i.format === 'regex' ? 'wrong format' : `wrong format (${i.format})`;
    default:
      return 'invalid';
  }
}

/** Replaces every occurrence of each value (4 characters or more: shorter ones are not secrets worth hiding and would mangle the text). */
function scrub(text: string, values: string[]): string {
  let out = text;
  for (const v of [...values].filter((v) => v.length >= 4).sort((a, b) => b.length - a.length)) out = out.split(v).join('[redacted]');
  return out;
}
