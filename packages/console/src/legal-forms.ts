import type { ExportFormat } from './legal-types';

/**
 * What is wrong with a legal form before it is sent, field by field (the API's limits: packages/policy
 * holds.ts and exports.ts), so each message sits beside its input. Empty objects mean "send it".
 */

export type Problems<F extends string> = Partial<Record<F, string>>;

const MATTER_MAX = 512;
const REASON_MAX = 4000;
const EXPORT_NAME_MAX = 512;

export function holdFormProblems(form: { matter: string; reason: string }): Problems<'matter' | 'reason'> {
  const out: Problems<'matter' | 'reason'> = {};
  const matter = form.matter.trim();
  const reason = form.reason.trim();
  if (!matter) out.matter = 'Name the matter the hold is for.';
  else if (matter.length > MATTER_MAX) out.matter = `The matter is longer than ${MATTER_MAX} characters.`;
  if (!reason) out.reason = 'Say why the records must be held.';
  else if (reason.length > REASON_MAX) out.reason = `The reason is longer than ${REASON_MAX.toLocaleString('en')} characters.`;
  return out;
}

export function releaseProblems(reason: string): Problems<'reason'> {
  const text = reason.trim();
  if (!text) return { reason: 'Say why the hold is released.' };
  if (text.length > REASON_MAX) return { reason: `The reason is longer than ${REASON_MAX.toLocaleString('en')} characters.` };
  return {};
}

export function exportFormProblems(form: { name: string; formats: readonly ExportFormat[] }): Problems<'name' | 'formats'> {
  const out: Problems<'name' | 'formats'> = {};
  const name = form.name.trim();
  if (!name) out.name = 'Name the export (the matter or request it is for).';
  else if (name.length > EXPORT_NAME_MAX) out.name = `The name is longer than ${EXPORT_NAME_MAX} characters.`;
  if (form.formats.length === 0) out.formats = 'Choose at least one format.';
  return out;
}

/** The first field with a problem, in the form's order: where focus goes after a refused submit. */
export function firstProblem<F extends string>(problems: Problems<F>, order: readonly F[]): F | null {
  return order.find((f) => problems[f] !== undefined) ?? null;
}
