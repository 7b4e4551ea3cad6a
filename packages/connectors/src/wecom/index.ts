import type { Connector } from '@custody/connector-kit';
import { ConfigError, RejectedInputError } from '@custody/errors';
import { decrypt } from './crypto';
import { WECOM_EGRESS, fetchWecomMedia } from './media';
import { normalizeWecom } from './normalize';
import { WecomConfig, type WecomParsed } from './types';
import { outerEncrypt, verifyWecomSignature, wecomHandshake } from './verify';
import { parseXml, xmlFields } from './xml';

export const wecom: Connector<WecomConfig, WecomParsed> = {
  id: 'wecom',
  channel: 'wecom',
  description: 'WeCom (企业微信) app callbacks: encrypted XML messages (text, image, voice, video, file, location, link)',
  contentType: 'text/xml',
  configSchema: WecomConfig,
  handshake: wecomHandshake,
  verify: verifyWecomSignature,
  parse(raw, contentType, config) {
    if (contentType && !/^(text|application)\/xml\b/i.test(contentType)) {
      throw new RejectedInputError('unsupported_media_type', `wecom callback: content-type must be text/xml or application/xml, got ${contentType}`, 415);
    }
    if (!config) throw new ConfigError('wecom: payloads are encrypted; the connector config (token, encodingAesKey, corpId) is required to read them');
    const message = parseXml(decrypt(outerEncrypt(raw), config.encodingAesKey, config.corpId), 'wecom message');
    if (message.name !== 'xml') throw new RejectedInputError('schema_violation', `wecom message: root element must be <xml>, got <${message.name}>`);
    return { corpId: config.corpId, message: xmlFields(message, 'wecom message') };
  },
  normalize: normalizeWecom,
  // WeCom retries unless it gets "success" (or an empty body) within five seconds
  acknowledge: () => ({ status: 200, contentType: 'text/plain', body: 'success' }),
  fetchMedia: fetchWecomMedia,
  egress: WECOM_EGRESS,
};
