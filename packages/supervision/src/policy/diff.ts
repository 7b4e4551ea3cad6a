import { canonicalJson } from '@custody/envelope';
import { canonicalPolicy, contentAddress, type PolicyVersion } from './content-address';
import type { Policy, PolicyRule } from './schema';

type FieldValue = string | boolean | readonly string[];

/** One field that differs. Lists also say which entries came and went (each in the order of its own side). */
export interface FieldChange {
  field: string;
  before: FieldValue | undefined;
  after: FieldValue | undefined;
  added?: string[];
  removed?: string[];
}

export interface RuleChange {
  id: string;
  changes: FieldChange[];
}

/** What changed from one policy version to the next, for the console and the admin API. Deterministic: same two versions, same diff. */
export interface PolicyDiff {
  from: PolicyVersion;
  to: PolicyVersion;
  identical: boolean;
  /** Policy-level fields other than scope and rules, by field name. */
  fields: FieldChange[];
  /** Scope dimensions, by name. */
  scope: FieldChange[];
  rules: {
    /** In the order of the new version. */
    added: PolicyRule[];
    /** In the order of the old version. */
    removed: PolicyRule[];
    /** Rules with the same id whose content differs, in the order of the new version. */
    changed: RuleChange[];
    /** The rules both versions have stand in another order (hits are reported in rule order). */
    reordered: boolean;
  };
}

export function policyDiff(before: Policy, after: Policy): PolicyDiff {
  const a = canonicalPolicy(before);
  const b = canonicalPolicy(after);
  const { scope: scopeA, rules: rulesA, ...fieldsA } = a;
  const { scope: scopeB, rules: rulesB, ...fieldsB } = b;
  const byIdA = new Map(rulesA.map((rule) => [rule.id, rule]));
  const byIdB = new Map(rulesB.map((rule) => [rule.id, rule]));
  const common = (rules: readonly PolicyRule[], other: Map<string, PolicyRule>) => rules.filter((r) => other.has(r.id)).map((r) => r.id);
  const from = contentAddress(a);
  const to = contentAddress(b);
  return {
    from,
    to,
    identical: from === to,
    fields: fieldChanges(fieldsA, fieldsB),
    scope: fieldChanges(scopeA, scopeB),
    rules: {
      added: rulesB.filter((rule) => !byIdA.has(rule.id)),
      removed: rulesA.filter((rule) => !byIdB.has(rule.id)),
      changed: rulesB.flatMap((rule) => {
        const old = byIdA.get(rule.id);
        const changes = old ? fieldChanges(old, rule) : [];
        return changes.length > 0 ? [{ id: rule.id, changes }] : [];
      }),
      reordered: common(rulesA, byIdB).join('\n') !== common(rulesB, byIdA).join('\n'),
    },
  };
}

function fieldChanges<T extends object>(before: T, after: T): FieldChange[] {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return fields.flatMap((field) => {
    const old = (before as Record<string, FieldValue | undefined>)[field];
    const now = (after as Record<string, FieldValue | undefined>)[field];
    if (canonicalJson(old) === canonicalJson(now)) return [];
    const change: FieldChange = { field, before: old, after: now };
    if (Array.isArray(old) || Array.isArray(now)) {
      const oldList: readonly string[] = Array.isArray(old) ? old : [];
      const newList: readonly string[] = Array.isArray(now) ? now : [];
      change.added = newList.filter((v) => !oldList.includes(v));
      change.removed = oldList.filter((v) => !newList.includes(v));
    }
    return [change];
  });
}
