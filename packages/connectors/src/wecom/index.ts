import { connectorConfigRequired, type Connector } from '@custody/connector-kit';
import { RejectedInputError } from '@custody/errors';
import { decrypt } from './crypto';
import { WECOM_EGRESS, fetchWecomMedia } from './media';
import { normalizeWecom } from './normalize';
import { WecomConfig, type WecomParsed } from './types';
import { outerEncrypt, verifyWecomSignature, wecomHandshake } from './verify';
import { parseXml, xmlFields } from './xml';

function checkContentType(contentType: string): void {
  if (contentType && !/^(text|application)\/xml\b/i.test(contentType)) {
    throw new RejectedInputError('unsupported_media_type', `wecom callback: content-type must be text/xml or application/xml, got ${contentType}`, 415);
  }
}

/** The decrypted message's fields: a flat <xml> document. */
function messageFields(plaintext: Buffer): Record<string, string> {
  const message = parseXml(plaintext, 'wecom message');
  if (message.name !== 'xml') throw new RejectedInputError('schema_violation', `wecom message: root element must be <xml>, got <${message.name}>`);
  return xmlFields(message, 'wecom message');
}

export const wecom: Connector<WecomConfig, WecomParsed> = {
  id: 'wecom',
  channel: 'wecom',
  description: 'WeCom (企业微信) app callbacks: encrypted XML messages (text, image, voice, video, file, location, link)',
  contentType: 'text/xml',
  configSchema: WecomConfig,
  handshake: wecomHandshake,
  verify: verifyWecomSignature,
  parse(raw, contentType, config) {
    checkContentType(contentType);
    if (!config)
      throw connectorConfigRequired(
        'wecom',
        WecomConfig,
        "callbacks are encrypted and reading one needs the app's keys (or pass --decrypted with the callback's plaintext XML)",
      );
    return { corpId: config.corpId, message: messageFields(decrypt(outerEncrypt(raw), config.encodingAesKey, config.corpId)) };
  },
  parseDecrypted(plaintext, contentType, config) {
    checkContentType(contentType);
    const message = messageFields(plaintext);
    // the plaintext's ToUserName is the CorpID (接收消息格式), which decryption would have checked against the config
    const corpId = config?.corpId ?? message.ToUserName;
    if (!corpId) throw new RejectedInputError('schema_violation', 'wecom message: ToUserName (the CorpID) is required when no --config names the corp');
    return { corpId, message };
  },
  normalize: normalizeWecom,
  // WeCom retries unless it gets "success" (or an empty body) within five seconds
  acknowledge: () => ({ status: 200, contentType: 'text/plain', body: 'success' }),
  fetchMedia: fetchWecomMedia,
  egress: WECOM_EGRESS,
};
