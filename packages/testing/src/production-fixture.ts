import { createHash, randomBytes, randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { captureConversation, type ConversationFixture } from './conversation';
import { twilioCallStatus, twilioSign } from './twilio';
import { waitFor } from './wait';
import { BUSINESS, apiSearch, postWebhook, whatsappDelivery } from './whatsapp';

/** Where the tests pretend Twilio calls Custody: signatures are computed over this URL. */
export const PRODUCTION_PUBLIC_URL = 'https://custody.example.test';

/** The vendors and keys a production test runs against; both adapter sets provide them. */
export interface ProductionVendors {
  url: string;
  tokens: Record<'legal' | 'compliance' | 'auditor' | 'otherTenant', string>;
  whatsapp: { instance: string; appSecret: string };
  telegram: { instance: string; secretToken: string };
  twilio: { smsInstance: string; voiceInstance: string; accountSid: string; authToken: string };
}

/** A fake Twilio recordings API: GET <RecordingUrl>.wav with basic auth returns the WAV. */
export async function fakeTwilioRecordings(
  accountSid: string,
  authToken: string,
  files: Map<string, Buffer>,
): Promise<{ url: string; close(): Promise<void> }> {
  const basic = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const server: Server = createServer((req, res) => {
    const m = new RegExp(`^/2010-04-01/Accounts/${accountSid}/Recordings/(RE[0-9a-f]{32})\\.wav$`).exec(req.url ?? '');
    const file = req.headers.authorization === basic && m ? files.get(m[1]) : undefined;
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'audio/x-wav', 'content-length': String(file.length) }).end(file);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

/** An e-mail as an importer reads it from an .eml file: its bytes must come back unchanged. */
export function emailFixture(marker: string): { eml: Buffer; messageId: string } {
  const messageId = `${randomBytes(8).toString('hex')}@acme.example`;
  const eml = [
    'From: "Trader, Jane" <jane.trader@acme.example>',
    'To: Bob Smith <bob@client.example>',
    `Subject: Confirmation ${marker}`,
    'Date: Mon, 4 Mar 2024 10:30:00 +0000',
    `Message-ID: <${messageId}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Your order of 500 ACME is confirmed (${marker}).`,
    '',
  ].join('\r\n');
  return { eml: Buffer.from(eml), messageId };
}

export interface ProductionFixture {
  marker: string;
  conversation: ConversationFixture;
  /** One WhatsApp delivery carrying three customers' messages: three conversations, one delivery. */
  shared: { body: string; sha256: string; customers: string[]; texts: string[]; ids: string[]; messages: Array<Record<string, unknown>> };
  telegram: { id: string; text: string };
  sms: { id: string; text: string };
  call: { ids: string[]; wav: Buffer; recordingSid: string; callSid: string };
  /** Every record id captured through the webhooks (the e-mail is imported separately). */
  ids: string[];
}

const USER = { id: 5_550_123, is_bot: false, first_name: 'Sheena', last_name: 'Nelson', username: 'sheena_n' };

async function ok(res: Response, what: string): Promise<any> {
  if (res.status !== 200) throw new Error(`${what} answered ${res.status}: ${await res.text()}`);
  const text = await res.text();
  return text.startsWith('{') ? JSON.parse(text) : text;
}

/**
 * Captures, through the real webhooks: a WhatsApp conversation with an edit, a reply, a reaction and
 * a deletion; one WhatsApp delivery carrying three conversations; a Telegram message; an SMS; a
 * voice call with its recording (fetched from the fake Twilio). Waits until all are searchable and
 * the recording is stored.
 */
export async function captureProduction(v: ProductionVendors, recordings: Map<string, Buffer>): Promise<ProductionFixture> {
  const marker = `m${randomBytes(4).toString('hex')}`;
  const conversation = await captureConversation(v.url, v.whatsapp.instance, v.whatsapp.appSecret, v.tokens.compliance);

  const customers = Array.from({ length: 3 }, () => `1650777${String(randomInt(1000, 9999))}`);
  const texts = customers.map((c, i) => `Shared delivery ${marker} customer ${i} ${c}`);
  const t = Math.floor(Date.now() / 1000) - 120;
  const messages = customers.map((c, i) => ({
    from: c,
    id: `wamid.shared${i}.${randomBytes(6).toString('hex')}`,
    timestamp: String(t + i),
    type: 'text',
    text: { body: texts[i] },
  }));
  const body = JSON.stringify(whatsappDelivery({ contacts: customers.map((c) => ({ profile: { name: `Client ${c}` }, wa_id: c })), messages }));
  const sharedIds = ((await ok(await postWebhook(v.url, v.whatsapp.instance, body, v.whatsapp.appSecret), 'shared delivery')) as { ids: string[] }).ids;

  const tgText = `Telegram order ${marker}: sell 50 ACME`;
  const update = {
    update_id: randomInt(1, 2 ** 31),
    message: { message_id: randomInt(1, 1_000_000), from: USER, chat: { ...USER, type: 'private' }, date: Math.floor(Date.now() / 1000) - 60, text: tgText },
  };
  await ok(
    await fetch(`${v.url}/webhooks/${v.telegram.instance}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': v.telegram.secretToken },
      body: JSON.stringify(update),
    }),
    'telegram',
  );

  const twilio = (instance: string, params: Record<string, string>) =>
    fetch(`${v.url}/webhooks/${instance}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSign(v.twilio.authToken, `${PRODUCTION_PUBLIC_URL}/webhooks/${instance}`, params),
      },
      body: new URLSearchParams(params).toString(),
    });
  const smsSid = `SM${randomBytes(16).toString('hex')}`;
  const smsText = `SMS ${marker}: please confirm the fill`;
  await ok(
    await twilio(v.twilio.smsInstance, {
      SmsMessageSid: smsSid,
      NumMedia: '0',
      SmsSid: smsSid,
      SmsStatus: 'received',
      Body: smsText,
      NumSegments: '1',
      MessageSid: smsSid,
      AccountSid: v.twilio.accountSid,
      From: '+14158675310',
      To: '+15017122661',
      ApiVersion: '2010-04-01',
    }),
    'sms',
  );

  const callSid = `CA${randomBytes(16).toString('hex')}`;
  const recordingSid = `RE${randomBytes(16).toString('hex')}`;
  const wav = randomBytes(64 * 1024 + 3);
  recordings.set(recordingSid, wav);
  const endedAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 30_000);
  await ok(await twilio(v.twilio.voiceInstance, twilioCallStatus(v.twilio.accountSid, callSid, endedAt)), 'call status');
  await ok(
    await twilio(v.twilio.voiceInstance, {
      RecordingSource: 'DialVerb',
      RecordingSid: recordingSid,
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${v.twilio.accountSid}/Recordings/${recordingSid}`,
      RecordingStatus: 'completed',
      RecordingChannels: '2',
      CallSid: callSid,
      AccountSid: v.twilio.accountSid,
      RecordingDuration: '41',
    }),
    'recording',
  );

  const search = (q: Record<string, unknown>, count: number, what: string) =>
    waitFor(
      what,
      async () => {
        const r = await apiSearch(v.url, v.tokens.compliance, { ...q, size: 100 });
        return r.status === 200 && r.body.total >= count ? (r.body.hits as Array<{ id: string; kind: string; attachmentNames: string[] }>) : undefined;
      },
      60_000,
    );
  const tg = await search({ channel: 'telegram', text: marker }, 1, 'the Telegram message');
  const sms = await search({ channel: 'sms', text: marker }, 1, 'the SMS');
  const call = await search({ conversation: `voice:${v.twilio.accountSid}:${callSid}` }, 2, 'the call and its recording');
  await search({ text: `"Shared delivery ${marker}"` }, 3, 'the shared delivery');
  // the recording is fetched by the media worker: stored once its attachment is served
  await waitFor(
    'the recording stored',
    async () => {
      for (const hit of call) {
        const rec = await fetch(`${v.url}/v1/records/${hit.id}`, { headers: { authorization: `Bearer ${v.tokens.compliance}` } });
        const env = ((await rec.json()) as { envelope: { call?: { recording?: { id: string } } } }).envelope;
        const att = env.call?.recording;
        if (!att) continue;
        const r = await fetch(`${v.url}/v1/records/${hit.id}/attachments/${encodeURIComponent(att.id)}`, {
          headers: { authorization: `Bearer ${v.tokens.compliance}` },
        });
        if (r.status !== 200) continue;
        await r.arrayBuffer();
        return true;
      }
      return undefined;
    },
    60_000,
  );
  const ids = [...conversation.all, ...sharedIds, tg[0].id, sms[0].id, ...call.map((h) => h.id)];
  return {
    marker,
    conversation,
    shared: { body, sha256: createHash('sha256').update(body).digest('hex'), customers, texts, ids: sharedIds, messages },
    telegram: { id: tg[0].id, text: tgText },
    sms: { id: sms[0].id, text: smsText },
    call: { ids: call.map((h) => h.id), wav, recordingSid, callSid },
    ids,
  };
}

/** The conversation id WhatsApp records of `customer` get on the test business number. */
export const whatsappConversation = (customer: string) => `whatsapp:${BUSINESS.phoneNumberId}:${customer}`;
