import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { Kafka, logLevel } from 'kafkajs';
import type { S3ArchiveStore } from '@custody/archive-store';
import { runImport, startCustody, type ImportIO, type ImportOptions, type RunningCustody } from '@custody/runtime';
import { testLogger, waitFor } from '@custody/testing';
import { stackConfig, type StackConfig } from '@custody/testing/stack';
import { apiSearch } from '@custody/testing/whatsapp';

interface QuarantineRecord {
  value: Buffer;
  headers: Record<string, string>;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * `custody import` of a Telegram Desktop export and of an mbox mailbox on real Kafka, MinIO and
 * OpenSearch: records searchable through the API, edit and reply refs kept, the export's files
 * archived as hash-verified COMPLIANCE-locked blobs, the damaged item quarantined with its reason,
 * and a re-run publishing nothing.
 */
describe('custody import of Telegram and e-mail exports on the real stack', () => {
  let sc: StackConfig;
  let custody: RunningCustody;
  let stderr = '';
  const io: ImportIO = { stderr: { write: (s: string) => void (stderr += s) }, logger: testLogger() };

  beforeAll(async () => {
    sc = stackConfig({ CUSTODY_DATA_DIR: mkdtempSync(join(tmpdir(), 'custody-import-tg-email-e2e-')) });
    custody = await startCustody(sc.config, testLogger());
  });
  afterAll(async () => {
    await custody?.stop();
  });

  const token = () => sc.keys.compliance.token;
  const get = (path: string) => fetch(`${custody.url}${path}`, { headers: { authorization: `Bearer ${token()}` } });
  const search = async (query: Record<string, unknown>) => {
    const res = await apiSearch(custody.url, token(), { size: 100, ...query });
    expect(res.status).toBe(200);
    return res.body as {
      total: number;
      hits: Array<{ id: string; kind: string; text?: string; participants: string[]; sender: string; archive: { key: string } }>;
    };
  };
  const searchUntil = (what: string, query: Record<string, unknown>, total: number) =>
    waitFor(
      what,
      async () => {
        const body = await search(query);
        return body.total === total ? body : undefined;
      },
      60_000,
    );
  /** Every record of the hits, read back from the WORM store through the API, by external id. */
  async function envelopesOf(hits: Array<{ id: string }>): Promise<Map<string, any>> {
    const out = new Map<string, any>();
    for (const hit of hits) {
      const res = await get(`/v1/records/${hit.id}`);
      expect(res.status).toBe(200);
      const { envelope, verification } = await res.json();
      expect(verification).toMatchObject({ objectSha256: 'match', envelopeIntegrity: 'match', recordLog: expect.stringMatching(/^(match|pending)$/) });
      out.set(envelope.source.externalId, envelope);
    }
    return out;
  }
  /** Downloads the attachment through the API and checks header, bytes and the blob's S3 lock. */
  async function expectStoredAttachment(recordId: string, attachmentId: string, content: Buffer, mimeType: string): Promise<void> {
    const expected = sha256(content);
    const res = await get(`/v1/records/${recordId}/attachments/${encodeURIComponent(attachmentId)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-custody-sha256')).toBe(expected);
    expect(res.headers.get('content-type')).toBe(mimeType);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBe(content.length);
    expect(sha256(body)).toBe(expected);
    const s3 = custody.adapters.store as S3ArchiveStore;
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `tenants/acme/blobs/${expected.slice(0, 2)}/${expected}` }));
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
  }

  describe('telegram-export', () => {
    const photo = randomBytes(192 * 1024 + 5);
    const ACCOUNT = 'user111111111';
    const CHAT = 222222222;
    const conversation = `telegram:${ACCOUNT}:${CHAT}`;
    const base = 1709546400; // 2024-03-04T10:00:00Z
    let dir: string;
    let options: ImportOptions;
    let bad: Record<string, unknown>;

    beforeAll(() => {
      const m = sc.name;
      dir = mkdtempSync(join(tmpdir(), 'tg-export-e2e-'));
      mkdirSync(join(dir, 'photos'));
      writeFileSync(join(dir, 'photos', 'photo_1@04-03-2024_10-05-00.jpg'), photo);
      const bob = { from: 'Bob Smith', from_id: 'user222222222' };
      const jane = { from: 'Jane Trader', from_id: ACCOUNT };
      const at = (s: number) => ({ date: new Date((base + s) * 1000).toISOString().slice(0, 19), date_unixtime: String(base + s) });
      const plain = (text: string) => ({ text, text_entities: [{ type: 'plain', text }] });
      bad = { id: 'five', type: 'message', ...at(240), ...bob, ...plain(`a damaged message ${m}`) };
      const messages = [
        {
          id: 1,
          type: 'service',
          ...at(0),
          actor: 'Bob Smith',
          actor_id: 'user222222222',
          action: 'phone_call',
          duration_seconds: 42,
          discard_reason: 'hangup',
          text: '',
          text_entities: [],
        },
        {
          id: 2,
          type: 'message',
          ...at(60),
          ...bob,
          text: ['Please buy ', { type: 'bold', text: '500 ACME' }, ' at ', { type: 'link', text: 'https://example.com/quote' }, ` ${m}`],
          text_entities: [
            { type: 'plain', text: 'Please buy ' },
            { type: 'bold', text: '500 ACME' },
            { type: 'plain', text: ' at ' },
            { type: 'link', text: 'https://example.com/quote' },
            { type: 'plain', text: ` ${m}` },
          ],
        },
        { id: 3, type: 'message', ...at(120), ...jane, reply_to_message_id: 2, ...plain(`Will do ${m}`) },
        {
          id: 4,
          type: 'message',
          ...at(180),
          ...jane,
          edited: new Date((base + 400) * 1000).toISOString().slice(0, 19),
          edited_unixtime: String(base + 400),
          ...plain(`Filled at 101.20 ${m}`),
        },
        bad,
        {
          id: 6,
          type: 'message',
          ...at(300),
          ...bob,
          photo: 'photos/photo_1@04-03-2024_10-05-00.jpg',
          width: 1280,
          height: 720,
          ...plain(`Signed ticket ${m}`),
        },
      ];
      writeFileSync(join(dir, 'result.json'), JSON.stringify({ name: 'Bob Smith', type: 'personal_chat', id: CHAT, messages }, null, 1));
      options = { channel: 'telegram-export', file: dir, tenant: 'acme', account: ACCOUNT };
    });

    test('a private chat without --account is refused before any record', async () => {
      await expect(runImport(sc.config, { ...options, account: undefined }, io)).rejects.toMatchObject({ code: 'account_required' });
    });

    test('imports the chat: messages searchable, edit and reply refs, the photo a verified locked blob, the bad message quarantined', async () => {
      stderr = '';
      const summary = await runImport(sc.config, options, io);
      // the call, 4 messages, the edit record; the message with a string id is rejected
      expect(summary).toMatchObject({ accepted: 6, quarantined: 1, publishedNow: 6, quarantinedNow: 1, exitCode: 2 });
      expect(summary.resumedAfter).toBeUndefined();
      expect(stderr).toContain('6 accepted, 1 quarantined');

      const found = await searchUntil('the telegram records to be searchable', { conversation }, 6);
      expect(found.hits.map((h) => h.kind).sort()).toEqual(['call', 'edit', 'message', 'message', 'message', 'message']);
      // every good message by its text, the entity array joined
      for (const text of ['Please buy 500 ACME at', 'Will do', 'Filled at 101.20', 'Signed ticket']) {
        const body = await search({ text: `${text} ${sc.name}`, kind: 'message' });
        expect(body.total).toBe(1);
      }
      expect((await search({ text: `damaged ${sc.name}` })).total).toBe(0);

      const records = await envelopesOf(found.hits);
      const id = (n: number) => `${conversation}:${n}`;
      expect([...records.keys()].sort()).toEqual([id(1), id(2), id(3), id(4), `${id(4)}:edited:${base + 400}`, id(6)].sort());
      expect(records.get(id(1))).toMatchObject({
        kind: 'call',
        sender: { value: 'user222222222' },
        recipients: [{ value: ACCOUNT }],
        direction: 'inbound',
        call: { status: 'hangup', durationSec: 42, from: { value: 'user222222222' }, to: { value: ACCOUNT } },
        content: { format: 'telegram/service/phone_call' },
      });
      const entityText = records.get(id(2));
      expect(entityText).toMatchObject({
        kind: 'message',
        direction: 'inbound',
        sentAt: '2024-03-04T10:01:00.000Z',
        conversation: { id: conversation, type: 'direct', title: 'Bob Smith' },
        content: { text: `Please buy 500 ACME at https://example.com/quote ${sc.name}`, format: 'telegram/text' },
      });
      expect(entityText.content.entities).toContainEqual({ type: 'bold', text: '500 ACME' });
      expect(records.get(id(3))).toMatchObject({ direction: 'outbound', refs: { replyTo: id(2) } });

      const editHit = found.hits.find((h) => h.kind === 'edit')!;
      const editRes = await get(`/v1/records/${editHit.id}`);
      const { envelope: edit } = await editRes.json();
      expect(edit.refs.edits).toBe(id(4));
      expect(records.get(edit.refs.edits)).toMatchObject({
        kind: 'message',
        sentAt: '2024-03-04T10:03:00.000Z',
        content: { text: `Filled at 101.20 ${sc.name}` },
      });
      expect(edit).toMatchObject({ sentAt: '2024-03-04T10:06:40.000Z', content: { text: `Filled at 101.20 ${sc.name}`, format: 'telegram/edited' } });
      expect(edit.refs.originalSentAt).toBe('2024-03-04T10:03:00.000Z');
      expect(records.get(id(4))!.refs).toMatchObject({ editedAt: '2024-03-04T10:06:40.000Z' });

      const withPhoto = records.get(id(6));
      const expected = sha256(photo);
      expect(withPhoto.attachments).toEqual([
        {
          id: `${id(6)}:photo`,
          kind: 'image',
          mimeType: 'image/jpeg',
          fileName: 'photo_1@04-03-2024_10-05-00.jpg',
          storageKey: `tenants/acme/blobs/${expected.slice(0, 2)}/${expected}`,
          sha256: expected,
          size: photo.length,
        },
      ]);
      await expectStoredAttachment(withPhoto.id, `${id(6)}:photo`, photo, 'image/jpeg');

      const [q] = await readQuarantine('telegram-export', 1);
      expect(JSON.parse(q.value.toString('utf8'))).toEqual(bad);
      expect(q.headers).toMatchObject({
        code: 'schema_violation',
        stage: 'import',
        connector: 'telegram-export',
        tenant: 'acme',
        content_type: 'application/json',
      });
      expect(q.headers.reason).toMatch(/^messages\.4 \(byte \d+\): .*id/);
    });

