import { tokenize } from './analyzer';

/** Expected tokens are what OpenSearch 2.19's `_analyze` with `analyzer: standard` returned for each text. */
const opensearchStandard: Array<[string, string[]]> = [
  ["Hello, World! don't stop", ['hello', 'world', "don't", 'stop']],
  ['john.doe@example.com visited https://ex.com/a?b=1', ['john.doe', 'example.com', 'visited', 'https', 'ex.com', 'a', 'b', '1']],
  ['3.14 and 1,000,000 foo_bar foo-bar', ['3.14', 'and', '1,000,000', 'foo_bar', 'foo', 'bar']],
  ['Zürich ZÜRICH İstanbul ΣΊΣΥΦΟΣ', ['zürich', 'zürich', 'istanbul', 'σίσυφοσ']],
  ['中文测试 日本語のテキスト カタカナ', ['中', '文', '测', '试', '日', '本', '語', 'の', 'テキスト', 'カタカナ']],
  ['ภาษาไทย ทดสอบ', ['ภาษาไทย', 'ทดสอบ']],
  ['👍 thumbs 🇺🇸 emoji❤️ #️⃣', ['👍', 'thumbs', '🇺🇸', 'emoji', '❤️', '#️⃣']],
  ['naïve café A.B.C. U.S.A', ['naïve', 'café', 'a.b.c', 'u.s.a']],
  ['#hashtag @mention $100 50%', ['hashtag', 'mention', '100', '50']],
  ['v1.2.3 10:30 2024-01-01', ['v1.2.3', '10', '30', '2024', '01', '01']],
  [`${'a'.repeat(300)} x`, ['a'.repeat(255), 'a'.repeat(45), 'x']],
];

test.each(opensearchStandard)('tokenizes %j as the standard analyzer does', (text, tokens) => {
  expect(tokenize(text)).toEqual(tokens);
});
