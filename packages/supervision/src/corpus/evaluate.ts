import { contentAddress, type Policy, type PolicyHit } from '../policy';
import type { StarterPackId } from '../packs';
import { screenEnvelope, screeningsHash, type Screening } from '../screen';
import { bootstrapF1, wilsonInterval, type Confusion, type QualityEstimate } from './stats';
import type { CorpusMessage, ExpectedHit } from './types';

export interface PolicyQuality extends Confusion {
  policy: string;
  /** The policy version measured (its content address). */
  version: string;
  precision: QualityEstimate;
  recall: QualityEstimate;
  f1: QualityEstimate;
  /** Of the labelled spans of this policy, how many the matcher highlighted exactly (same rule, zone, start and end). */
  spans: { expected: number; exact: number; share: number };
  /** Message ids, for a reviewer to read what was missed and what was flagged wrongly. */
  missed: string[];
  flaggedWrongly: string[];
}

export interface CorpusQuality {
  messages: number;
  policies: PolicyQuality[];
  /** screeningsHash of every screening (each message by each policy): equal runs give equal hashes. */
  resultHash: string;
}

const spanKey = (ruleId: string, zone: string, start: number, end: number) => `${ruleId}\u0000${zone}\u0000${start}\u0000${end}`;
const spanKeys = (hits: readonly (PolicyHit | ExpectedHit)[]) => hits.flatMap((h) => h.spans.map((s) => spanKey(h.ruleId, h.zone, s.start, s.end)));

/**
 * Screens every message with every policy and scores each policy at message level: a message is
 * a positive for a policy when its labels give it any hit there, and flagged when the matcher
 * gives any. Precision and recall carry Wilson intervals, F1 a seeded bootstrap. The intervals say
 * how well the corpus pins the figure; messages drawn from the same template are not independent
 * evidence about new wording, so they are no guarantee for text unlike the corpus.
 */
export function evaluateCorpus(policies: readonly Policy[], corpus: readonly CorpusMessage[]): CorpusQuality {
  const screenings: Screening[] = [];
  const qualities = policies.map((policy) => {
    const counts: Confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
    const spans = { expected: 0, exact: 0 };
    const missed: string[] = [];
    const flaggedWrongly: string[] = [];
    for (const message of corpus) {
      const screening = screenEnvelope(policy, message.envelope);
      screenings.push(screening);
      const expected = message.expected[policy.id as StarterPackId] ?? [];
      const found = new Set(spanKeys(screening.hits));
      const labelled = spanKeys(expected);
      spans.expected += labelled.length;
      spans.exact += labelled.filter((key) => found.has(key)).length;
      const positive = expected.length > 0;
      const flagged = screening.hits.length > 0;
      if (positive && flagged) counts.tp++;
      else if (positive) {
        counts.fn++;
        missed.push(message.id);
      } else if (flagged) {
        counts.fp++;
        flaggedWrongly.push(message.id);
      } else counts.tn++;
    }
    return {
      policy: policy.id,
      version: contentAddress(policy),
      ...counts,
      precision: wilsonInterval(counts.tp, counts.tp + counts.fp),
      recall: wilsonInterval(counts.tp, counts.tp + counts.fn),
      f1: bootstrapF1(counts, `f1-bootstrap:${policy.id}`),
      spans: { ...spans, share: spans.expected === 0 ? Number.NaN : spans.exact / spans.expected },
      missed,
      flaggedWrongly,
    };
  });
  return { messages: corpus.length, policies: qualities, resultHash: screeningsHash(screenings) };
}
