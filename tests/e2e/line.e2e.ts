import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { S3ArchiveStore } from '@custody/archive-store';
import { startCustody, type RunningCustody } from '@custody/runtime';
import { sendBytes, sha256Hex, startFakeVendor, type FakeVendor, testLogger, waitFor } from '@custody/testing';
import { stackConfig, type StackConfig, rawOf } from '@custody/testing/stack';
import { apiSearch } from '@custody/testing/whatsapp';

const BOT_ID = 'Uf3b8c2d1e0a94b7c8d6e5f4a3b2c1d0e';
const USER_ID = 'U4af4980629a1b2c3d4e5f60718293a4b';
/** LINE message ids are decimal strings (18 digits in the documented examples). */
const messageIdOf = () => `${randomInt(1e8, 1e9)}${randomInt(1e8, 1e9)}`;
const ulid = () => `01K${randomBytes(12).toString('hex').toUpperCase().slice(0, 23)}`;

function event(type: string, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    type,
    ...fields,
    webhookEventId: ulid(),
    deliveryContext: { isRedelivery: false },
    timestamp: Date.now() - 5_000,
    source: { type: 'user', userId: USER_ID },
    mode: 'active',
  };
}
const textEvent = (text: string, id: string) =>
  event('message', { replyToken: randomBytes(16).toString('hex'), message: { type: 'text', id, quoteToken: 'q', text } });
const webhook = (events: unknown[]) => JSON.stringify({ destination: BOT_ID, events });
/** An image a user sent: its content is on LINE's servers (contentProvider line), fetched by message id. */
const imageEvent = (id: string) =>
  event('message', { replyToken: randomBytes(16).toString('hex'), message: { type: 'image', id, quoteToken: 'q', contentProvider: { type: 'line' } } });
const fileEvent = (id: string, fileName: string, fileSize: number) =>
  event('message', { replyToken: randomBytes(16).toString('hex'), message: { type: 'file', id, fileName, fileSize } });

/** Content a user sent, as the content API holds it under its message id. */
interface LineContent {
  messageId: string;
  contentType: string;
  bytes: Buffer;
}

/**
 * A stand-in for LINE's content API on 127.0.0.1: GET /v2/bot/message/{messageId}/content behind
 * the channel access token (401 with LINE's error body otherwise), 404 for an unknown message.
 */
function fakeContentApi(channelAccessToken: string, contents: LineContent[]): Promise<FakeVendor> {
  return startFakeVendor((req, res, { url }) => {
    const messageId = /^\/v2\/bot\/message\/([^/]+)\/content$/.exec(url.pathname)?.[1];
    if (req.method !== 'GET' || messageId === undefined) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not found"}');
    if (req.headers.authorization !== `Bearer ${channelAccessToken}`) {
      return void res
        .writeHead(401, { 'content-type': 'application/json' })
        .end('{"message":"Authentication failed. Confirm that the access token in the authorization header is valid."}');
    }
    const content = contents.find((c) => c.messageId === messageId);
    if (!content) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not found"}');
    sendBytes(res, content.bytes, { 'content-type': content.contentType });
  });
}

/** The API's JSON answers, read loosely: the assertions check their shape. */
const json = (res: Response): Promise<any> => res.json();

