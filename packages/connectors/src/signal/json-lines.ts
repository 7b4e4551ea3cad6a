import { z } from 'zod';
import { parseJsonBody } from '@custody/connector-kit';
import { RejectedInputError } from '@custody/errors';
import type { SignalItem } from './types';

/**
 * What signal-cli prints, one JSON object per line: JSON-RPC notifications (`jsonRpc`, `daemon`)
 * or, from `receive --output=json`, the same notification's params alone ({envelope, account}).
 * A line that is not JSON is rejected alone; the lines around it still go through.
 */
export function jsonLines(raw: Buffer): SignalItem[] {
  const items: SignalItem[] = [];
  let start = 0;
  for (let n = 1; start < raw.length; n++) {
    const end = raw.indexOf(10, start);
    const line = raw.subarray(start, end === -1 ? raw.length : end);
    start = end === -1 ? raw.length : end + 1;
    const bytes = line.at(-1) === 13 ? line.subarray(0, -1) : line;
    if (/^[ \t]*$/.test(bytes.toString('latin1'))) continue;
    const path = `line ${n}`;
    try {
      const value = parseJsonBody(bytes, z.unknown(), `signal-cli output ${path}`);
      items.push({ path, at: '', value: isReceiveOutput(value) ? { jsonrpc: '2.0', method: 'receive', params: value } : value });
    } catch (err) {
      if (!(err instanceof RejectedInputError)) throw err;
      items.push({ path, at: '', error: err });
    }
  }
  if (items.length === 0) throw new RejectedInputError('empty_body', 'signal-cli output: no notification in it');
  return items;
}

/** `receive --output=json` writes {envelope, account} (and `exception` when decryption failed), without the JSON-RPC frame. */
function isReceiveOutput(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !('jsonrpc' in value) && 'envelope' in value;
}
