import type { AnyConnector } from '@custody/connector-kit';
import { RejectedInputError } from '@custody/errors';
import { whatsappCloud } from './whatsapp-cloud';
import type { Importer } from '@custody/connector-kit';
import { whatsappExport } from './whatsapp-export';
import { telegramExport } from './telegram-export';
import { emailImporter } from './email';
import { wecom } from './wecom';
import { wecomArchive } from './wecom-archive';
import { signal } from './signal';
import { telegramBot } from './telegram-bot';
import { lineMessaging } from './line';
import { twilioSms } from './twilio-sms';
import { twilioVoice } from './twilio-voice';

/** Every connector Custody ships, by id. Adding a channel is one import and one line here. */
const connectors: ReadonlyMap<string, AnyConnector> = new Map<string, AnyConnector>([[whatsappCloud.id, whatsappCloud], [wecom.id, wecom], [wecomArchive.id, wecomArchive], [signal.id, signal], [telegramBot.id, telegramBot], [lineMessaging.id, lineMessaging], [twilioSms.id, twilioSms], [twilioVoice.id, twilioVoice]]);

/** Every export-file importer `custody import` can drive, by id; they share the channel ids of the connectors. */
const importers: ReadonlyMap<string, Importer> = new Map<string, Importer>([whatsappExport, telegramExport, emailImporter].map((i) => [i.id, i]));

export function importerIds(): string[] {
  return [...importers.keys()].sort();
}

export function getImporter(id: string): Importer {
  const i = importers.get(id);
  if (!i) throw new RejectedInputError('unknown_importer', `unknown importer "${id}"; known: ${importerIds().join(', ')}`, 404);
  return i;
}

export function connectorIds(): string[] {
  return [...connectors.keys()].sort();
}

export function getConnector(id: string): AnyConnector {
  const c = connectors.get(id);
  if (!c) throw new RejectedInputError('unknown_connector', `unknown connector "${id}"; known: ${connectorIds().join(', ')}`, 404);
  return c;
}
