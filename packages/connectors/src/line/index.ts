import type { Connector } from '@custody/connector-kit';
import { parseJsonDelivery } from '@custody/connector-kit';
import { RejectedInputError } from '@custody/errors';
import { LINE_EGRESS, fetchLineContent, isLineContent } from './media';
import { normalizeLine } from './normalize';
import { LineConfig, LineWebhook } from './types';
import { verifyLineSignature } from './verify';

export const lineMessaging: Connector<LineConfig, LineWebhook> = {
  id: 'line',
  channel: 'line',
  description: 'LINE Messaging API webhooks (text, media, files, stickers, locations, replies, unsends)',
  configSchema: LineConfig,
  verify: verifyLineSignature,
  parse(raw, contentType) {
    if (contentType && !/^application\/json\b/i.test(contentType)) {
      throw new RejectedInputError('unsupported_media_type', `line webhook: content-type must be application/json, got ${contentType}`, 415);
    }
    return parseJsonDelivery(raw, LineWebhook, 'line webhook');
  },
  normalize: normalizeLine,
  fetchMedia: fetchLineContent,
  fetchable: isLineContent,
  egress: LINE_EGRESS,
};
