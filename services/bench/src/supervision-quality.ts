import {
  CORPUS_CATEGORIES,
  CORPUS_CHANNELS,
  CORPUS_LANGUAGES,
  CORPUS_SEED,
  evaluateCorpus,
  generateCorpus,
  normalize,
  screenEnvelope,
  starterPacks,
  type CorpusMessage,
  type QualityEstimate,
} from '@custody/supervision';
import { fmt, median } from './stats';

const ROUNDS = 5;
const LOOKBACK_ROUNDS = 3;

const share = (e: QualityEstimate) => (Number.isNaN(e.value) ? '—' : `${fmt(e.value, 3)} [${fmt(e.low, 3)}, ${fmt(e.high, 3)}]`);

/** Messages a second for one pass of `work` over the corpus. */
function rate(corpus: readonly CorpusMessage[], work: (message: CorpusMessage) => void): number {
  const started = process.hrtime.bigint();
  for (const message of corpus) work(message);
  return corpus.length / (Number(process.hrtime.bigint() - started) / 1e9);
}

function counts<K extends string>(keys: readonly K[], of: (m: CorpusMessage) => K, corpus: readonly CorpusMessage[]): string {
  return keys.map((key) => `${key} ${fmt(corpus.filter((m) => of(m) === key).length)}`).join(' · ');
}

/**
 * `--supervision`: the starter packs' quality on the labelled corpus (packages/supervision/src/corpus)
 * and how fast they screen it. Quality: per pack, message-level TP/FP/FN with precision and recall
 * (Wilson 95 % intervals) and F1 (seeded bootstrap), and the share of labelled spans highlighted
 * exactly. Speed: messages screened a second by all six packs (screenEnvelope, as the live path
 * does it: one pack at a time, each normalizing the record), against normalizing the same messages
 * alone in the same run, interleaved round by round so drift on a shared machine hits both; and a
 * lookback, one pack re-screening the whole corpus (archive reads not included).
 */
export async function supervisionQualityReport(): Promise<string[]> {
  const corpus = generateCorpus({ seed: CORPUS_SEED });
  const packs = starterPacks();
  const quality = evaluateCorpus(
    packs.map((pack) => pack.policy),
    corpus,
  );

  const screening: number[] = [];
  const normalizing: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    normalizing.push(
      rate(corpus, (m) => {
        normalize(m.text);
        if (m.subject !== undefined) normalize(m.subject);
      }),
    );
    screening.push(rate(corpus, (m) => packs.forEach((pack) => screenEnvelope(pack.policy, m.envelope))));
  }
  const lookback = packs.map((pack) => ({
    id: pack.id,
    rate: median(Array.from({ length: LOOKBACK_ROUNDS }, () => rate(corpus, (m) => screenEnvelope(pack.policy, m.envelope)))),
  }));
  const screened = median(screening);
  const normalized = median(normalizing);

  return [
    `supervision corpus: ${fmt(corpus.length)} synthetic messages, seed ${CORPUS_SEED}, labelled by construction (the templates mark the words each pack should highlight)`,
    `- categories: ${counts(CORPUS_CATEGORIES, (m) => m.category, corpus)}`,
    `- languages: ${counts(CORPUS_LANGUAGES, (m) => m.language, corpus)}`,
    `- channels: ${counts(CORPUS_CHANNELS, (m) => m.channel, corpus)}`,
    '',
    '| pack | TP | FP | FN | precision [95 % CI] | recall [95 % CI] | F1 [95 % CI] | spans exact |',
    '|---|---|---|---|---|---|---|---|',
    ...quality.policies.map(
      (p) =>
        `| ${p.policy} | ${fmt(p.tp)} | ${fmt(p.fp)} | ${fmt(p.fn)} | ${share(p.precision)} | ${share(p.recall)} | ${share(p.f1)} | ${fmt(p.spans.exact)} of ${fmt(p.spans.expected)} |`,
    ),
    '',
    `screening with all six packs: ${fmt(screened)} messages/s (median of ${ROUNDS}); normalize only, same messages, same run: ${fmt(normalized)} messages/s; screening ÷ normalize ${fmt(screened / normalized, 3)}`,
    '',
    `| lookback: one pack over the corpus (median of ${LOOKBACK_ROUNDS}) | records/s |`,
    '|---|---|',
    ...lookback.map((l) => `| ${l.id} | ${fmt(l.rate)} |`),
    '',
    `result hash (every screening of the corpus by the six packs): ${quality.resultHash}`,
  ];
}