/** LINE → gateway → Kafka → archiver → MinIO (Object Lock) + OpenSearch → API, on real servers. */
describe('LINE webhooks on the real stack', () => {
  const channelSecret = randomBytes(16).toString('hex');
  const channelAccessToken = `line-token-${randomBytes(12).toString('hex')}`;
  // distinct random content per message
  const image: LineContent = { messageId: messageIdOf(), contentType: 'image/jpeg', bytes: randomBytes(640 * 1024 + 17) };
  const file: LineContent = { messageId: messageIdOf(), contentType: 'application/pdf', bytes: randomBytes(1024 * 1024 + 229) };
  let contentApi: FakeVendor;
  let sc: StackConfig;
  let custody: RunningCustody;
  let s3: S3ArchiveStore;

  beforeAll(async () => {
    contentApi = await fakeContentApi(channelAccessToken, [image, file]);
    sc = stackConfig({ CUSTODY_VENDOR_BASE_URLS: JSON.stringify({ line: contentApi.url }) }, [
      { id: 'acme-line', connector: 'line', tenant: 'acme', config: { channelSecret, channelAccessToken } },
    ]);
    custody = await startCustody(sc.config, testLogger());
    s3 = custody.adapters.store as S3ArchiveStore;
  });
  afterAll(async () => {
    await custody?.stop();
    await contentApi?.close();
  });

  const post = (body: string, secret: string | null = channelSecret) =>
    fetch(`${custody.url}/webhooks/acme-line`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(secret === null ? {} : { 'x-line-signature': createHmac('sha256', secret).update(body).digest('base64') }),
      },
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

  test("LINE's verification request (no events) is answered 200 with nothing archived", async () => {
    const res = await post(webhook([]));
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ accepted: 0, ids: [] });
  });

  test('a signed message is archived under COMPLIANCE lock, searchable and verified; a follow event beside it is not a record', async () => {
    const marker = `line ${sc.name} alpha`;
    const messageId = messageIdOf();
    const body = webhook([event('follow', { replyToken: 'r', follow: { isUnblocked: false } }), textEvent(`Please buy 100 ACME, ${marker}`, messageId)]);
    const res = await post(body);
    expect(res.status).toBe(200);
    const accepted = await json(res);
    expect(accepted.accepted).toBe(1);

    const found = await findByText(marker);
    expect(found.total).toBe(1);
    const hit = found.hits[0];
    expect(hit).toMatchObject({
      id: accepted.ids[0],
      channel: 'line',
      kind: 'message',
      sender: USER_ID,
      direction: 'inbound',
      conversationId: `line:${BOT_ID}:${USER_ID}`,
    });

    const rec = await record(hit.id);
    expect(rec.verification).toMatchObject({ objectSha256: 'match', envelopeIntegrity: 'match', recordLog: expect.stringMatching(/^(match|pending)$/) });
    expect(rec.envelope.source).toMatchObject({ connector: 'line', externalId: messageId, accountId: BOT_ID });
    expect(await rawOf(custody.url, sc.keys.compliance.token, hit.id)).toBe(body);

    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: hit.archive.key, VersionId: hit.archive.versionId }));
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
  });

  test('an unsend is archived as a deletion record; the original stays', async () => {
    const marker = `line ${sc.name} bravo`;
    const messageId = messageIdOf();
    expect((await post(webhook([textEvent(`Cancel my order, ${marker}`, messageId)]))).status).toBe(200);
    const original = (await findByText(marker)).hits[0];
    const res = await post(webhook([event('unsend', { unsend: { messageId } })]));
    expect(res.status).toBe(200);
    const [deletionId] = (await json(res)).ids;

    const deletion = await waitFor('the deletion record', async () => {
      const r = await fetch(`${custody.url}/v1/records/${deletionId}`, { headers: { authorization: `Bearer ${sc.keys.compliance.token}` } });
      return r.status === 200 ? json(r) : undefined;
    });
    expect(deletion.envelope).toMatchObject({ kind: 'deletion', refs: { deletes: messageId } });
    expect(deletion.verification).toMatchObject({ objectSha256: 'match', envelopeIntegrity: 'match', recordLog: expect.stringMatching(/^(match|pending)$/) });
    expect((await record(original.id)).envelope.content.text).toBe(`Cancel my order, ${marker}`);

    // the original, read back, says it was deleted and links the deletion; search filters on it
    const read = await waitFor('the original to link its deletion', async () => {
      const r = await record(original.id);
      return r.revisions.deleted ? r : undefined;
    });
    expect(read.revisions).toEqual({
      edited: false,
      deleted: true,
      edits: [],
      deletions: [{ id: deletionId, sentAt: deletion.envelope.sentAt, href: `/v1/records/${deletionId}` }],
      revises: null,
    });
    expect(deletion.revisions.revises).toEqual({ id: original.id, externalId: messageId, href: `/v1/records/${original.id}` });
    const search = async (q: Record<string, unknown>) =>
      (await apiSearch(custody.url, sc.keys.compliance.token, { text: marker, ...q })).body.hits.map((h: { id: string }) => h.id);
    expect(await waitFor('search to see the mark', async () => ((await search({ deleted: true })).length ? search({ deleted: true }) : undefined))).toEqual([
      original.id,
    ]);
    expect(await search({ deleted: false, kind: 'message' })).toEqual([]);
    expect(await search({ kind: 'message' })).toEqual([original.id]);
  });

  test('an unsend that arrives before its message still marks the message deleted once it is archived', async () => {
    const marker = `line ${sc.name} charlie`;
    const messageId = messageIdOf();
    const res = await post(webhook([event('unsend', { unsend: { messageId } })]));
    const [deletionId] = (await json(res)).ids;
    await waitFor('the deletion record', async () =>
      (await fetch(`${custody.url}/v1/records/${deletionId}`, { headers: { authorization: `Bearer ${sc.keys.compliance.token}` } })).status === 200
        ? true
        : undefined,
    );
    await custody.adapters.index.refresh();
    expect((await post(webhook([textEvent(`Sell it all, ${marker}`, messageId)]))).status).toBe(200);
    const original = (await findByText(marker)).hits[0];
    const read = await waitFor('the original to link its deletion', async () => {
      const r = await record(original.id);
      return r.revisions.deleted ? r : undefined;
    });
    expect(read.revisions.deletions.map((d: { id: string }) => d.id)).toEqual([deletionId]);
  });

  test('an image and a file are fetched from the content API, stored by SHA-256 under COMPLIANCE lock and served back verified', async () => {
    const res = await post(webhook([imageEvent(image.messageId), fileEvent(file.messageId, 'statement.pdf', file.bytes.length)]));
    expect(res.status).toBe(200);
    const accepted = await json(res);
    expect(accepted.accepted).toBe(2);

    for (const [id, content] of [
      [accepted.ids[0], image],
      [accepted.ids[1], file],
    ] as const) {
      const sha = sha256Hex(content.bytes);
      const r = await waitFor(
        `attachment ${content.messageId} of ${id}`,
        async () => {
          const got = await fetch(`${custody.url}/v1/records/${id}/attachments/${content.messageId}`, {
            headers: { authorization: `Bearer ${sc.keys.compliance.token}` },
          });
          return got.status === 200 ? got : undefined;
        },
        60_000,
      );
      const body = Buffer.from(await r.arrayBuffer());
      expect(r.headers.get('x-custody-sha256')).toBe(sha);
      expect(sha256Hex(body)).toBe(sha);
      expect(body.length).toBe(content.bytes.length);

      const blobKey = `tenants/acme/blobs/${sha.slice(0, 2)}/${sha}`;
      const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: blobKey }));
      expect(head.ObjectLockMode).toBe('COMPLIANCE');
      expect(head.ContentLength).toBe(content.bytes.length);

      // the record itself still only references the content
      const rec = await record(id);
      expect(rec.envelope.attachments).toEqual([expect.objectContaining({ id: content.messageId, sourceRef: `line-content:${content.messageId}` })]);
      expect(rec.envelope.attachments[0].storageKey).toBeUndefined();
    }

    // exactly the calls fetchMedia makes, each with the channel access token
    const calls = contentApi.requests.filter((q) => q.url.pathname.startsWith('/v2/bot/message/'));
    expect(new Set(calls.map((q) => `${q.method} ${q.url.pathname}${q.url.search}`))).toEqual(
      new Set([`GET /v2/bot/message/${image.messageId}/content`, `GET /v2/bot/message/${file.messageId}/content`]),
    );
    expect(contentApi.requests.every((q) => q.headers.authorization === `Bearer ${channelAccessToken}`)).toBe(true);
    // the stand-in really checks the token: none or a wrong one is refused as LINE refuses it
    expect((await fetch(`${contentApi.url}/v2/bot/message/${file.messageId}/content`)).status).toBe(401);
    expect(
      (await fetch(`${contentApi.url}/v2/bot/message/${file.messageId}/content`, { headers: { authorization: `Bearer ${channelAccessToken}x` } })).status,
    ).toBe(401);
    // another tenant cannot read it
    const other = await fetch(`${custody.url}/v1/records/${accepted.ids[1]}/attachments/${file.messageId}`, {
      headers: { authorization: `Bearer ${sc.keys.other.token}` },
    });
    expect(other.status).toBe(404);
  });

  test('a missing or wrong signature → 401 and nothing is archived', async () => {
    const marker = `line ${sc.name} forged`;
    const missing = await post(webhook([textEvent(marker, '1')]), null);
    expect(missing.status).toBe(401);
    expect((await json(missing)).error.code).toBe('signature_missing');
    const wrong = await post(webhook([textEvent(marker, '2')]), 'not-the-channel-secret');
    expect(wrong.status).toBe(401);
    expect((await json(wrong)).error.code).toBe('signature_invalid');

    const fence = `line ${sc.name} fence`;
    expect((await post(webhook([textEvent(fence, messageIdOf())]))).status).toBe(200);
    await findByText(fence);
    expect((await apiSearch(custody.url, sc.keys.compliance.token, { text: marker })).body.total).toBe(0);
  });
});
