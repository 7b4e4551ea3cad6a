import type { AnyConnector } from '@custody/connector-kit';
import { RejectedInputError } from '@custody/errors';
import { whatsappCloud } from './whatsapp-cloud';
import { wecom } from './wecom';
import { wecomArchive } from './wecom-archive';
import { signal } from './signal';
import { telegramBot } from './telegram-bot';
import { lineMessaging } from './line';
import { twilioSms } from './twilio-sms';
import { twilioVoice } from './twilio-voice';

/** Every connector Custody ships, by id. Adding a channel is one import and one line here. */
const connectors: ReadonlyMap<string, AnyConnector> = new Map<string, AnyConnector>([[whatsappCloud.id, whatsappCloud], [wecom.id, wecom], [wecomArchive.id, wecomArchive], [signal.id, signal], [telegramBot.id, telegramBot], [lineMessaging.id, lineMessaging], [twilioSms.id, twilioSms], [twilioVoice.id, twilioVoice]]);

export function connectorIds(): string[] {
  return [...connectors.keys()].sort();
}

export function getConnector(id: string): AnyConnector {
  const c = connectors.get(id);
  if (!c) throw new RejectedInputError('unknown_connector', `unknown connector "${id}"; known: ${connectorIds().join(', ')}`, 404);
  return c;
}
