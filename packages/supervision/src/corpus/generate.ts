import { mergeSpans } from '../policy/match/spans';
import { STARTER_PACK_IDS, starterPacks, type StarterPackId } from '../packs';
import { corpusEnvelope } from './envelope';
import { obfuscate, type Obfuscation } from './obfuscate';
import { CorpusPrng } from './prng';
import { parseTemplate, renderPieces, type EvidenceSpan, type Piece } from './template';
import { CORPUS_TEMPLATES } from './templates';
import type { LanguageTemplates, TemplateText } from './templates/types';
import { CORPUS_LANGUAGES, type CorpusCategory, type CorpusChannel, type CorpusMessage, type ExpectedHit } from './types';

/** The share of each category, in parts of 100: about two in five messages should be flagged by some pack. */
const CATEGORY_MIX: Readonly<Record<CorpusCategory, number>> = {
  positive: 30,
  'obfuscated-positive': 12,
  'hard-negative': 22,
  neutral: 20,
  newsletter: 6,
  short: 10,
};
const NEWSLETTER_CHANNELS: readonly CorpusChannel[] = ['email', 'email', 'telegram', 'whatsapp'];
const ADVISORS = 12;
const CLIENTS = 400;

/** The seed of the corpus the tests gate on and the bench reports: any other seed gives another, equally valid draw. */
export const CORPUS_SEED = 3110;

export interface CorpusOptions {
  seed: string | number;
  size?: number;
}

/**
 * The labelled corpus: `size` messages, the n-th drawn from its own generator seeded with
 * `${seed}:${n}`, so a message depends only on the seed and its position (the first 50 of a
 * 5,000-message corpus are the 50-message corpus) and two runs give the same messages.
 */
export function generateCorpus({ seed, size = 5000 }: CorpusOptions): CorpusMessage[] {
  return Array.from({ length: size }, (_, index) => corpusMessage(seed, index));
}

interface Chosen {
  template: TemplateText;
  rules: readonly string[];
  writtenFor?: StarterPackId;
}

function chooseTemplate(category: CorpusCategory, lang: LanguageTemplates, rng: CorpusPrng): Chosen {
  switch (category) {
    case 'positive':
    case 'obfuscated-positive': {
      const writtenFor = rng.pick(STARTER_PACK_IDS);
      const flat = lang.positives[writtenFor].flatMap((group) => group.texts.map((template) => ({ template, rules: group.rules })));
      return { ...rng.pick(flat), writtenFor };
    }
    case 'hard-negative': {
      const writtenFor = rng.pick(STARTER_PACK_IDS);
      return { template: rng.pick(lang.hardNegatives[writtenFor]), rules: [], writtenFor };
    }
    case 'neutral':
      return { template: rng.pick(lang.neutral), rules: [] };
    case 'newsletter':
      return { template: rng.pick(lang.newsletters), rules: [] };
    case 'short':
      return { template: rng.pick(lang.short), rules: [] };
  }
}

function corpusMessage(seed: string | number, index: number): CorpusMessage {
  const rng = new CorpusPrng(`${seed}:${index}`);
  const id = `corpus-${seed}-${String(index).padStart(5, '0')}`;
  const category = rng.weighted(CATEGORY_MIX);
  const language = rng.pick(CORPUS_LANGUAGES);
  const lang = CORPUS_TEMPLATES[language];
  const { template, rules, writtenFor } = chooseTemplate(category, lang, rng);
  const fill = (slot: string): string => {
    const values = lang.slots[slot];
    if (values === undefined) throw new Error(`${language} has no values for the slot {${slot}}`);
    return rng.pick(values);
  };
  const channel = typeof template !== 'string' ? 'email' : category === 'newsletter' ? rng.pick(NEWSLETTER_CHANNELS) : rng.pick(lang.channels);
  let body = parseTemplate(typeof template === 'string' ? template : template.text, rules, fill);
  let subject: Piece[] | undefined =
    typeof template !== 'string'
      ? parseTemplate(template.subject, rules, fill)
      : channel === 'email'
        ? [{ text: rng.pick(lang.subjects), rules: null }]
        : undefined;

  let obfuscation: Obfuscation | undefined;
  if (category === 'obfuscated-positive') {
    const inBody = body.some((piece) => piece.rules !== null);
    const disguised = obfuscate(inBody ? body : (subject ?? []), rng);
    obfuscation = disguised.how;
    if (inBody) body = disguised.pieces;
    else subject = disguised.pieces;
  }

  const renderedBody = renderPieces(body);
  const renderedSubject = subject && renderPieces(subject);
  const direction = writtenFor === 'complaints' || rng.chance(0.25) ? 'inbound' : 'outbound';
  const envelope = corpusEnvelope({
    id,
    index,
    channel,
    direction,
    text: renderedBody.text,
    subject: renderedSubject?.text,
    advisor: rng.int(ADVISORS),
    client: rng.int(CLIENTS),
  });
  return {
    id,
    category,
    language,
    channel,
    direction,
    text: renderedBody.text,
    ...(renderedSubject && { subject: renderedSubject.text }),
    ...(writtenFor && { writtenFor }),
    ...(obfuscation && { obfuscation }),
    expected: expectedHits(renderedSubject?.evidence ?? [], renderedBody.evidence),
    envelope,
  };
}

/** Each rule id of the starter packs: its pack and its place in the pack (hits come in rule order). */
let rulePlaces: Map<string, { pack: StarterPackId; order: number }> | undefined;
function placeOf(ruleId: string): { pack: StarterPackId; order: number } {
  rulePlaces ??= new Map(starterPacks().flatMap((pack) => pack.policy.rules.map((rule, order) => [rule.id, { pack: pack.id, order }] as const)));
  const place = rulePlaces.get(ruleId);
  if (place === undefined) throw new Error(`a corpus template names the rule "${ruleId}", which no starter pack has`);
  return place;
}

/** The marks as hits: per rule and zone, the spans sorted and touching ones joined, as a highlight shows them. */
function expectedHits(subject: readonly EvidenceSpan[], body: readonly EvidenceSpan[]): Record<StarterPackId, ExpectedHit[]> {
  const expected = Object.fromEntries(STARTER_PACK_IDS.map((id) => [id, [] as ExpectedHit[]])) as Record<StarterPackId, ExpectedHit[]>;
  const hits: Array<ExpectedHit & { order: number; pack: StarterPackId }> = [];
  for (const [zone, evidence] of [
    ['subject', subject],
    ['body', body],
  ] as const) {
    const rules = [...new Set(evidence.map((e) => e.rule))];
    for (const ruleId of rules) {
      const spans = mergeSpans(evidence.filter((e) => e.rule === ruleId));
      hits.push({ ruleId, zone, spans, ...placeOf(ruleId) });
    }
  }
  // stable sort: subject before body within a rule, as matchPolicy orders zones
  hits.sort((a, b) => a.order - b.order);
  for (const { pack, ruleId, zone, spans } of hits) expected[pack].push({ ruleId, zone, spans });
  return expected;
}
