import type { Connector } from '@custody/connector-kit';
import { parseJsonDelivery } from '@custody/connector-kit';
import { RejectedInputError } from '@custody/errors';
import { WHATSAPP_EGRESS, fetchWhatsAppMedia } from './media';
import { normalizeWhatsApp } from './normalize';
import { WaWebhook, WhatsAppCloudConfig } from './types';
import { verifyWhatsAppSignature, whatsAppHandshake } from './verify';

export const whatsappCloud: Connector<WhatsAppCloudConfig, WaWebhook> = {
  id: 'whatsapp-cloud',
  channel: 'whatsapp',
  description: 'WhatsApp Business Cloud API webhooks (messages, media, reactions, replies, statuses)',
  configSchema: WhatsAppCloudConfig,
  handshake: whatsAppHandshake,
  verify: verifyWhatsAppSignature,
  parse(raw, contentType) {
    if (contentType && !/^application\/json\b/i.test(contentType)) {
      throw new RejectedInputError('unsupported_media_type', `whatsapp webhook: content-type must be application/json, got ${contentType}`, 415);
    }
    return parseJsonDelivery(raw, WaWebhook, 'whatsapp webhook');
  },
  normalize: normalizeWhatsApp,
  fetchMedia: fetchWhatsAppMedia,
  egress: WHATSAPP_EGRESS,
};
