import type { FieldChange, PolicyDiff, PolicyRule } from './supervision-types';

/**
 * A policy diff (GET …/policies/:id/diff, or the diff a PUT answers with) as lists a reviewer reads:
 * rules added and removed with what they match, rules changed field by field, the policy's own
 * fields and its scope. Pure, so the unit tests pin the words.
 */

export interface DiffItem {
  heading: string;
  lines: string[];
}

export interface DiffSection {
  title: string;
  items: DiffItem[];
}

export interface DiffModel {
  summary: string;
  sections: DiffSection[];
  /** The rules both versions have stand in another order (hits are reported in rule order). */
  reordered: boolean;
}

export function diffModel(diff: PolicyDiff): DiffModel {
  const { added, removed, changed, reordered } = diff.rules;
  const sections: DiffSection[] = [
    { title: 'Rules added', items: added.map(ruleItem) },
    { title: 'Rules removed', items: removed.map(ruleItem) },
    { title: 'Rules changed', items: changed.map((rule) => ({ heading: rule.id, lines: rule.changes.map(changeLine) })) },
    { title: 'Policy fields changed', items: diff.fields.map(fieldItem) },
    { title: 'Scope changed', items: diff.scope.map(fieldItem) },
  ].filter((section) => section.items.length > 0);
  return { summary: summaryOf(diff), sections, reordered };
}

function summaryOf(diff: PolicyDiff): string {
  if (diff.identical) return 'The two versions are identical.';
  const { added, removed, changed } = diff.rules;
  const parts = [
    added.length > 0 && `${count(added.length, 'rule')} added`,
    removed.length > 0 && `${count(removed.length, 'rule')} removed`,
    changed.length > 0 && `${count(changed.length, 'rule')} changed`,
    diff.fields.length > 0 && `${count(diff.fields.length, 'policy field')} changed`,
    diff.scope.length > 0 && `the scope changed`,
    diff.rules.reordered && 'the rules reordered',
  ].filter((p): p is string => typeof p === 'string');
  const text = parts.length > 0 ? parts.join(', ') : 'no rule or field differs';
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

function ruleItem(rule: PolicyRule): DiffItem {
  return {
    heading: `${rule.id}: ${rule.description}`,
    lines: [
      `Matches: ${rule.match}`,
      ...rule.exclude.map((e) => `Except: ${e}`),
      `Reads: ${rule.zones.join(', ')}`,
      ...(rule.includeTagged ? ['Also reads quoted text, signatures and disclaimers'] : []),
    ],
  };
}

function fieldItem(change: FieldChange): DiffItem {
  return { heading: change.field, lines: [changeLine(change)] };
}

/** "match: “a” → “b”"; a list: what came and went; a field that appeared or went: said so. */
export function changeLine(change: FieldChange): string {
  if (change.added || change.removed) {
    const parts = [
      change.added && change.added.length > 0 && `added ${quoted(change.added)}`,
      change.removed && change.removed.length > 0 && `removed ${quoted(change.removed)}`,
    ].filter((p): p is string => typeof p === 'string');
    return `${change.field}: ${parts.length > 0 ? parts.join('; ') : 'reordered'}`;
  }
  if (change.before === undefined) return `${change.field}: set to ${value(change.after)}`;
  if (change.after === undefined) return `${change.field}: removed (was ${value(change.before)})`;
  return `${change.field}: ${value(change.before)} → ${value(change.after)}`;
}

function value(v: FieldChange['before']): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return `“${v}”`;
  return v.length > 0 ? quoted(v) : 'none';
}

function quoted(list: readonly string[]): string {
  return list.map((v) => `“${v}”`).join(', ');
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
