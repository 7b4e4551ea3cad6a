import { randomBytes, randomInt } from 'node:crypto';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { S3ArchiveStore } from '@custody/archive-store';
import { startCustody, type RunningCustody } from '@custody/runtime';
import { stackConfig, testLogger, waitFor, type StackConfig } from '../support/stack';
import { apiSearch } from '../support/whatsapp';

const BOT_ID = '7012345678';
const USER = { id: 5123456789, is_bot: false, first_name: 'Sheena', last_name: 'Nelson', username: 'sheena_n' };

/** A Telegram Bot API update as the webhook delivers it: a private message to the bot, or its edit. */
function update(text: string, messageId: number, edit?: { at: Date }): string {
  const message = {
    message_id: messageId,
    from: USER,
    chat: { id: USER.id, first_name: 'Sheena', last_name: 'Nelson', username: 'sheena_n', type: 'private' },
    date: Math.floor(Date.now() / 1000) - 5,
    ...(edit ? { edit_date: Math.floor(edit.at.getTime() / 1000) } : {}),
    text,
  };
  return JSON.stringify({ update_id: randomInt(1, 2 ** 31), [edit ? 'edited_message' : 'message']: message });
}

/** The API's JSON answers, read loosely: the assertions check their shape. */
const json = (res: Response): Promise<any> => res.json(); // eslint-disable-line @typescript-eslint/no-explicit-any

/** Telegram → gateway → Kafka → archiver → MinIO (Object Lock) + OpenSearch → API, on real servers. */
describe('Telegram bot webhooks on the real stack', () => {
  const botToken = `${BOT_ID}:${randomBytes(24).toString('base64url')}`;
  const secretToken = `tg-secret-${randomBytes(12).toString('hex')}`;
  let sc: StackConfig;
  let custody: RunningCustody;
  let s3: S3ArchiveStore;

  beforeAll(async () => {
    sc = stackConfig({}, [{ id: 'acme-tg', connector: 'telegram-bot', tenant: 'acme', config: { botToken, secretToken } }]);
    custody = await startCustody(sc.config, testLogger());
    s3 = custody.adapters.store as S3ArchiveStore;
  });
  afterAll(async () => {
    await custody?.stop();
  });

  const post = (body: string, token?: string) =>
    fetch(`${custody.url}/webhooks/acme-tg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { 'x-telegram-bot-api-secret-token': token }) },
      body,
    });

  async function findByText(text: string) {
    return waitFor(`"${text}" to be searchable`, async () => {
      const r = await apiSearch(custody.url, sc.keys.compliance.token, { text });
      return r.status === 200 && r.body.total > 0 ? r.body : undefined;
    });
  }

  async function record(id: string) {
    const res = await fetch(`${custody.url}/v1/records/${id}`, { headers: { authorization: `Bearer ${sc.keys.compliance.token}` } });
    expect(res.status).toBe(200);
    return json(res);
  }

  test('a message with the right secret token is archived under COMPLIANCE lock, searchable and verified', async () => {
    const marker = `telegram ${sc.name} alpha`;
    const messageId = randomInt(1, 1_000_000);
    const body = update(`Please buy 100 ACME, ${marker}`, messageId);
    const res = await post(body, secretToken);
    expect(res.status).toBe(200);
    const accepted = await json(res);
    expect(accepted.accepted).toBe(1);

    const found = await findByText(marker);
    expect(found.total).toBe(1);
    const hit = found.hits[0];
    expect(hit).toMatchObject({ id: accepted.ids[0], channel: 'telegram', kind: 'message', sender: '@sheena_n', direction: 'inbound', conversationId: `telegram:${BOT_ID}:${USER.id}` });
    expect(hit.archive.key).toMatch(/^tenants\/acme\/records\//);

    const rec = await record(hit.id);
    expect(rec.verification).toEqual({ objectSha256: 'match', envelopeIntegrity: 'match' });
    expect(rec.envelope.source).toMatchObject({ connector: 'telegram-bot', externalId: `${BOT_ID}:${USER.id}:${messageId}`, accountId: BOT_ID });
    expect(rec.envelope.source.raw.body).toBe(body);

    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: hit.archive.key, VersionId: hit.archive.versionId }));
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
  });

  test('an edit is archived as its own record pointing at the original', async () => {
    const marker = `telegram ${sc.name} bravo`;
    const messageId = randomInt(1, 1_000_000);
    expect((await post(update(`Sell 50 ACME, ${marker}`, messageId), secretToken)).status).toBe(200);
    expect((await post(update(`Sell 40 ACME, ${marker} edited`, messageId, { at: new Date() }), secretToken)).status).toBe(200);

    const found = await waitFor('original and edit', async () => {
      const r = await apiSearch(custody.url, sc.keys.compliance.token, { text: marker });
      return r.body.total === 2 ? r.body : undefined;
    });
    const byKind = Object.fromEntries(found.hits.map((h: { kind: string; id: string }) => [h.kind, h]));
    const original = await record(byKind.message.id);
    const edit = await record(byKind.edit.id);
    expect(original.envelope.content.text).toBe(`Sell 50 ACME, ${marker}`);
    expect(edit.envelope.content.text).toBe(`Sell 40 ACME, ${marker} edited`);
    expect(edit.envelope.refs).toEqual({ edits: original.envelope.source.externalId });
    expect(edit.verification).toEqual({ objectSha256: 'match', envelopeIntegrity: 'match' });
  });

  test('a missing or wrong secret token → 401 and nothing is archived', async () => {
    const marker = `telegram ${sc.name} forged`;
    const missing = await post(update(marker, 1));
    expect(missing.status).toBe(401);
    expect((await json(missing)).error.code).toBe('signature_missing');
    const wrong = await post(update(marker, 2), `${secretToken}x`);
    expect(wrong.status).toBe(401);
    expect((await json(wrong)).error.code).toBe('signature_invalid');

    // a later valid message proves the archiver went past the point where forged ones would be
    const fence = `telegram ${sc.name} fence`;
    expect((await post(update(fence, randomInt(1, 1_000_000)), secretToken)).status).toBe(200);
    await findByText(fence);
    expect((await apiSearch(custody.url, sc.keys.compliance.token, { text: marker })).body.total).toBe(0);
  });
});
