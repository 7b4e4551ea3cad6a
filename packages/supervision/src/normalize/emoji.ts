/**
 * Emoji are recognised on the ORIGINAL text, before NFKC (which would turn ™ into "tm" and a keycap
 * into a digit), as one token per emoji sequence. The grammar is a deliberate, explicit subset of
 * UTS #51, written here so it does not follow the engine's Unicode version:
 *
 *   flag       = regional indicator, regional indicator        (a lone indicator is an emoji too)
 *   keycap     = [0-9#*] U+FE0F? U+20E3
 *   element    = (Extended_Pictographic | skin tone) variation-selector? skin-tone? tag-spec*
 *   sequence   = element (ZWJ element){0,7}
 *
 * Extended_Pictographic is the frozen table below (Unicode 17 emoji-data.txt, which already
 * reserves the blocks future emoji are drawn from, so new emoji are recognised without a change
 * here). The ZWJ cap bounds a token on hostile input; real sequences have at most four elements.
 */
import { inRanges, type CodePointRanges } from './ranges';

// prettier-ignore
const EXTENDED_PICTOGRAPHIC: CodePointRanges = [
  [0xa9, 0xa9], [0xae, 0xae], [0x203c, 0x203c], [0x2049, 0x2049], [0x2122, 0x2122], [0x2139, 0x2139], [0x2194, 0x2199], [0x21a9, 0x21aa],
  [0x231a, 0x231b], [0x2328, 0x2328], [0x23cf, 0x23cf], [0x23e9, 0x23f3], [0x23f8, 0x23fa], [0x24c2, 0x24c2], [0x25aa, 0x25ab], [0x25b6, 0x25b6],
  [0x25c0, 0x25c0], [0x25fb, 0x25fe], [0x2600, 0x2604], [0x260e, 0x260e], [0x2611, 0x2611], [0x2614, 0x2615], [0x2618, 0x2618], [0x261d, 0x261d],
  [0x2620, 0x2620], [0x2622, 0x2623], [0x2626, 0x2626], [0x262a, 0x262a], [0x262e, 0x262f], [0x2638, 0x263a], [0x2640, 0x2640], [0x2642, 0x2642],
  [0x2648, 0x2653], [0x265f, 0x2660], [0x2663, 0x2663], [0x2665, 0x2666], [0x2668, 0x2668], [0x267b, 0x267b], [0x267e, 0x267f], [0x2692, 0x2697],
  [0x2699, 0x2699], [0x269b, 0x269c], [0x26a0, 0x26a1], [0x26a7, 0x26a7], [0x26aa, 0x26ab], [0x26b0, 0x26b1], [0x26bd, 0x26be], [0x26c4, 0x26c5],
  [0x26c8, 0x26c8], [0x26ce, 0x26cf], [0x26d1, 0x26d1], [0x26d3, 0x26d4], [0x26e9, 0x26ea], [0x26f0, 0x26f5], [0x26f7, 0x26fa], [0x26fd, 0x26fd],
  [0x2702, 0x2702], [0x2705, 0x2705], [0x2708, 0x270d], [0x270f, 0x270f], [0x2712, 0x2712], [0x2714, 0x2714], [0x2716, 0x2716], [0x271d, 0x271d],
  [0x2721, 0x2721], [0x2728, 0x2728], [0x2733, 0x2734], [0x2744, 0x2744], [0x2747, 0x2747], [0x274c, 0x274c], [0x274e, 0x274e], [0x2753, 0x2755],
  [0x2757, 0x2757], [0x2763, 0x2764], [0x2795, 0x2797], [0x27a1, 0x27a1], [0x27b0, 0x27b0], [0x27bf, 0x27bf], [0x2934, 0x2935], [0x2b05, 0x2b07],
  [0x2b1b, 0x2b1c], [0x2b50, 0x2b50], [0x2b55, 0x2b55], [0x3030, 0x3030], [0x303d, 0x303d], [0x3297, 0x3297], [0x3299, 0x3299], [0x1f004, 0x1f004],
  [0x1f02c, 0x1f02f], [0x1f094, 0x1f09f], [0x1f0af, 0x1f0b0], [0x1f0c0, 0x1f0c0], [0x1f0cf, 0x1f0d0], [0x1f0f6, 0x1f0ff], [0x1f170, 0x1f171], [0x1f17e, 0x1f17f],
  [0x1f18e, 0x1f18e], [0x1f191, 0x1f19a], [0x1f1ae, 0x1f1e5], [0x1f201, 0x1f20f], [0x1f21a, 0x1f21a], [0x1f22f, 0x1f22f], [0x1f232, 0x1f23a], [0x1f23c, 0x1f23f],
  [0x1f249, 0x1f25f], [0x1f266, 0x1f321], [0x1f324, 0x1f393], [0x1f396, 0x1f397], [0x1f399, 0x1f39b], [0x1f39e, 0x1f3f0], [0x1f3f3, 0x1f3f5], [0x1f3f7, 0x1f3fa],
  [0x1f400, 0x1f4fd], [0x1f4ff, 0x1f53d], [0x1f549, 0x1f54e], [0x1f550, 0x1f567], [0x1f56f, 0x1f570], [0x1f573, 0x1f57a], [0x1f587, 0x1f587], [0x1f58a, 0x1f58d],
  [0x1f590, 0x1f590], [0x1f595, 0x1f596], [0x1f5a4, 0x1f5a5], [0x1f5a8, 0x1f5a8], [0x1f5b1, 0x1f5b2], [0x1f5bc, 0x1f5bc], [0x1f5c2, 0x1f5c4], [0x1f5d1, 0x1f5d3],
  [0x1f5dc, 0x1f5de], [0x1f5e1, 0x1f5e1], [0x1f5e3, 0x1f5e3], [0x1f5e8, 0x1f5e8], [0x1f5ef, 0x1f5ef], [0x1f5f3, 0x1f5f3], [0x1f5fa, 0x1f64f], [0x1f680, 0x1f6c5],
  [0x1f6cb, 0x1f6d2], [0x1f6d5, 0x1f6e5], [0x1f6e9, 0x1f6e9], [0x1f6eb, 0x1f6f0], [0x1f6f3, 0x1f6ff], [0x1f7da, 0x1f7ff], [0x1f80c, 0x1f80f], [0x1f848, 0x1f84f],
  [0x1f85a, 0x1f85f], [0x1f888, 0x1f88f], [0x1f8ae, 0x1f8af], [0x1f8bc, 0x1f8bf], [0x1f8c2, 0x1f8cf], [0x1f8d9, 0x1f8ff], [0x1f90c, 0x1f93a], [0x1f93c, 0x1f945],
  [0x1f947, 0x1f9ff], [0x1fa58, 0x1fa5f], [0x1fa6e, 0x1faff], [0x1fc00, 0x1fffd],
];

