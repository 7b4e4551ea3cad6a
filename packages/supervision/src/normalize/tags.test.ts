import type { TaggedSpan } from '../text';
import { normalize } from './normalize';

/** Each tag as its kind and the original text it covers. */
const tags = (text: string): [TaggedSpan['kind'], string][] => normalize(text).tags.map((t) => [t.kind, text.slice(t.start, t.end)]);

describe('quoted text', () => {
  test('groups of ">" lines are quoted', () => {
    expect(tags('Yes.\n> is it guaranteed?\n>  sure?\nNo.\n> again')).toEqual([
      ['quoted', '> is it guaranteed?\n>  sure?'],
      ['quoted', '> again'],
    ]);
  });

  test.each([
    ['English', 'On Mon, Jan 6, 2025 at 10:00 AM John Smith <john@acme.com> wrote:'],
    ['English, wrapped by the client', 'On Mon, Jan 6, 2025 at 10:00 AM John Smith <john@acme.com>\nwrote:'],
    ['Spanish', 'El lun, 6 ene 2025 a las 10:00, Juan (<juan@acme.es>) escribió:'],
    ['French', 'Le lun. 6 janv. 2025 à 10:00, Jean <jean@acme.fr> a écrit :'],
    ['Simplified Chinese', 'John <john@acme.com> 于2025年1月6日周一 10:00写道：'],
    ['Traditional Chinese', 'John <john@acme.com> 於 2025年1月6日 週一 上午10:00 寫道：'],
    ['Japanese', '2025年1月6日(月) 10:00 山田太郎 <taro@acme.jp>:'],
    ['an Original Message separator', '-----Original Message-----\nFrom: John'],
    ['a Chinese Original Message separator', '-----原始邮件-----'],
    ['an Outlook header block', 'From: John Smith\nSent: Monday, January 6, 2025 10:00 AM\nTo: Ann'],
    ['a French Outlook header block', 'De : Jean\nEnvoyé : lundi 6 janvier 2025 10:00'],
  ])('a reply header (%s) and everything after it is quoted', (_kind, header) => {
    const text = `Thanks, agreed.\n\n${header}\n> Is the return guaranteed?\nold text`;
    expect(tags(text)).toEqual([['quoted', `${header}\n> Is the return guaranteed?\nold text`]]);
  });

  test('"wrote:" without a date is not a reply header', () => {
    expect(tags('Here is what I wrote:\nbuy now')).toEqual([]);
  });

  test('tokens inside quoted text are still produced', () => {
    expect(normalize('ok\n> guaranteed').tokens.map((t) => t.text)).toEqual(['ok', 'guaranteed']);
  });
});

describe('signatures', () => {
  test('"-- " and everything after it, up to the quoted reply', () => {
    const text = 'See you.\n-- \nBob Jones\nAcme Capital\n\nOn Mon, Jan 6, 2025 at 10:00 AM Ann <ann@acme.com> wrote:\n> hi';
    expect(tags(text)).toEqual([
      ['signature', '-- \nBob Jones\nAcme Capital'],
      ['quoted', 'On Mon, Jan 6, 2025 at 10:00 AM Ann <ann@acme.com> wrote:\n> hi'],
    ]);
  });

  test.each([
    'Sent from my iPhone',
    'Get Outlook for Android',
    'Enviado desde mi iPhone',
    'Envoyé de mon iPhone',
    '发自我的iPhone',
    '從我的 iPhone 傳送',
    'iPhoneから送信',
  ])('a mail client line: %s', (line) => {
    expect(tags(`Call me.\n\n${line}`)).toEqual([['signature', line]]);
  });

  test('a long line starting like a client line is not a signature', () => {
    expect(tags(`Sent from my phone because the office network is down, call me on my personal number later today`)).toEqual([]);
  });

  test('a "--" inside a line is not a delimiter', () => {
    expect(tags('returns -- guaranteed')).toEqual([]);
  });
});

describe('disclaimers', () => {
  test.each([
    'This e-mail and any attachments are confidential and intended solely for the addressee.',
    'PAST PERFORMANCE is no guarantee of future results.',
    'Este mensaje es confidencial.',
    "Si vous n'êtes pas le destinataire, merci de le détruire.",
    '本邮件及其附件仅供指定收件人使用。',
    '過往業績不代表將來表現。',
    '本メールは機密情報を含みます。',
  ])('the paragraph is a disclaimer: %s', (disclaimer) => {
    const text = `Returns are guaranteed.\n\n${disclaimer}\nSecond line of the notice.\n\nBye`;
    expect(tags(text)).toEqual([['disclaimer', `${disclaimer}\nSecond line of the notice.`]]);
  });

  test('a phrase broken across lines of one paragraph still counts; across paragraphs it does not', () => {
    expect(tags('This message is\nconfidential.')).toEqual([['disclaimer', 'This message is\nconfidential.']]);
    expect(tags('This message is\n\nconfidential.')).toEqual([]);
  });

  test('a disclaimer inside a signature is tagged as both', () => {
    expect(tags('Hi\n--\nBob\n\nNot an offer to buy or sell.')).toEqual([
      ['signature', '--\nBob\n\nNot an offer to buy or sell.'],
      ['disclaimer', 'Not an offer to buy or sell.'],
    ]);
  });

  test('the word "confidential" alone is not a disclaimer', () => {
    expect(tags('Keep this confidential, delete after reading')).toEqual([]);
  });
});
