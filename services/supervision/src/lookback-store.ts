import { lookbackKey, type ArchiveStore } from '@custody/archive-store';
import { sha256Hex } from '@custody/envelope';
import { CustodyError, IntegrityError } from '@custody/errors';

/** Lookback evidence is kept as long as policy versions: seven years. */
const RETAIN_MS = 7 * 365.25 * 86_400_000;

/**
 * A lookback job's objects in WORM (tenants/<t>/supervision/lookbacks/<id>/<path>), written once:
 * a resumed job that writes a path again must write the same bytes, which is how a restart proves
 * it produced what the first attempt did (anything else fails the job).
 */
export class LookbackStore {
  constructor(
    private readonly store: ArchiveStore,
    private readonly tenant: string,
    private readonly id: string,
  ) {}

  async write(path: string, body: Buffer): Promise<string> {
    const key = lookbackKey(this.tenant, this.id, path);
    const sha256 = sha256Hex(body);
    const put = await this.store.put({ key, body, contentType: 'application/x-ndjson', retainUntil: new Date(Date.now() + RETAIN_MS), legalHold: false });
    if (!put.created) {
      const existing = await this.read(path);
      if (existing === undefined || sha256Hex(existing) !== sha256) throw new IntegrityError(`${key} already holds other bytes than this run produced`);
    }
    return sha256;
  }

  /** The object's bytes, re-hashed against the store; undefined when it was never written. */
  async read(path: string): Promise<Buffer | undefined> {
    const key = lookbackKey(this.tenant, this.id, path);
    try {
      const got = await this.store.get(key);
      if (got.info.sha256 && sha256Hex(got.body) !== got.info.sha256) throw new IntegrityError(`${key} no longer hashes as stored`);
      return got.body;
    } catch (err) {
      if (err instanceof CustodyError && err.code === 'not_found') return undefined;
      throw err;
    }
  }
}
