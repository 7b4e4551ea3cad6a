import { randomBytes, randomInt } from 'node:crypto';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { S3ArchiveStore } from '@custody/archive-store';
import { startCustody, type RunningCustody } from '@custody/runtime';
import { sendBytes, sha256Hex, startFakeVendor, type FakeVendor, testLogger, waitFor } from '@custody/testing';
import { stackConfig, type StackConfig, rawOf } from '@custody/testing/stack';
import { apiSearch } from '@custody/testing/whatsapp';

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

/** A private message carrying a photo (every size Telegram made of it) or a document, with a caption. */
function mediaUpdate(messageId: number, caption: string, media: Record<string, unknown>): string {
  const message = {
    message_id: messageId,
    from: USER,
    chat: { id: USER.id, first_name: 'Sheena', last_name: 'Nelson', username: 'sheena_n', type: 'private' },
    date: Math.floor(Date.now() / 1000) - 5,
    caption,
    ...media,
  };
  return JSON.stringify({ update_id: randomInt(1, 2 ** 31), message });
}

/** A file as the Bot API knows it: the ids a message carries, where getFile says it lives, and its bytes. */
interface TgFile {
  fileId: string;
  uniqueId: string;
  filePath: string;
  contentType: string;
  bytes: Buffer;
}
const tgFile = (prefix: string, filePath: string, contentType: string, bytes: Buffer): TgFile => ({
  fileId: `${prefix}ACAgIAAxkBAAI${randomBytes(24).toString('base64url')}`,
  uniqueId: `AQAD${randomBytes(9).toString('base64url')}`,
  filePath,
  contentType,
  bytes,
});

/**
 * A stand-in for the Bot API on 127.0.0.1: GET /bot<token>/getFile?file_id=… answers the file_path,
 * then GET /file/bot<token>/<file_path> serves the bytes. The token in the path is the only auth:
 * a wrong one is answered 401 as Telegram does.
 */
function fakeBotApi(botToken: string, files: TgFile[]): Promise<FakeVendor> {
  return startFakeVendor((req, res, { url }) => {
    const getFile = /^\/bot([^/]+)\/getFile$/.exec(url.pathname);
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    const token = getFile?.[1] ?? download?.[1];
    if (req.method !== 'GET' || token === undefined)
      return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"ok":false,"error_code":404,"description":"Not Found"}');
    if (decodeURIComponent(token) !== botToken)
      return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"ok":false,"error_code":401,"description":"Unauthorized"}');
    if (getFile) {
      const file = files.find((f) => f.fileId === url.searchParams.get('file_id'));
      if (!file)
        return void res
          .writeHead(400, { 'content-type': 'application/json' })
          .end('{"ok":false,"error_code":400,"description":"Bad Request: invalid file_id"}');
      const result = { file_id: file.fileId, file_unique_id: file.uniqueId, file_size: file.bytes.length, file_path: file.filePath };
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, result }));
    }
    const file = files.find((f) => f.filePath === decodeURIComponent(download![2]));
    if (!file) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"ok":false,"error_code":404,"description":"Not Found"}');
    sendBytes(res, file.bytes, { 'content-type': file.contentType });
  });
}

/** The API's JSON answers, read loosely: the assertions check their shape. */
const json = (res: Response): Promise<any> => res.json();

