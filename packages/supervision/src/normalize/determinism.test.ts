import { createHash } from 'node:crypto';
import { normalize } from './normalize';
import { NORMALIZER_VERSION } from './version';

/** Messages covering every rule; their normalized form is pinned below. */
const CORPUS = [
  "I GUARANTEE you'll double your money, text me on my personal cell.",
  'Returns are not guaranteed. Past performance is no guarantee of future results.',
  'I guarantee lunch is on me 🍔',
  'g u a r a n t e e d 100% r3turns, guar@nteed, g.u.a.r.a.n.t.e.e.d, ca$h, de1ete this, se11ing',
  'I am a U.S. citizen, il y a à Paris, J. R. R. Tolkien, a  b  c  d, 1 2 3 4',
  'Call +1 (555) 013-4567 at 10:30 on 2025-01-06, costs $1,000.50 or 3.5%, ip 10.0.0.1',
  'write to john@acme.com or see https://acme.com/f1les?id=7 and @john',
  '这个产品保证收益，没有风险。加我微信私聊，别在公司群里说。投诉',
  '這個產品保證收益，沒有風險。加我微信私聊，別在公司群裡說。投訴',
  'この商品は確実に儲かります。個人のLINEで連絡してください。保証します ｶﾞｲﾄﾞ',
  'La rentabilidad está garantizada, escríbeme por WhatsApp a mi número personal.',
  "Le rendement est garanti à 100 %, écrivez-moi sur WhatsApp, c'est sûr.",
  '수익을 보장합니다',
  '😡😡 terrible service 👎🏽 👨‍👩‍👧‍👦 🇺🇸 1️⃣ 🏴󠁧󠁢󠁥󠁮󠁧󠁿 ❤️ Acme™',
  'ＧＵＡＲＡＮＴＥＥＤ ﬁnance 𝐠𝐮𝐚𝐫 ① ½ ㍻ ㈱ Straße İstanbul ıi ΣΑΣ g\u0334u\u0335a guar\u200banteed',
  'Sounds good.\n\nSent from my iPhone\n\nOn Mon, Jan 6, 2025 at 10:00 AM John <john@acme.com> wrote:\n> Is the return guaranteed?',
  'Hi\n> earlier\n-- \nBob\n\nThis e-mail and any attachments are confidential and intended solely for the addressee.',
  '好的\n\n发自我的 iPhone\n\n-----原始邮件-----\n发件人: x\n本邮件及其附件仅供指定收件人使用。',
  'lone \ud800 surrogates \udc00 and a\u0301\u0301\u0301 marks',
  '',
];

describe('determinism', () => {
  test('normalizing twice gives deep-equal results', () => {
    for (const text of CORPUS) expect(normalize(text)).toEqual(normalize(text));
  });

  test('every result names the normalizer version', () => {
    expect(new Set(CORPUS.map((text) => normalize(text).normalizer))).toEqual(new Set([NORMALIZER_VERSION]));
  });

  test('the output for the corpus is pinned: any behaviour change must bump NORMALIZER_VERSION', () => {
    // A failure here means some output changed. If that was intended, bump NORMALIZER_VERSION in
    // version.ts and update both values; if not, the change is a bug (or an engine change: see fold.test.ts).
    const hash = createHash('sha256')
      .update(JSON.stringify(CORPUS.map(normalize)))
      .digest('hex');
    expect({ version: NORMALIZER_VERSION, hash }).toEqual({
      version: 'custody-normalizer/1',
      hash: 'aa4fe6a255df9b9b6210d75d3807baebdeca9bec409abc7b5011732ef271764b',
    });
  });
});

describe('offsets point into the original', () => {
  test.each(CORPUS.map((text) => [text]))('%j', (text) => {
    const { tokens, tags } = normalize(text);
    const insideSurrogatePair = (at: number): boolean => /[\ud800-\udbff]/.test(text[at - 1] ?? '') && /[\udc00-\udfff]/.test(text[at] ?? '');
    let previousStart = 0;
    for (const token of tokens) {
      expect(0 <= token.start && token.start < token.end && token.end <= text.length).toBe(true);
      expect(token.start).toBeGreaterThanOrEqual(previousStart);
      expect(insideSurrogatePair(token.start) || insideSurrogatePair(token.end)).toBe(false);
      // what the token spans normalizes back to (among others, when one character expands: ½ → 1, 2) the token itself
      expect(normalize(text.slice(token.start, token.end)).tokens.map((t) => t.text)).toContain(token.text);
      previousStart = token.start;
    }
    for (const tag of tags) expect(0 <= tag.start && tag.start < tag.end && tag.end <= text.length).toBe(true);
  });
});
