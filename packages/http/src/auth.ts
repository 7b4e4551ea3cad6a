import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyRecord, Role } from '@custody/config';
import { RejectedInputError } from '@custody/errors';
import type { HttpRequest } from './types';

export interface Principal {
  keyId: string;
  tenant: string;
  role: Role;
}

export interface ApiKeyStore {
  /** Looks a key up by the SHA-256 of the presented token. */
  lookup(tokenSha256: string): Promise<Principal | null>;
}

/** Keys from configuration first, then keys admins created (the control table, by token hash). */
export class KeyStore implements ApiKeyStore {
  private readonly configured: Map<string, ApiKeyRecord>;
  constructor(records: ApiKeyRecord[], private readonly created?: { get(sha256: string): ApiKeyRecord | undefined }) {
    this.configured = new Map(records.map((r) => [r.sha256, r]));
  }
  /** The keys configured in the environment. */
  configuredKeys(): ApiKeyRecord[] {
    return [...this.configured.values()];
  }
  async lookup(tokenSha256: string): Promise<Principal | null> {
    const r = this.configured.get(tokenSha256) ?? this.created?.get(tokenSha256);
    return r ? { keyId: r.id, tenant: r.tenant, role: r.role } : null;
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new bearer token and the record that stores it hashed. The token is shown once, to its owner. */
export function mintApiKey(tenant: string, role: Role, id = `key-${randomBytes(4).toString('hex')}`): { token: string; record: ApiKeyRecord } {
  const token = `cust_${id}_${randomBytes(24).toString('base64url')}`;
  return { token, record: { id, tenant, role, sha256: hashToken(token) } };
}

export async function authenticate(store: ApiKeyStore, req: HttpRequest): Promise<Principal> {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S{16,512})$/i.exec(header);
  if (!m) throw new RejectedInputError('unauthenticated', 'missing or malformed Authorization: Bearer <api key>', 401);
  const principal = await store.lookup(hashToken(m[1]!));
  if (!principal) throw new RejectedInputError('unauthenticated', 'unknown API key', 401);
  return principal;
}

export function requireRole(p: Principal, allowed: readonly Role[], action: string): void {
  if (!allowed.includes(p.role)) throw new RejectedInputError('forbidden', `role ${p.role} may not ${action} (needs ${allowed.join(' or ')})`, 403);
}
