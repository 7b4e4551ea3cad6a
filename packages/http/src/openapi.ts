interface Operation {
  summary?: string;
  description?: string;
  'x-custody-roles'?: string[];
  'x-custody-public'?: string;
}

/** The README's API table, generated from the OpenAPI document: one row per route, who may call it, what it does. */
export function apiTable(doc: { paths?: Record<string, Record<string, Operation>> }): string {
  const rows: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(ops)) {
      const who = op['x-custody-roles']?.join(', ') ?? `open: ${op['x-custody-public'] ?? ''}`;
      const what = [op.summary, op.description].filter(Boolean).join('. ');
      rows.push(`| \`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}\` | ${who} | ${what.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`);
    }
  }
  return ['| route | who may call | |', '|---|---|---|', ...rows].join('\n');
}
