import { normalize } from './normalize';

const language = (text: string): string => normalize(text).language;

describe('language identification', () => {
  test.each([
    ['en', 'The returns are guaranteed, please text me on my personal phone.'],
    ['es', 'La rentabilidad está garantizada y no hay riesgo, escríbeme por WhatsApp.'],
    ['fr', "Le rendement est garanti et il n'y a pas de risque, écrivez-moi."],
    ['zh', '这个产品保证收益，加我微信。'],
    ['zh', '這個產品保證收益，加我微信。'],
    ['ja', 'この商品は確実に儲かります。'],
    ['ja', '保証します'],
    ['ko', '수익을 보장합니다'],
  ])('%s: %s', (expected, text) => {
    expect(language(text)).toBe(expected);
  });

  test('kana anywhere makes CJK text Japanese; Han alone is Chinese', () => {
    expect(language('投资保证')).toBe('zh');
    expect(language('投资保证です')).toBe('ja');
  });

  test('CJK weighs two characters a Latin word: a Chinese word in English prose stays English', () => {
    expect(language('Please add me on 微信 and we talk')).toBe('en');
    expect(language('请加我微信 ok')).toBe('zh');
  });

  test('no stopword, no Latin word or no text at all is und', () => {
    expect(language('WhatsApp guaranteed')).toBe('und');
    expect(language('Гарантированная доходность')).toBe('und');
    expect(language('👍 2024')).toBe('und');
    expect(language('')).toBe('und');
  });

  test('ties go to en, then es, then fr', () => {
    expect(language('the el')).toBe('en');
    expect(language('y et')).toBe('es');
    expect(language('de la')).toBe('es');
    expect(language('est')).toBe('fr');
  });

  test('quoted text, signatures and disclaimers do not decide the language when there is other text', () => {
    expect(language('Merci\n\nOn Mon, Jan 6, 2025 at 10:00 AM John <j@acme.com> wrote:\n> Is this the one you want for the meeting?')).toBe('fr');
    expect(language('> the one you want is this')).toBe('en');
  });
});
