import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/*
 * A checkpoint says: this tenant's log held `size` leaves with this root, after the checkpoint
 * whose body hashes to `previous`. The body is plain text (docs/verification.md), so what is signed
 * is exactly what anyone can read and re-hash; the signature is Ed25519 over the body's bytes.
 */

export const CHECKPOINT_FORMAT = 'custody.checkpoint/v1';

export interface CheckpointBody {
  tenant: string;
  size: number;
  /** Hex RFC 9162 root of the first `size` leaves. */
  root: string;
  /** Hex SHA-256 of the previous checkpoint's body, or null for the tenant's first. */
  previous: string | null;
  time: string;
  /** How long this checkpoint is locked: the furthest retain-until of the leaves it covers. */
  retainUntil: string;
  /** Leaves by `<channel or -> <type>`, over the whole tree. */
  counts: Record<string, number>;
}

export const SignedCheckpoint = z
  .object({
    schema: z.literal('custody.signed-checkpoint/v1'),
    body: z.string().describe('the checkpoint text; its UTF-8 bytes are what is signed and what `previous` hashes'),
    signatures: z
      .array(z.object({ keyId: z.string(), algorithm: z.literal('ed25519'), signature: z.string().describe('base64 Ed25519 signature of the body') }).strict())
      .min(1),
  })
  .strict();
export type SignedCheckpoint = z.infer<typeof SignedCheckpoint>;

const TOKEN = /^[^\s]+$/;

export function formatCheckpoint(c: CheckpointBody): string {
  const counts = Object.entries(c.counts)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([what, n]) => `count ${what} ${n}`);
  return [
    CHECKPOINT_FORMAT,
    `tenant ${c.tenant}`,
    `size ${c.size}`,
    `root ${c.root}`,
    `previous ${c.previous ?? 'none'}`,
    `time ${c.time}`,
    `retain-until ${c.retainUntil}`,
    ...counts,
  ].join('\n');
}

/** Parses a checkpoint body, strictly: anything but the format above is not a checkpoint. */
export function parseCheckpoint(text: string): CheckpointBody {
  const lines = text.split('\n');
  if (lines[0] !== CHECKPOINT_FORMAT) throw new Error(`not a ${CHECKPOINT_FORMAT} body`);
  const field = (i: number, name: string, pattern: RegExp) => {
    const line = lines[i] ?? '';
    const value = line.startsWith(`${name} `) ? line.slice(name.length + 1) : undefined;
    if (value === undefined || !pattern.test(value)) throw new Error(`checkpoint line ${i + 1}: expected "${name} …", got "${line.slice(0, 80)}"`);
    return value;
  };
  const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
  const body: CheckpointBody = {
    tenant: field(1, 'tenant', TOKEN),
    size: Number(field(2, 'size', /^(0|[1-9]\d{0,15})$/)),
    root: field(3, 'root', /^[0-9a-f]{64}$/),
    previous: null,
    time: field(5, 'time', ISO),
    retainUntil: field(6, 'retain-until', ISO),
    counts: {},
  };
  const previous = field(4, 'previous', /^([0-9a-f]{64}|none)$/);
  body.previous = previous === 'none' ? null : previous;
  for (const [i, line] of lines.slice(7).entries()) {
    const m = /^count ([^\s]+ [^\s]+) (0|[1-9]\d{0,15})$/.exec(line);
    if (!m) throw new Error(`checkpoint line ${i + 8}: expected "count <channel> <type> <n>", got "${line.slice(0, 80)}"`);
    body.counts[m[1]] = Number(m[2]);
  }
  return body;
}

export const checkpointHash = (body: string): string => createHash('sha256').update(body, 'utf8').digest('hex');

/** An Ed25519 key pair from its 32-byte seed, with the id checkpoints name it by. */
export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The raw 32-byte public key, base64 (what /v1/verification/keys publishes). */
  publicKeyBase64: string;
}

// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): Node imports private keys only in a container
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The key id: `ed25519:` and the first 16 hex digits of the SHA-256 of the raw public key. */
export const keyIdOf = (rawPublicKey: Buffer): string => `ed25519:${createHash('sha256').update(rawPublicKey).digest('hex').slice(0, 16)}`;

export function signingKeyFromSeed(seed: Buffer): SigningKey {
  if (seed.length !== 32) throw new Error(`an Ed25519 seed is 32 bytes, this one is ${seed.length}`);
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey);
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519_PREFIX.length);
  return { keyId: keyIdOf(raw), privateKey, publicKey, publicKeyBase64: raw.toString('base64') };
}

export interface PublicKey {
  keyId: string;
  publicKey: KeyObject;
}

/** A published raw public key (base64, 32 bytes) as a verifier uses it. */
export function publicKeyFromBase64(b64: string): PublicKey {
  const raw = Buffer.from(b64, 'base64');
  if (raw.length !== 32) throw new Error(`an Ed25519 public key is 32 bytes, this one is ${raw.length}`);
  return { keyId: keyIdOf(raw), publicKey: createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' }) };
}

export function signCheckpoint(body: CheckpointBody, key: SigningKey): SignedCheckpoint {
  const text = formatCheckpoint(body);
  return {
    schema: 'custody.signed-checkpoint/v1',
    body: text,
    signatures: [{ keyId: key.keyId, algorithm: 'ed25519', signature: sign(null, Buffer.from(text, 'utf8'), key.privateKey).toString('base64') }],
  };
}

/** Which of the checkpoint's signatures a trusted key verifies; none means it proves nothing. */
export function verifiedSigners(cp: SignedCheckpoint, trusted: PublicKey[]): string[] {
  const body = Buffer.from(cp.body, 'utf8');
  return cp.signatures
    .filter((s) => {
      const key = trusted.find((k) => k.keyId === s.keyId);
      return key !== undefined && verify(null, body, key.publicKey, Buffer.from(s.signature, 'base64'));
    })
    .map((s) => s.keyId);
}