/** Telegram → gateway → Kafka → archiver → MinIO (Object Lock) + OpenSearch → API, on real servers. */
describe('Telegram bot webhooks on the real stack', () => {
  const botToken = `${BOT_ID}:${randomBytes(24).toString('base64url')}`;
  const secretToken = `tg-secret-${randomBytes(12).toString('hex')}`;
  // distinct random content per file; the thumbnail must never be the one archived
  const thumb = tgFile('AgAC', 'photos/file_0.jpg', 'image/jpeg', randomBytes(4 * 1024 + 7));
  const photo = tgFile('AgAC', 'photos/file_1.jpg', 'image/jpeg', randomBytes(512 * 1024 + 31));
  const doc = tgFile('BQAC', 'documents/file_2.pdf', 'application/pdf', randomBytes(1024 * 1024 + 313));
  let botApi: FakeVendor;
  let sc: StackConfig;
  let custody: RunningCustody;
  let s3: S3ArchiveStore;

  beforeAll(async () => {
    botApi = await fakeBotApi(botToken, [thumb, photo, doc]);
    sc = stackConfig({ CUSTODY_VENDOR_BASE_URLS: JSON.stringify({ 'telegram-bot': botApi.url }) }, [
      { id: 'acme-tg', connector: 'telegram-bot', tenant: 'acme', config: { botToken, secretToken } },
    ]);
    custody = await startCustody(sc.config, testLogger());
    s3 = custody.adapters.store as S3ArchiveStore;
  });
  afterAll(async () => {
    await custody?.stop();
    await botApi?.close();
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
    expect(hit).toMatchObject({
      id: accepted.ids[0],
      channel: 'telegram',
      kind: 'message',
      sender: `user${USER.id}`,
      direction: 'inbound',
      conversationId: `telegram:${BOT_ID}:${USER.id}`,
    });
    expect(hit.archive.key).toMatch(/^tenants\/acme\/records\//);

    const rec = await record(hit.id);
    expect(rec.verification).toMatchObject({ objectSha256: 'match', envelopeIntegrity: 'match', recordLog: expect.stringMatching(/^(match|pending)$/) });
    expect(rec.envelope.source).toMatchObject({ connector: 'telegram-bot', externalId: `${BOT_ID}:${USER.id}:${messageId}`, accountId: BOT_ID });
    expect(await rawOf(custody.url, sc.keys.compliance.token, hit.id)).toBe(body);

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
    expect(edit.envelope.refs).toEqual({ edits: original.envelope.source.externalId, originalSentAt: expect.any(String) });
    // update() dates each message "5 s ago" when it builds it: the two may straddle a second boundary
    expect(Math.abs(Date.parse(edit.envelope.refs.originalSentAt) - Date.parse(original.envelope.sentAt))).toBeLessThanOrEqual(1000);
    expect(edit.verification).toMatchObject({ objectSha256: 'match', envelopeIntegrity: 'match', recordLog: expect.stringMatching(/^(match|pending)$/) });
  });

  test('a photo and a document are fetched through getFile, stored by SHA-256 under COMPLIANCE lock and served back verified', async () => {
    const marker = `telegram ${sc.name} media`;
    const photoRes = await post(
      mediaUpdate(randomInt(1, 1_000_000), `chart ${marker}`, {
        photo: [
          { file_id: thumb.fileId, file_unique_id: thumb.uniqueId, file_size: thumb.bytes.length, width: 90, height: 68 },
          { file_id: photo.fileId, file_unique_id: photo.uniqueId, file_size: photo.bytes.length, width: 1280, height: 960 },
        ],
      }),
      secretToken,
    );
    expect(photoRes.status).toBe(200);
    const docRes = await post(
      mediaUpdate(randomInt(1, 1_000_000), `statement ${marker}`, {
        document: { file_id: doc.fileId, file_unique_id: doc.uniqueId, file_name: 'statement.pdf', mime_type: 'application/pdf', file_size: doc.bytes.length },
      }),
      secretToken,
    );
    expect(docRes.status).toBe(200);
    const [photoId] = (await json(photoRes)).ids;
    const [docId] = (await json(docRes)).ids;

    for (const [id, file, mimeType] of [
      [photoId, photo, undefined],
      [docId, doc, 'application/pdf'],
    ] as const) {
      const sha = sha256Hex(file.bytes);
      const res = await waitFor(
        `attachment ${file.uniqueId} of ${id}`,
        async () => {
          const r = await fetch(`${custody.url}/v1/records/${id}/attachments/${file.uniqueId}`, {
            headers: { authorization: `Bearer ${sc.keys.compliance.token}` },
          });
          return r.status === 200 ? r : undefined;
        },
        60_000,
      );
      const body = Buffer.from(await res.arrayBuffer());
      expect(res.headers.get('x-custody-sha256')).toBe(sha);
      expect(sha256Hex(body)).toBe(sha);
      expect(body.length).toBe(file.bytes.length);
      if (mimeType) expect(res.headers.get('content-type')).toBe(mimeType);

      const blobKey = `tenants/acme/blobs/${sha.slice(0, 2)}/${sha}`;
      const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: blobKey }));
      expect(head.ObjectLockMode).toBe('COMPLIANCE');
      expect(head.ContentLength).toBe(file.bytes.length);

      // the record itself still only references the file
      const rec = await record(id);
      expect(rec.envelope.attachments).toEqual([expect.objectContaining({ id: file.uniqueId, sourceRef: `telegram-file:${file.fileId}` })]);
      expect(rec.envelope.attachments[0].storageKey).toBeUndefined();
    }

    // exactly the Bot API calls fetchMedia makes: getFile, then the file; never the thumbnail, never unauthorized
    const calls = new Set(botApi.requests.map((r) => `${r.method} ${decodeURIComponent(r.url.pathname)}${r.url.search}`));
    expect([...calls].sort()).toEqual(
      [
        `GET /bot${botToken}/getFile?file_id=${photo.fileId}`,
        `GET /bot${botToken}/getFile?file_id=${doc.fileId}`,
        `GET /file/bot${botToken}/${photo.filePath}`,
        `GET /file/bot${botToken}/${doc.filePath}`,
      ].sort(),
    );
    // the stand-in really checks the token: a wrong one is refused as Telegram refuses it
    expect((await fetch(`${botApi.url}/bot${BOT_ID}:${randomBytes(24).toString('base64url')}/getFile?file_id=${doc.fileId}`)).status).toBe(401);
    expect((await fetch(`${botApi.url}/file/bot${BOT_ID}:${randomBytes(24).toString('base64url')}/${doc.filePath}`)).status).toBe(401);
    // another tenant cannot read it
    const other = await fetch(`${custody.url}/v1/records/${docId}/attachments/${doc.uniqueId}`, {
      headers: { authorization: `Bearer ${sc.keys.other.token}` },
    });
    expect(other.status).toBe(404);
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
