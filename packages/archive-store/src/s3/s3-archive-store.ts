import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectRetentionCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectRetentionCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { DependencyUnavailableError, IntegrityError, LockedError, NotFoundError, errorMessage } from '@custody/errors';
import type { ArchiveStore, ObjectInfo, ObjectVersionRef, PutRequest, PutResult } from '../port';

export interface S3ArchiveStoreOptions {
  bucket: string;
  endpoint?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle?: boolean;
}

const hexToB64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
const b64ToHex = (b64: string) => Buffer.from(b64, 'base64').toString('hex');

export class S3ArchiveStore implements ArchiveStore {
  readonly client: S3Client;
  readonly bucket: string;

  constructor(opts: S3ArchiveStoreOptions) {
    this.bucket = opts.bucket;
    this.client = new S3Client({
      endpoint: opts.endpoint,
      region: opts.region ?? 'us-east-1',
      forcePathStyle: opts.forcePathStyle ?? Boolean(opts.endpoint),
      credentials: opts.accessKeyId && opts.secretAccessKey ? { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey } : undefined,
      // We send our own SHA-256; the SDK's default CRC32 would add a second, unrequested checksum.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    });
  }

  async ensureReady(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      if (statusOf(err) !== 404) throw mapError(err, `head bucket ${this.bucket}`);
      try {
        await this.client.send(new CreateBucketCommand({ Bucket: this.bucket, ObjectLockEnabledForBucket: true }));
      } catch (createErr) {
        if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(nameOf(createErr))) throw mapError(createErr, `create bucket ${this.bucket}`);
      }
    }
  }

