import { normalize } from './normalize';

const texts = (text: string): string[] => normalize(text).tokens.map((t) => t.text);

describe('de-obfuscation: obfuscated words become the word, spanning what was written', () => {
  test.each([
    ['spaced out', 'returns are g u a r a n t e e d!', 'g u a r a n t e e d'],
    ['dotted', 'g.u.a.r.a.n.t.e.e.d returns', 'g.u.a.r.a.n.t.e.e.d'],
    ['dashed', 'it is g-u-a-r-a-n-t-e-e-d', 'g-u-a-r-a-n-t-e-e-d'],
    ['underscored', 'g_u_a_r_a_n_t_e_e_d', 'g_u_a_r_a_n_t_e_e_d'],
    [
      'spaced with non-breaking spaces',
      'g\u00a0u\u00a0a\u00a0r\u00a0a\u00a0n\u00a0t\u00a0e\u00a0e\u00a0d',
      'g\u00a0u\u00a0a\u00a0r\u00a0a\u00a0n\u00a0t\u00a0e\u00a0e\u00a0d',
    ],
    ['spaced with leet inside', 'G U 4 R A N T 3 E D', 'G U 4 R A N T 3 E D'],
    ['@ for a', 'guar@nteed.', 'guar@nteed'],
    ['leet digits', 'Gu4r4nt33d', 'Gu4r4nt33d'],
    ['zero-width space inside', 'guar\u200banteed', 'guar\u200banteed'],
    ['soft hyphen inside', 'guar\u00adanteed', 'guar\u00adanteed'],
    ['zalgo marks', 'g\u0334u\u0335a\u0336r\u0337anteed', 'g\u0334u\u0335a\u0336r\u0337anteed'],
    ['full-width', 'ｇｕａｒａｎｔｅｅｄ', 'ｇｕａｒａｎｔｅｅｄ'],
    ['mathematical bold', '𝐠𝐮𝐚𝐫𝐚𝐧𝐭𝐞𝐞𝐝', '𝐠𝐮𝐚𝐫𝐚𝐧𝐭𝐞𝐞𝐝'],
  ])('%s', (_how, text, written) => {
    const token = normalize(text).tokens.find((t) => t.text === 'guaranteed');
    expect(token).toBeDefined();
    expect(token?.kind).toBe('word');
    expect(text.slice(token?.start, token?.end)).toBe(written);
  });

  test.each([
    ['g00d l0ans', ['good', 'loans']],
    ['r3turns pr0fit', ['returns', 'profit']],
    ['pr1vate ins1d3r', ['private', 'insider']],
    // "1" between vowels and doubled 1s read as l; any other 1 as i
    ['de1ete se11ing', ['delete', 'selling']],
    ['wh@ts@pp ca$h', ['whatsapp', 'cash']],
  ])('leetspeak %s', (text, words) => {
    expect(texts(text)).toEqual(words);
  });

  test('a spaced-out run keeps surrounding words apart and drops leading and trailing substitutes', () => {
    expect(texts('call 4 g u a r 5 now')).toEqual(['call', '4', 'guar', '5', 'now']);
  });

  test('a run continues with another separator after its last letter ("a b c.d.e.f")', () => {
    expect(texts('x y z.w.a.b')).toEqual(['x', 'y', 'zwab']);
  });
});

describe('hard negatives: ordinary text is not de-obfuscated', () => {
  test.each([
    ['numbers stay numbers', 'In 2024 it cost $500, up 3.5%', ['in', '2024', 'it', 'cost', '500', 'up', '3.5']],
    ['phone numbers', 'Call +1 (555) 013-4567', ['call', '1', '555', '013', '4567']],
    ['times', 'at 10:30 or 7:45', ['at', '10', '30', 'or', '7', '45']],
    ['dates', '2025-01-06', ['2025', '01', '06']],
    ['an IP address is one dotted number', '10.0.0.1', ['10.0.0.1']],
    [
      'email addresses are cut into their parts, without leet',
      'write to john@acme.com or j0hn5@acme.co',
      ['write', 'to', 'john', 'acme', 'com', 'or', 'j', '0', 'hn', '5', 'acme', 'co'],
    ],
    ['URLs are cut into their parts, without leet', 'see https://acme.com/f1les?id=7', ['see', 'https', 'acme', 'com', 'f', '1', 'les', 'id', '7']],
    ['a handle is not leet', '@john', ['john']],
    ['single letters in prose stay apart', 'I am a U.S. citizen', ['i', 'am', 'a', 'u', 's', 'citizen']],
    ['three single letters are not a spaced word', 'il y a à Paris', ['il', 'y', 'a', 'à', 'paris']],
    ['initials with a dot and a space are not a spaced word', 'J. R. R. Tolkien', ['j', 'r', 'r', 'tolkien']],
    ['double spaces break a run', 'a  b  c  d', ['a', 'b', 'c', 'd']],
    ['mixed separators do not form one run', 'a b.c-d', ['a', 'b', 'c', 'd']],
    ['spaced digits stay numbers', '1 2 3 4 5', ['1', '2', '3', '4', '5']],
    ['mostly substitutes is not a word', 'a 1 0 3', ['a', '1', '0', '3']],
    [
      'digits at a word edge are not leet',
      '5th 1st 3pm 3days 401k covid19 5ecure',
      ['5', 'th', '1', 'st', '3', 'pm', '3', 'days', '401', 'k', 'covid', '19', '5', 'ecure'],
    ],
    ['digits that are never leet keep the word apart', 'b2b', ['b', '2', 'b']],
    ['currency next to letters', 'US$500', ['us', '500']],
  ])('%s', (_rule, text, words) => {
    expect(texts(text)).toEqual(words);
  });

  test('numbers keep kind number', () => {
    expect(normalize('2024 $500 3.5%').tokens.map((t) => t.kind)).toEqual(['number', 'number', 'number']);
  });
});
