import { randomBytes } from 'node:crypto';
import type { ApiKeyRecord, Role } from '@custody/config';
import { hashToken, type Principal } from '@custody/http';

export type { Principal };

export interface ApiKeyStore {
  /** Looks a key up by the SHA-256 of the presented token. */
  lookup(tokenSha256: string): Promise<Principal | null>;
}

/** Keys from configuration first, then keys admins created (the control table, by token hash). */
export class KeyStore implements ApiKeyStore {
  private readonly configured: Map<string, ApiKeyRecord>;
  constructor(
    records: ApiKeyRecord[],
    private readonly created?: { get(sha256: string): ApiKeyRecord | undefined },
  ) {
    this.configured = new Map(records.map((r) => [r.sha256, r]));
  }
  /** The keys configured in the environment. */
  configuredKeys(): ApiKeyRecord[] {
    return [...this.configured.values()];
  }
  async lookup(tokenSha256: string): Promise<Principal | null> {
    const r = this.configured.get(tokenSha256) ?? this.created?.get(tokenSha256);
    return r ? { keyId: r.id, tenant: r.tenant, role: r.role, ...(r.employeeId && { employeeId: r.employeeId }) } : null;
  }
}

/** A new bearer token and the record that stores it hashed. The token is shown once, to its owner. */
export function mintApiKey(
  tenant: string,
  role: Role,
  id = `key-${randomBytes(4).toString('hex')}`,
  employeeId?: string,
): { token: string; record: ApiKeyRecord } {
  const token = `cust_${id}_${randomBytes(24).toString('base64url')}`;
  return { token, record: { id, tenant, role, sha256: hashToken(token), ...(employeeId && { employeeId }) } };
}
