import type { NormalizedText } from '../text';
import type { Expression } from './expression/ast';
import { parseExpression } from './expression/parser';
import { Evaluation } from './match/evaluate';
import { mergeSpans, type HitSpan } from './match/spans';
import { ZoneIndex } from './match/zone-index';
import { ZONES, type Policy, type Zone } from './schema';
import { inScope, type MatchContext } from './scope';

export interface MatchInput {
  /** The normalizer's output for each part of the record that exists. */
  zones: Partial<Record<Zone, NormalizedText>>;
  context: MatchContext;
}

export interface PolicyHit {
  ruleId: string;
  zone: Zone;
  /** UTF-16 ranges of the original text of the zone: the tokens that made the match, sorted, touching ones joined. */
  spans: HitSpan[];
}

export interface PolicyMatch {
  /** False when the policy's scope leaves the record out: it was not screened, which is not the same as screened clean. */
  inScope: boolean;
  /** In rule order, then zone order (subject, body, attachmentNames, transcript). */
  hits: PolicyHit[];
}

interface CompiledRule {
  id: string;
  zones: readonly Zone[];
  includeTagged: boolean;
  match: Expression;
  exclude: readonly Expression[];
}

/** Compiled once per policy object; a Policy is treated as immutable once matched. */
const compiledPolicies = new WeakMap<Policy, readonly CompiledRule[]>();

function compile(policy: Policy): readonly CompiledRule[] {
  let rules = compiledPolicies.get(policy);
  if (!rules) {
    rules = policy.rules.map((rule) => ({
      id: rule.id,
      zones: rule.zones,
      includeTagged: rule.includeTagged,
      match: parseExpression(rule.match),
      exclude: rule.exclude.map(parseExpression),
    }));
    compiledPolicies.set(policy, rules);
  }
  return rules;
}

/**
 * Screens one record with one policy. The result depends only on the policy, the normalized zones
 * and the context: no clock, no locale, no iteration over anything unordered.
 */
export function matchPolicy(policy: Policy, input: MatchInput): PolicyMatch {
  if (!inScope(policy.scope, input.context)) return { inScope: false, hits: [] };
  const indexes = new Map<Zone, ZoneIndex>();
  const hits: PolicyHit[] = [];
  for (const rule of compile(policy)) {
    for (const zone of ZONES) {
      const text = input.zones[zone];
      if (!text || !rule.zones.includes(zone)) continue;
      let index = indexes.get(zone);
      if (!index) indexes.set(zone, (index = new ZoneIndex(text)));
      const spans = matchRule(rule, index);
      if (spans.length > 0) hits.push({ ruleId: rule.id, zone, spans });
    }
  }
  return { inScope: true, hits };
}

/**
 * Exclusions first: the tokens of every occurrence of an `exclude` expression are hidden from `match`,
 * so "not guaranteed" takes its "guaranteed" out of play while another "guaranteed" still counts.
 */
function matchRule(rule: CompiledRule, index: ZoneIndex): HitSpan[] {
  const shown = rule.includeTagged || !index.hasTagged ? undefined : (i: number) => index.tagged[i] === 0;
  const hidden = new Uint8Array(index.tokens.length);
  for (const exclusion of rule.exclude) {
    const evaluation = new Evaluation(index, shown);
    evaluation.markEvidence(exclusion, evaluation.occurrences(exclusion), hidden);
  }
  const visible = hidden.includes(1) ? (i: number) => hidden[i] === 0 && (!shown || shown(i)) : shown;
  const evaluation = new Evaluation(index, visible);
  const evidence = new Uint8Array(index.tokens.length);
  evaluation.markEvidence(rule.match, evaluation.occurrences(rule.match), evidence);
  const spans: HitSpan[] = [];
  evidence.forEach((marked, i) => {
    if (marked) spans.push({ start: index.tokens[i].start, end: index.tokens[i].end });
  });
  return mergeSpans(spans);
}
