import { normalize } from './normalize';

/** One line per token: kind, normalized text, original offsets. */
const golden = (text: string): string[] => normalize(text).tokens.map((t) => `${t.kind} ${t.text} ${t.start}-${t.end}`);
const texts = (text: string): string[] => normalize(text).tokens.map((t) => t.text);

describe('golden tokens in the six languages', () => {
  test('English', () => {
    expect(golden("I GUARANTEE you'll double it, text me.")).toEqual([
      'word i 0-1',
      'word guarantee 2-11',
      'word you 12-15',
      'word ll 16-18',
      'word double 19-25',
      'word it 26-28',
      'word text 30-34',
      'word me 35-37',
    ]);
  });

  test('Simplified Chinese: one token per character', () => {
    expect(golden('保证收益，加我微信')).toEqual([
      'cjk 保 0-1',
      'cjk 证 1-2',
      'cjk 收 2-3',
      'cjk 益 3-4',
      'cjk 加 5-6',
      'cjk 我 6-7',
      'cjk 微 7-8',
      'cjk 信 8-9',
    ]);
  });

  test('Traditional Chinese: not folded into Simplified', () => {
    expect(golden('保證收益，私人投訴')).toEqual([
      'cjk 保 0-1',
      'cjk 證 1-2',
      'cjk 收 2-3',
      'cjk 益 3-4',
      'cjk 私 5-6',
      'cjk 人 6-7',
      'cjk 投 7-8',
      'cjk 訴 8-9',
    ]);
  });

  test('Japanese: kanji and kana per character, Latin words inside stay words, half-width katakana widened', () => {
    expect(golden('確実に保証。LINEでｶﾞ')).toEqual([
      'cjk 確 0-1',
      'cjk 実 1-2',
      'cjk に 2-3',
      'cjk 保 3-4',
      'cjk 証 4-5',
      'word line 6-10',
      'cjk で 10-11',
      'cjk ガ 11-13',
    ]);
  });

  test('Spanish: accents kept, case folded', () => {
    expect(golden('Rentabilidad GARANTIZADA, escríbeme por WhatsApp')).toEqual([
      'word rentabilidad 0-12',
      'word garantizada 13-24',
      'word escríbeme 26-35',
      'word por 36-39',
      'word whatsapp 40-48',
    ]);
  });

  test('French: elisions and hyphens split, accents kept', () => {
    expect(golden("C'est garanti, écrivez-moi à 100 %")).toEqual([
      'word c 0-1',
      'word est 2-5',
      'word garanti 6-13',
      'word écrivez 15-22',
      'word moi 23-26',
      'word à 27-28',
      'number 100 29-32',
    ]);
  });
});

describe('word and number rules', () => {
  test('words split on everything that is not a letter or digit', () => {
    expect(texts('risk-free/no_risk (100%) "sure"!')).toEqual(['risk', 'free', 'no', 'risk', '100', 'sure']);
  });

  test('numbers keep decimal and grouping marks between digits; signs, currency and units split off', () => {
    expect(golden('$1,000.50 -3.5% 2024.')).toEqual(['number 1,000.50 1-9', 'number 3.5 11-14', 'number 2024 16-20']);
  });

  test('letters and digits that are not leetspeak split into words and numbers', () => {
    expect(golden('10am mp3 B2B')).toEqual(['number 10 0-2', 'word am 2-4', 'word mp 5-7', 'number 3 7-8', 'word b 9-10', 'number 2 10-11', 'word b 11-12']);
  });

  test('compatibility characters that expand keep the span of the character they came from', () => {
    expect(golden('½ ﬁx')).toEqual(['number 1 0-1', 'number 2 0-1', 'word fix 2-4']);
  });

  test('other scripts are words; Hangul is one token per syllable like CJK', () => {
    expect(golden('Гарантия 보장')).toEqual(['word гарантия 0-8', 'cjk 보 9-10', 'cjk 장 10-11']);
  });

  test('CJK compatibility forms normalize into CJK tokens', () => {
    expect(texts('㈱')).toEqual(['株']);
  });

  test('empty, blank and punctuation-only texts have no tokens', () => {
    expect(normalize('').tokens).toEqual([]);
    expect(normalize(' \n\t ').tokens).toEqual([]);
    expect(normalize('...!?-- 。、').tokens).toEqual([]);
  });
});
