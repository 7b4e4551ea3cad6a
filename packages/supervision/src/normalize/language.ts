/**
 * Language identification, deterministic and explainable rather than statistical:
 *
 * 1. Only the writer's own words count: tokens inside a tagged span (quoted reply, signature,
 *    disclaimer) are left out, unless that leaves nothing.
 * 2. Script first. CJK characters are weighed against Latin words at two characters a word (the
 *    average length of a Chinese word): when CJK weighs at least as much, the text is 'ja' if any
 *    kana is present, else 'ko' if Hangul outnumbers Han, else 'zh'.
 * 3. Latin text: whichever of en, es, fr has the most stopword hits; ties go to en, then es, then fr
 *    (the order the lists are written in); no hit at all is 'und'. A word on two lists (de, la,
 *    que…) counts for both, so only the distinguishing words decide.
 * 4. Anything else (no CJK, no Latin word: Cyrillic, Arabic, emoji only) is 'und'.
 */
import type { TaggedSpan, Token } from '../text';
import { cjkScript, isLatinLetter } from './char-class';

/** Stopword lists, in tie-break order. */
const STOPWORDS: readonly (readonly [language: string, words: string])[] = [
  [
    'en',
    'the and is are was were be been to of in that it this for with you your we our i have has will would not on at my me please can do what from they he she an or but if as so just there about by hi hello thanks',
  ],
  [
    'es',
    'el la los las y de que en es un una por para con no se su sus lo le al del como pero más mi tu yo usted está este esta muy sí también hay ser son nos les ya o hola gracias',
  ],
  [
    'fr',
    'le la les de des du et est un une pour avec pas ne vous nous je il elle ce cette que qui dans sur au aux en mais ou très sont votre vos mon ma mes tu te se c j l qu bonjour merci oui',
  ],
];

/** Each stopword with the positions in STOPWORDS of the languages it belongs to: one lookup per word. */
const STOPWORD_LANGUAGES = new Map<string, number[]>();
STOPWORDS.forEach(([, words], language) => {
  for (const word of words.split(' ')) STOPWORD_LANGUAGES.set(word, [...(STOPWORD_LANGUAGES.get(word) ?? []), language]);
});

export function identifyLanguage(tokens: readonly Token[], tags: readonly TaggedSpan[]): string {
  const own = outsideTags(tokens, tags);
  const counted = own.length > 0 ? own : tokens;

  const scripts = { han: 0, kana: 0, hangul: 0 };
  let latinWords = 0;
  for (const token of counted) {
    if (token.kind === 'cjk') {
      const script = cjkScript(token.text.codePointAt(0) as number);
      if (script !== null) scripts[script] += 1;
    } else if (token.kind === 'word' && isLatinLetter(token.text.codePointAt(0) as number)) {
      latinWords += 1;
    }
  }
  const cjk = scripts.han + scripts.kana + scripts.hangul;
  if (cjk > 0 && cjk >= 2 * latinWords) {
    if (scripts.kana > 0) return 'ja';
    return scripts.hangul > scripts.han ? 'ko' : 'zh';
  }
  if (latinWords === 0) return 'und';

  const hits = STOPWORDS.map(() => 0);
  for (const token of counted) {
    const languages = token.kind === 'word' ? STOPWORD_LANGUAGES.get(token.text) : undefined;
    if (languages !== undefined) for (const language of languages) hits[language] += 1;
  }
  const best = hits.indexOf(Math.max(...hits));
  return hits[best] > 0 ? STOPWORDS[best][0] : 'und';
}

/** Tokens not wholly inside a tagged span; one sweep, since both lists are ordered by start. */
function outsideTags(tokens: readonly Token[], tags: readonly TaggedSpan[]): readonly Token[] {
  if (tags.length === 0) return tokens;
  const covered: { start: number; end: number }[] = [];
  for (const tag of tags) {
    const last = covered[covered.length - 1];
    if (last !== undefined && tag.start <= last.end) last.end = Math.max(last.end, tag.end);
    else covered.push({ start: tag.start, end: tag.end });
  }
  const outside: Token[] = [];
  let next = 0;
  for (const token of tokens) {
    while (next + 1 < covered.length && covered[next + 1].start <= token.start) next += 1;
    const span = covered[next];
    if (span === undefined || token.start < span.start || token.end > span.end) outside.push(token);
  }
  return outside;
}