    test('a second run publishes nothing new', async () => {
      stderr = '';
      const summary = await runImport(sc.config, options, io);
      expect(summary).toMatchObject({ accepted: 6, quarantined: 1, publishedNow: 0, quarantinedNow: 0 });
      expect(summary.resumedAfter).toBeGreaterThan(0);
      expect(stderr).toContain('resuming after position');
      await expectNoNewRecords({ conversation }, 6);
    });

    test('--restart re-reads the export and still yields no duplicate record or blob', async () => {
      const summary = await runImport(sc.config, { ...options, restart: true }, io);
      expect(summary).toMatchObject({ accepted: 6, quarantined: 1, publishedNow: 6, quarantinedNow: 1 });
      await expectNoNewRecords({ conversation }, 6, [photo]);
    });
  });

  describe('email (mbox)', () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(48 * 1024 + 3), Buffer.from('\n%%EOF\n')]);
    let file: string;
    let options: ImportOptions;
    let broken: string;
    let firstId: string;
    let replyId: string;

    beforeAll(() => {
      const m = sc.name;
      firstId = `confirm-1.${m}@acme.example`;
      replyId = `reply-2.${m}@client.example`;
      const subject = `Ausführungsbestätigung ${m} – 500 ACME`;
      const base64Lines = pdf
        .toString('base64')
        .match(/.{1,76}/g)!
        .join('\n');
      const first = [
        'From Jane.Trader@ACME.example Mon Mar  4 10:00:00 2024',
        'From: "Trader, Jane" <Jane.Trader@ACME.example>',
        'To: Bob Smith <BOB@Client.Example>, CAROL@client.example',
        `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
        'Date: Mon, 4 Mar 2024 10:00:00 +0000',
        `Message-ID: <${firstId}>`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="=_outer"',
        '',
        'This is a multi-part message in MIME format.',
        '',
        '--=_outer',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 7bit',
        '',
        'Please find the signed confirmation attached.',
        '--=_outer',
        'Content-Type: application/pdf; name="confirmation.pdf"',
        'Content-Disposition: attachment; filename="confirmation.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        base64Lines,
        '--=_outer--',
        '',
      ];
      broken =
        ['To: jane.trader@acme.example', 'Subject: no sender at all', 'Date: Mon, 4 Mar 2024 10:30:00 +0000', '', `This message has no From header ${m}.`].join(
          '\n',
        ) + '\n';
      // the quarantined evidence is the message without its "From " line and the blank line after it
      const brokenEntry = ['From nobody Mon Mar  4 10:30:00 2024', broken];
      const reply = [
        'From bob@client.example Mon Mar  4 11:00:00 2024',
        'From: Bob Smith <Bob@Client.Example>',
        'To: "Trader, Jane" <JANE.TRADER@acme.EXAMPLE>',
        'Subject: Re: confirmation',
        'Date: Mon, 4 Mar 2024 12:00:00 +0100',
        `Message-ID: <${replyId}>`,
        `In-Reply-To: <${firstId}>`,
        `References: <${firstId}>`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        `Gr=C3=BC=C3=9Fe Jane, die =C3=9Cberweisung ${m} ist best=C3=A4tigt. This line is lo=`,
        'ng enough to be soft-wrapped.',
        '',
      ];
      file = join(mkdtempSync(join(tmpdir(), 'mbox-e2e-')), 'mailbox.mbox');
      writeFileSync(file, [...first, ...brokenEntry, ...reply].join('\n'));
      options = { channel: 'email', file, tenant: 'acme', account: 'Jane.Trader@acme.example' };
    });

    test('imports the mailbox: both messages searchable, reply ref, the PDF a verified locked blob, addresses lower-cased, the broken one quarantined', async () => {
      stderr = '';
      const summary = await runImport(sc.config, options, io);
      expect(summary).toMatchObject({ accepted: 2, quarantined: 1, publishedNow: 2, quarantinedNow: 1, exitCode: 2 });
      expect(stderr).toContain('2 accepted, 1 quarantined');

      const thread = await searchUntil('the e-mail records to be searchable', { conversation: `email:${firstId}` }, 2);
      const bySubject = await search({ text: 'Ausführungsbestätigung' });
      expect(bySubject.total).toBe(1);
      const byBody = await search({ text: `Überweisung ${sc.name}` });
      expect(byBody.total).toBe(1);
      expect((await search({ text: 'soft-wrapped' })).total).toBe(1);
      expect((await search({ text: `no From header ${sc.name}` })).total).toBe(0);

      const records = await envelopesOf(thread.hits);
      const first = records.get(firstId);
      const reply = records.get(replyId);
      expect(bySubject.hits[0].id).toBe(first.id);
      expect(byBody.hits[0].id).toBe(reply.id);

      expect(first).toMatchObject({
        kind: 'message',
        channel: 'email',
        direction: 'outbound',
        sentAt: '2024-03-04T10:00:00.000Z',
        conversation: { id: `email:${firstId}`, type: 'group', title: `Ausführungsbestätigung ${sc.name} – 500 ACME` },
        content: { subject: `Ausführungsbestätigung ${sc.name} – 500 ACME`, text: `Please find the signed confirmation attached.`, format: 'email/plain' },
        sender: { kind: 'email', value: 'jane.trader@acme.example', displayName: 'Trader, Jane' },
        recipients: [
          { kind: 'email', value: 'bob@client.example', displayName: 'Bob Smith' },
          { kind: 'email', value: 'carol@client.example' },
        ],
      });
      expect(reply).toMatchObject({
        direction: 'inbound',
        sentAt: '2024-03-04T11:00:00.000Z',
        sender: { kind: 'email', value: 'bob@client.example', displayName: 'Bob Smith' },
        recipients: [{ kind: 'email', value: 'jane.trader@acme.example', displayName: 'Trader, Jane' }],
        content: {
          subject: 'Re: confirmation',
          text: `Grüße Jane, die Überweisung ${sc.name} ist bestätigt. This line is long enough to be soft-wrapped.`,
          format: 'email/plain',
        },
      });
      expect(reply.refs.replyTo).toBe(first.source.externalId);
      expect(reply.refs.replyTo).toBe(firstId);
      for (const hit of thread.hits) {
        expect(hit.sender).toBe(hit.sender.toLowerCase());
        for (const p of hit.participants) expect(p).toBe(p.toLowerCase());
      }
      expect(new Set(thread.hits.flatMap((h) => h.participants))).toEqual(new Set(['jane.trader@acme.example', 'bob@client.example', 'carol@client.example']));
      expect((await search({ participant: 'carol@client.example' })).total).toBe(1);

      const expected = sha256(pdf);
      expect(first.attachments).toEqual([
        {
          id: `${firstId}:0`,
          kind: 'document',
          mimeType: 'application/pdf',
          fileName: 'confirmation.pdf',
          storageKey: `tenants/acme/blobs/${expected.slice(0, 2)}/${expected}`,
          sha256: expected,
          size: pdf.length,
        },
      ]);
      await expectStoredAttachment(first.id, `${firstId}:0`, pdf, 'application/pdf');

      const [q] = await readQuarantine('email', 1);
      expect(q.value.toString('utf8')).toBe(broken);
      expect(q.headers).toMatchObject({ code: 'missing_from', stage: 'import', connector: 'email', tenant: 'acme', content_type: 'message/rfc822' });
      expect(q.headers.reason).toMatch(/^mbox message at byte \d+: .*no valid address in From/);
    });

    test('a second run publishes nothing new', async () => {
      stderr = '';
      const summary = await runImport(sc.config, options, io);
      expect(summary).toMatchObject({ accepted: 2, quarantined: 1, publishedNow: 0, quarantinedNow: 0 });
      expect(summary.resumedAfter).toBeGreaterThan(0);
      await expectNoNewRecords({ conversation: `email:${firstId}` }, 2);
    });

    test('--restart re-reads the mailbox and still yields no duplicate record or blob', async () => {
      const summary = await runImport(sc.config, { ...options, restart: true }, io);
      expect(summary).toMatchObject({ accepted: 2, quarantined: 1, publishedNow: 2, quarantinedNow: 1 });
      await expectNoNewRecords({ conversation: `email:${firstId}` }, 2, [pdf]);
    });
  });

  /**
   * Nothing waiting for the archiver, the index still holds exactly the records of the first run,
   * and each record and blob has a single object version in the WORM bucket.
   */
  async function expectNoNewRecords(query: Record<string, unknown>, total: number, blobs: Buffer[] = []): Promise<void> {
    await waitFor(
      'archiver lag 0',
      async () => ((await custody.adapters.bus.lag(sc.config.CUSTODY_ARCHIVER_GROUP, [custody.topics.customerData])) === 0 ? true : undefined),
      60_000,
    );
    await custody.adapters.index.refresh();
    const body = await search(query);
    expect(body.total).toBe(total);
    const s3 = custody.adapters.store as S3ArchiveStore;
    const keys = [...body.hits.map((h) => h.archive.key), ...blobs.map((b) => `tenants/acme/blobs/${sha256(b).slice(0, 2)}/${sha256(b)}`)];
    for (const key of keys) {
      const versions = await s3.client.send(new ListObjectVersionsCommand({ Bucket: s3.bucket, Prefix: key }));
      expect(versions.Versions).toHaveLength(1);
    }
  }

  /** The quarantine topic from its start, until `count` entries of this connector arrived. */
  async function readQuarantine(connector: string, count: number): Promise<QuarantineRecord[]> {
    const kafka = new Kafka({ brokers: sc.config.KAFKA_BROKERS!, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `reader-${sc.name}-${randomBytes(4).toString('hex')}` });
    await consumer.connect();
    await consumer.subscribe({ topic: custody.topics.quarantine, fromBeginning: true });
    const out: QuarantineRecord[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        if (headers.connector === connector) out.push({ value: message.value!, headers });
      },
    });
    try {
      await waitFor(`${count} ${connector} entries on ${custody.topics.quarantine}`, async () => (out.length >= count ? true : undefined), 30_000);
    } finally {
      await consumer.disconnect();
    }
    return out;
  }
});
