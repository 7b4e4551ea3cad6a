import { z } from 'zod';
import type { Connector } from '@custody/connector-kit';
import { parseJsonDelivery } from '@custody/connector-kit';
import { formatIssues } from '@custody/envelope';
import { RejectedInputError } from '@custody/errors';
import { fetchSignalAttachment, isSignalAttachment } from './media';
import { normalizeSignal } from './normalize';
import { jsonLines } from './json-lines';
import { SignalConfig, SignalNotification, type SignalParsed } from './types';
import { verifySignalBearer } from './verify';

const JSON_LINES = /^application\/(?:x-ndjson|jsonl|x-jsonlines)\b/i;

export const signal: Connector<SignalConfig, SignalParsed> = {
  id: 'signal',
  channel: 'signal',
  description:
    'Signal via signal-cli receive notifications, JSON-RPC or JSON Lines (messages, attachments, quotes, reactions, edits, remote deletes, sync sent messages)',
  configSchema: SignalConfig,
  verify: verifySignalBearer,
  parse(raw, contentType, config) {
    if (contentType && JSON_LINES.test(contentType)) return { account: config?.account, notifications: jsonLines(raw) };
    if (contentType && !/^application\/json\b/i.test(contentType)) {
      throw new RejectedInputError(
        'unsupported_media_type',
        `signal webhook: content-type must be application/json or application/x-ndjson (JSON Lines), got ${contentType}`,
        415,
      );
    }
    const payload = parseJsonDelivery(raw, z.unknown(), 'signal webhook');
    // a batch's notifications are checked one by one in normalize, so one bad notification stays one rejection
    if (Array.isArray(payload)) {
      if (payload.length === 0) throw new RejectedInputError('schema_violation', 'signal webhook: (root): a batch needs at least one notification');
      return { account: config?.account, notifications: payload.map((value, i) => ({ path: `${i}.params`, at: `${i}.`, value })) };
    }
    const single = SignalNotification.safeParse(payload);
    if (!single.success) throw new RejectedInputError('schema_violation', `signal webhook: ${formatIssues(single.error.issues)}`);
    return { account: config?.account, notifications: [{ path: 'params', at: '', value: payload }] };
  },
  normalize: normalizeSignal,
  fetchMedia: fetchSignalAttachment,
  fetchable: isSignalAttachment,
};
