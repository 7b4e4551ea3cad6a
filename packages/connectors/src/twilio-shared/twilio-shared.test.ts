import { createHmac } from 'node:crypto';
import type { Egress, MediaContext, WebhookRequest } from '@custody/connector-kit';
import { decodeForm, fetchTwilioMedia, formParams, twilioSignature, verifyTwilioRequest } from './index';

describe('twilio-shared: X-Twilio-Signature', () => {
  // Twilio's documented example ("Validating Signatures from Twilio", api-snippets signature_validation)
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params: Array<[string, string]> = [
    ['CallSid', 'CA1234567890ABCDE'],
    ['Caller', '+14158675309'],
    ['Digits', '1234'],
    ['From', '+14158675309'],
    ['To', '+18005551212'],
  ];

  test("matches Twilio's published test vector", () => {
    expect(twilioSignature('12345', url, params)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(twilioSignature('12345', url, [...params].reverse())).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  test('sorts names case-sensitively (uppercase before lowercase) and signs decoded values', () => {
    const body = 'b=2&B=1&Body=a+b%2Bc';
    const expected = createHmac('sha1', 'tok')
      .update('https://x.test/hB1Body' + 'a b+c' + 'b2')
      .digest('base64');
    expect(twilioSignature('tok', 'https://x.test/h', decodeForm(Buffer.from(body), 't'))).toBe(expected);
  });

  test('verifies the request against req.url, query string included', () => {
    const body = new URLSearchParams(params).toString() + '&AccountSid=AC00000000000000000000000000000000';
    const pairs = decodeForm(Buffer.from(body), 't');
    const req = (signature: string, reqUrl = url): WebhookRequest => ({
      method: 'POST',
      headers: { 'x-twilio-signature': signature },
      query: new URLSearchParams(),
      rawBody: Buffer.from(body),
      url: reqUrl,
    });
    const config = { accountSid: 'AC00000000000000000000000000000000', authToken: '12345678' };
    const sig = twilioSignature(config.authToken, url, pairs);
    expect(() => verifyTwilioRequest(req(sig), config, 't')).not.toThrow();
    expect(() => verifyTwilioRequest(req(sig, 'https://mycompany.com/myapp.php?foo=1'), config, 't')).toThrow(/does not match/);
  });
});

describe('twilio-shared: form decoding', () => {
  test("'+' is a space, %2B is a plus, empty values are kept, order is kept", () => {
    expect(decodeForm(Buffer.from('Body=a+b%2B%20c&Empty=&From=%2B1415'), 't')).toEqual([
      ['Body', 'a b+ c'],
      ['Empty', ''],
      ['From', '+1415'],
    ]);
  });

  test('raw UTF-8 and percent-encoded UTF-8 decode the same', () => {
    expect(decodeForm(Buffer.from('Body=héllo 👍'), 't')).toEqual(decodeForm(Buffer.from('Body=h%C3%A9llo%20%F0%9F%91%8D'), 't'));
  });

  test('params have no prototype: a name like toString is just a name', () => {
    const params = formParams(
      [
        ['toString', 'x'],
        ['hasOwnProperty', 'y'],
      ],
      't',
    );
    expect(Object.getPrototypeOf(params)).toBeNull();
    expect(params.toString).toBe('x');
  });
});

describe('twilio-shared: media fetch', () => {
  const config = { accountSid: 'AC00000000000000000000000000000000', authToken: '12345678' };
  const path = `/2010-04-01/Accounts/${config.accountSid}/Messages/MM00000000000000000000000000000000/Media/ME00000000000000000000000000000000`;
  const ctx = (get: jest.Mock): MediaContext => ({ instance: 'i', http: { get } as unknown as Egress });

  test('a path naming another host ("//host/…", "/\\host/…") is refused before anything is sent', async () => {
    const get = jest.fn();
    for (const ref of [`https://api.twilio.com//evil.example${path}`, `https://api.twilio.com/\\evil.example${path}`]) {
      await expect(fetchTwilioMedia(ref, config, ctx(get))).rejects.toMatchObject({ code: 'bad_source_ref' });
    }
    expect(get).not.toHaveBeenCalled();
  });

  test("only the path is used, on the API's origin, with basic auth", async () => {
    const get = jest.fn().mockResolvedValue(new Response('bytes', { headers: { 'content-type': 'image/png' } }));
    await fetchTwilioMedia(`https://media.example${path}?x=1`, config, ctx(get));
    expect(get).toHaveBeenCalledTimes(1);
    const [target, , headers] = get.mock.calls[0]!;
    expect(String(target)).toBe(`https://api.twilio.com${path}?x=1`);
    expect(headers).toEqual({ authorization: `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}` });
  });
});