const REGIONAL_INDICATOR_FIRST = 0x1f1e6;
const REGIONAL_INDICATOR_LAST = 0x1f1ff;
const SKIN_TONE_FIRST = 0x1f3fb;
const SKIN_TONE_LAST = 0x1f3ff;
const TEXT_PRESENTATION = 0xfe0e;
const EMOJI_PRESENTATION = 0xfe0f;
const ZERO_WIDTH_JOINER = 0x200d;
const COMBINING_KEYCAP = 0x20e3;
const TAG_SPEC_FIRST = 0xe0020;
const TAG_SPEC_LAST = 0xe007f;
const MAX_ZWJ_ELEMENTS = 8;

const isRegionalIndicator = (cp: number): boolean => cp >= REGIONAL_INDICATOR_FIRST && cp <= REGIONAL_INDICATOR_LAST;
const isSkinTone = (cp: number): boolean => cp >= SKIN_TONE_FIRST && cp <= SKIN_TONE_LAST;
const isKeycapBase = (cp: number): boolean => (cp >= 0x30 && cp <= 0x39) || cp === 0x23 || cp === 0x2a;
const isPresentationSelector = (cp: number): boolean => cp === TEXT_PRESENTATION || cp === EMOJI_PRESENTATION;
/** The bounds spare the table search for Latin and CJK text: the table has nothing below U+00A9 or between U+3299 and U+1F004. */
const startsElement = (cp: number): boolean => cp >= 0xa9 && (cp <= 0x3299 || cp >= 0x1f004) && (isSkinTone(cp) || inRanges(cp, EXTENDED_PICTOGRAPHIC));

/** Code point at `i`, or -1 past the end (a lone surrogate comes back as itself and matches nothing here). */
const codePointAt = (text: string, i: number): number => (i < text.length ? (text.codePointAt(i) as number) : -1);
const width = (cp: number): number => (cp > 0xffff ? 2 : 1);

/** Where an emoji sequence starting at `i` ends (exclusive), or -1 when none starts there. */
export function emojiEnd(text: string, i: number): number {
  const cp = codePointAt(text, i);
  if (isRegionalIndicator(cp)) return isRegionalIndicator(codePointAt(text, i + 2)) ? i + 4 : i + 2;
  if (isKeycapBase(cp)) {
    const afterSelector = codePointAt(text, i + 1) === EMOJI_PRESENTATION ? i + 2 : i + 1;
    return codePointAt(text, afterSelector) === COMBINING_KEYCAP ? afterSelector + 1 : -1;
  }
  if (!startsElement(cp)) return -1;
  let end = elementEnd(text, i);
  for (let elements = 1; elements < MAX_ZWJ_ELEMENTS; elements++) {
    if (codePointAt(text, end) !== ZERO_WIDTH_JOINER || !startsElement(codePointAt(text, end + 1))) break;
    end = elementEnd(text, end + 1);
  }
  return end;
}

function elementEnd(text: string, i: number): number {
  let end = i + width(codePointAt(text, i));
  if (isPresentationSelector(codePointAt(text, end))) end += 1;
  if (isSkinTone(codePointAt(text, end))) end += 2;
  for (let cp = codePointAt(text, end); cp >= TAG_SPEC_FIRST && cp <= TAG_SPEC_LAST; cp = codePointAt(text, end)) end += 2;
  return end;
}

/**
 * The token text of an emoji sequence: the emoji itself, without presentation selectors and skin
 * tones, so a policy's 👎 matches 👎🏽 and ❤ matches ❤️ (the original, tone included, is at the
 * token's offsets). A lone skin tone swatch stays as it is.
 */
export function emojiTokenText(sequence: string): string {
  let text = '';
  for (const ch of sequence) {
    const cp = ch.codePointAt(0) as number;
    if (!isPresentationSelector(cp) && !isSkinTone(cp)) text += ch;
  }
  return text === '' ? sequence : text;
}
