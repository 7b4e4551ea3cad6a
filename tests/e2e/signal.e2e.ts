import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { S3ArchiveStore } from '@custody/archive-store';
import { startCustody, type RunningCustody } from '@custody/runtime';
import { testLogger, waitFor, sha256Hex } from '@custody/testing';
import { stackConfig, type StackConfig } from '@custody/testing/stack';
import { apiSearch } from '@custody/testing/whatsapp';

const ACCOUNT = '+14155550100';
const ALICE = '+447700900123';

/** A signal-cli JSON-RPC `receive` notification for a data message from Alice, as the daemon emits it. */
function notification(dataMessage: Record<string, unknown>, timestamp: number): Record<string, unknown> {
  return {
    jsonrpc: '2.0',
    method: 'receive',
    params: {
      envelope: {
        source: ALICE,
        sourceNumber: ALICE,
        sourceUuid: randomUUID(),
        sourceName: 'Alice Smith',
        sourceDevice: 1,
        timestamp,
        dataMessage: { timestamp, expiresInSeconds: 0, viewOnce: false, ...dataMessage },
      },
      account: ACCOUNT,
    },
  };
}

/** signal-cli notifications → gateway → Kafka → archiver → MinIO (Object Lock) + OpenSearch → API, on real servers. */
describe('Signal (signal-cli) notifications on the real stack', () => {
  const sharedSecret = `signal-${randomBytes(16).toString('hex')}`;
  let attachmentsDir: string;
  let sc: StackConfig;
  let custody: RunningCustody;
  let s3: S3ArchiveStore;

  beforeAll(async () => {
    // signal-cli has no media API: it downloads every attachment itself into its attachments directory
    attachmentsDir = await mkdtemp(join(tmpdir(), 'custody-signal-attachments-'));
    // its own media consumer group: the default one is shared by every Custody running against this Kafka
    // signal-cli's attachments directory is the operator's to name (CUSTODY_MEDIA_DIRS), never a tenant's
    sc = stackConfig({ CUSTODY_MEDIA_DIRS: JSON.stringify({ 'acme-signal': attachmentsDir }) }, [
      { id: 'acme-signal', connector: 'signal', tenant: 'acme', config: { account: ACCOUNT, sharedSecret } },
    ]);
    custody = await startCustody(sc.config, testLogger());
    s3 = custody.adapters.store as S3ArchiveStore;
  });
  afterAll(async () => {
    await custody?.stop();
    if (attachmentsDir) await rm(attachmentsDir, { recursive: true, force: true });
  });

  const post = (body: unknown, authorization: string | null = `Bearer ${sharedSecret}`) =>
    fetch(`${custody.url}/webhooks/acme-signal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization === null ? {} : { authorization }) },
      body: JSON.stringify(body),
    });

  async function findByText(text: string) {
    return waitFor(`"${text}" to be searchable`, async () => {
      const r = await apiSearch(custody.url, sc.keys.compliance.token, { text });
      return r.status === 200 && r.body.total > 0 ? r.body : undefined;
    });
  }

  test('an authenticated message is archived under COMPLIANCE lock, searchable and verifiable; its reaction points at it', async () => {
    const marker = `signal ${sc.name} alpha`;
    const sentAt = Date.now() - 2_000;
    const res = await post([
      notification({ message: `Sell 200 ACME, ${marker}` }, sentAt),
      notification({ message: null, reaction: { emoji: '👍', targetAuthorNumber: ALICE, targetSentTimestamp: sentAt, isRemove: false } }, sentAt + 1_000),
    ]);
    expect(res.status).toBe(200);
    const accepted = await res.json();
    expect(accepted.accepted).toBe(2);

    const found = await findByText(marker);
    expect(found.total).toBe(1);
    const hit = found.hits[0];
    expect(hit.id).toBe(accepted.ids[0]);
    expect(hit.sender).toBe(ALICE);

    const rec = await fetch(`${custody.url}/v1/records/${hit.id}`, { headers: { authorization: `Bearer ${sc.keys.compliance.token}` } });
    expect(rec.status).toBe(200);
    const record = await rec.json();
    expect(record.verification).toMatchObject({ objectSha256: 'match', envelopeIntegrity: 'match', recordLog: expect.stringMatching(/^(match|pending)$/) });
    expect(record.envelope).toMatchObject({
      kind: 'message',
      channel: 'signal',
      direction: 'inbound',
      source: { connector: 'signal', externalId: `${ALICE}:${sentAt}`, accountId: ACCOUNT },
      conversation: { id: `signal:${ACCOUNT}:${ALICE}`, type: 'direct' },
      sentAt: new Date(sentAt).toISOString(),
    });

    const reaction = await waitFor('the reaction to be readable', async () => {
      const r = await fetch(`${custody.url}/v1/records/${accepted.ids[1]}`, { headers: { authorization: `Bearer ${sc.keys.compliance.token}` } });
      return r.status === 200 ? r.json() : undefined;
    });
    expect(reaction.envelope).toMatchObject({ kind: 'reaction', refs: { reactsTo: record.envelope.source.externalId, emoji: '👍' } });

    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: hit.archive.key, VersionId: hit.archive.versionId }));
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
  });

  test('a missing or wrong bearer token is refused with 401 and nothing is archived', async () => {
    const marker = `signal ${sc.name} forged`;
    const body = notification({ message: marker }, Date.now() - 1_000);
    const missing = await post(body, null);
    expect(missing.status).toBe(401);
    expect((await missing.json()).error.code).toBe('auth_missing');
    const wrong = await post(body, `Bearer ${sharedSecret}x`);
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error.code).toBe('auth_invalid');

    const fence = `signal ${sc.name} fence`;
    expect((await post(notification({ message: fence }, Date.now() - 500))).status).toBe(200);
    await findByText(fence);
    expect((await apiSearch(custody.url, sc.keys.compliance.token, { text: marker })).body.total).toBe(0);
  });

  test('an attachment signal-cli stored in attachmentsDir is read, stored by SHA-256 under COMPLIANCE lock, and served back verified', async () => {
    const content = randomBytes(384 * 1024 + 11);
    const sha = sha256Hex(content);
    // signal-cli names a downloaded attachment by a random id plus the extension of its content type
    const attachmentId = `${randomBytes(15).toString('base64url')}.pdf`;
    await writeFile(join(attachmentsDir, attachmentId), content);
    const sentAt = Date.now() - 1_500;
    const res = await post(
      notification(
        {
          message: `signal ${sc.name} term sheet`,
          attachments: [
            {
              contentType: 'application/pdf',
              filename: 'term-sheet.pdf',
              id: attachmentId,
              size: content.length,
              width: null,
              height: null,
              caption: null,
              uploadTimestamp: sentAt,
            },
          ],
        },
        sentAt,
      ),
    );
    expect(res.status).toBe(200);
    const id = (await res.json()).ids[0] as string;

    const download = await waitFor(
      `attachment ${attachmentId} of ${id}`,
      async () => {
        const r = await fetch(`${custody.url}/v1/records/${id}/attachments/${encodeURIComponent(attachmentId)}`, {
          headers: { authorization: `Bearer ${sc.keys.compliance.token}` },
        });
        return r.status === 200 ? r : undefined;
      },
      60_000,
    );
    const body = Buffer.from(await download.arrayBuffer());
    expect(download.headers.get('x-custody-sha256')).toBe(sha);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(sha256Hex(body)).toBe(sha);
    expect(body.length).toBe(content.length);

    const blobKey = `tenants/acme/blobs/${sha.slice(0, 2)}/${sha}`;
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: blobKey }));
    expect(head.ObjectLockMode).toBe('COMPLIANCE');

    const rec = await (await fetch(`${custody.url}/v1/records/${id}`, { headers: { authorization: `Bearer ${sc.keys.compliance.token}` } })).json();
    expect(rec.envelope.attachments).toEqual([
      {
        id: attachmentId,
        kind: 'document',
        mimeType: 'application/pdf',
        fileName: 'term-sheet.pdf',
        size: content.length,
        sourceRef: `signal-attachment:${attachmentId}`,
      },
    ]);
    const other = await fetch(`${custody.url}/v1/records/${id}/attachments/${encodeURIComponent(attachmentId)}`, {
      headers: { authorization: `Bearer ${sc.keys.other.token}` },
    });
    expect(other.status).toBe(404);
  });
});