  /** HEAD of the bucket with a short deadline: readiness must answer in a moment, not after the SDK's retries. */
  async probe(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), { abortSignal: AbortSignal.timeout(2_000) });
    } catch (err) {
      throw new DependencyUnavailableError('s3', `probe bucket ${this.bucket}: ${errorMessage(err)}`, err);
    }
  }

  async put(req: PutRequest): Promise<PutResult> {
    const sha256 = Buffer.isBuffer(req.body) ? createHash('sha256').update(req.body).digest('hex') : req.body.sha256;
    try {
      const out = await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: req.key,
          // the server checks the SHA-256 we send against what it received, so a file changed under us fails
          Body: Buffer.isBuffer(req.body) ? req.body : createReadStream(req.body.path),
          ContentType: req.contentType,
          ContentLength: Buffer.isBuffer(req.body) ? req.body.length : req.body.size,
          ChecksumSHA256: hexToB64(sha256),
          ObjectLockMode: 'COMPLIANCE',
          ObjectLockRetainUntilDate: req.retainUntil,
          ObjectLockLegalHoldStatus: req.legalHold ? 'ON' : 'OFF',
          IfNoneMatch: '*',
          Metadata: { ...req.metadata, 'custody-sha256': sha256 },
        }),
      );
      if (!out.VersionId) throw new IntegrityError(`bucket ${this.bucket} returned no version id: versioning/Object Lock is not enabled`);
      return { key: req.key, versionId: out.VersionId, sha256, created: true };
    } catch (err) {
      // 412: the key exists (If-None-Match: *). Report the version that is already there.
      if (statusOf(err) === 412 || nameOf(err) === 'PreconditionFailed') {
        const info = await this.head(req.key);
        if (!info) throw new DependencyUnavailableError('s3', `put ${req.key} refused as existing, but head found nothing`, err);
        return { key: req.key, versionId: info.versionId, sha256: info.sha256, created: false };
      }
      throw mapError(err, `put ${req.key}`);
    }
  }

  async head(key: string, versionId?: string): Promise<ObjectInfo | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId, ChecksumMode: 'ENABLED' }));
      return {
        key,
        versionId: out.VersionId ?? 'null',
        sha256: out.Metadata?.['custody-sha256'] ?? (out.ChecksumSHA256 ? b64ToHex(out.ChecksumSHA256.split('-')[0]) : ''),
        size: out.ContentLength ?? 0,
        lastModified: out.LastModified ?? new Date(0),
        retentionMode: out.ObjectLockMode,
        retainUntil: out.ObjectLockRetainUntilDate,
        legalHold: out.ObjectLockLegalHoldStatus === 'ON',
      };
    } catch (err) {
      if (statusOf(err) === 404 || statusOf(err) === 405) return null;
      // a HEAD answer has no body to say why; for a key we built, a 400 is a version id the store
      // cannot have issued (MinIO and AWS refuse malformed ones so): no such version, never an outage
      if (statusOf(err) === 400 && versionId !== undefined) return null;
      throw mapError(err, `head ${key}`);
    }
  }

  async get(key: string, versionId?: string, range?: { start: number; end: number }): Promise<{ info: ObjectInfo; body: Buffer }> {
    const info = await this.head(key, versionId);
    if (!info) throw new NotFoundError(`no archived object ${key}${versionId ? ` version ${versionId}` : ''}`);
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, VersionId: info.versionId, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      const body = Buffer.from(await out.Body!.transformToByteArray());
      return { info, body };
    } catch (err) {
      throw mapError(err, `get ${key}`);
    }
  }

  async getStream(key: string, versionId?: string): Promise<{ info: ObjectInfo; body: Readable }> {
    const info = await this.head(key, versionId);
    if (!info) throw new NotFoundError(`no archived object ${key}${versionId ? ` version ${versionId}` : ''}`);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, VersionId: info.versionId }));
      return { info, body: out.Body as Readable };
    } catch (err) {
      throw mapError(err, `get ${key}`);
    }
  }

  async setLegalHold(key: string, versionId: string, on: boolean): Promise<void> {
    try {
      await this.client.send(new PutObjectLegalHoldCommand({ Bucket: this.bucket, Key: key, VersionId: versionId, LegalHold: { Status: on ? 'ON' : 'OFF' } }));
    } catch (err) {
      throw mapError(err, `legal hold ${on ? 'on' : 'off'} ${key}`);
    }
  }

  async extendRetention(key: string, versionId: string, until: Date): Promise<void> {
    const current = await this.client
      .send(new GetObjectRetentionCommand({ Bucket: this.bucket, Key: key, VersionId: versionId }))
      .catch((err) => Promise.reject(mapError(err, `get retention ${key}`)));
    const currentUntil = current.Retention?.RetainUntilDate;
    if (currentUntil && currentUntil.getTime() >= until.getTime()) {
      if (currentUntil.getTime() === until.getTime()) return;
      throw new LockedError(`retention of ${key} runs until ${currentUntil.toISOString()}; it can be extended, never shortened`);
    }
    try {
      await this.client.send(
        new PutObjectRetentionCommand({ Bucket: this.bucket, Key: key, VersionId: versionId, Retention: { Mode: 'COMPLIANCE', RetainUntilDate: until } }),
      );
    } catch (err) {
      throw mapError(err, `extend retention ${key}`);
    }
  }

  async deleteVersion(key: string, versionId: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId }));
    } catch (err) {
      throw mapError(err, `delete ${key} version ${versionId}`);
    }
  }

  async legalHoldOf(key: string, versionId: string): Promise<boolean> {
    const out = await this.client.send(new GetObjectLegalHoldCommand({ Bucket: this.bucket, Key: key, VersionId: versionId }));
    return out.LegalHold?.Status === 'ON';
  }

  async *list(prefix: string): AsyncIterable<ObjectVersionRef> {
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    do {
      const out = await this.client
        .send(new ListObjectVersionsCommand({ Bucket: this.bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionMarker }))
        .catch((err) => Promise.reject(mapError(err, `list ${prefix}`)));
      for (const v of out.Versions ?? []) {
        yield {
          key: v.Key!,
          versionId: v.VersionId!,
          isLatest: Boolean(v.IsLatest),
          deleteMarker: false,
          size: v.Size ?? 0,
          lastModified: v.LastModified ?? new Date(0),
        };
      }
      for (const m of out.DeleteMarkers ?? []) {
        yield { key: m.Key!, versionId: m.VersionId!, isLatest: Boolean(m.IsLatest), deleteMarker: true, size: 0, lastModified: m.LastModified ?? new Date(0) };
      }
      keyMarker = out.IsTruncated ? out.NextKeyMarker : undefined;
      versionMarker = out.IsTruncated ? out.NextVersionIdMarker : undefined;
    } while (keyMarker);
  }
}

function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}
function nameOf(err: unknown): string {
  return (err as { name?: string })?.name ?? '';
}

/** Server refusals of WORM rules become LockedError; 5xx and network failures are retriable. */
function mapError(err: unknown, what: string): Error {
  const status = statusOf(err);
  const name = nameOf(err);
  // AWS answers 403 AccessDenied, MinIO 400 InvalidRequest "Object is WORM protected"
  if ((status === 403 || status === 400) && /WORM|lock|retention|legal hold|protected/i.test(errorMessage(err))) {
    return new LockedError(`${what}: refused by the WORM store (${name}: ${errorMessage(err)})`, err);
  }
  if (status === 404 || name === 'NoSuchKey' || name === 'NoSuchVersion') return new NotFoundError(`${what}: not found`);
  if (err instanceof S3ServiceException && status !== undefined && status < 500 && status !== 429) return err;
  return new DependencyUnavailableError('s3', `${what}: ${errorMessage(err)}`, err);
}
