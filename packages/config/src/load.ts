import { ConfigError } from '@custody/errors';
import { ConfigSchema, type Config } from './schema';

/** Reads and validates the environment; a bad setting stops start-up naming the variable and what it expects. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input = Object.fromEntries(Object.keys(ConfigSchema.shape).flatMap((k) => (env[k] === undefined || env[k] === '' ? [] : [[k, env[k]]])));
  const result = ConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => {
    const key = String(i.path[0] ?? '');
    const field = ConfigSchema.shape[key as keyof typeof ConfigSchema.shape];
    const expects = field?.description ? ` (expects: ${field.description})` : '';
    return `  ${key}${i.path.length > 1 ? `[${i.path.slice(1).join('.')}]` : ''}: ${i.message}${expects}`;
  });
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}

/** Markdown table of every setting, for the README. */
export function configTable(): string {
  const rows = Object.entries(ConfigSchema.shape).map(([key, schema]) => {
    const def = (schema as { def?: { defaultValue?: unknown } }).def?.defaultValue;
    const text = def === undefined ? '' : Array.isArray(def) ? def.join(',') : String(def);
    const shown = text === '' ? '' : `\`${text}\``;
    return `| \`${key}\` | ${shown} | ${schema.description ?? ''} |`;
  });
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
