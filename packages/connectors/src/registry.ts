import { secretFieldsOf, type AnyConnector, type Importer } from '@custody/connector-kit';
import { RejectedInputError } from '@custody/errors';
import { declareSecretFields } from '@custody/logger';
import { emailImporter } from './email';
import { lineMessaging } from './line';
import { signal } from './signal';
import { telegramBot } from './telegram-bot';
import { telegramExport } from './telegram-export';
import { twilioSms } from './twilio-sms';
import { twilioVoice } from './twilio-voice';
import { wecom } from './wecom';
import { wecomArchive } from './wecom-archive';
import { whatsappCloud } from './whatsapp-cloud';
import { whatsappExport } from './whatsapp-export';

/** Every live connector Custody ships, by id. Adding a channel is one import and one entry here. */
const connectors: ReadonlyMap<string, AnyConnector> = new Map(
  [whatsappCloud, telegramBot, twilioSms, twilioVoice, lineMessaging, wecom, wecomArchive, signal].map((c): [string, AnyConnector] => [c.id, c]),
);

/** The settings each connector declares secret; loggers redact them (declared as this module loads, before any logger is created). */
export const connectorSecretFields: ReadonlyMap<string, readonly string[]> = new Map([...connectors].map(([id, c]) => [id, secretFieldsOf(c.configSchema)]));
declareSecretFields([...connectorSecretFields.values()].flat());

/** Every export-file importer `custody import` can drive, by id; they share the connectors' channel ids. */
const importers: ReadonlyMap<string, Importer> = new Map([whatsappExport, telegramExport, emailImporter].map((i): [string, Importer] => [i.id, i]));

export function connectorIds(): string[] {
  return [...connectors.keys()].sort();
}

export function importerIds(): string[] {
  return [...importers.keys()].sort();
}

export function getConnector(id: string): AnyConnector {
  const c = connectors.get(id);
  if (!c) throw new RejectedInputError('unknown_connector', `unknown connector "${id}"; known: ${connectorIds().join(', ')}`, 404);
  return c;
}

export function getImporter(id: string): Importer {
  const i = importers.get(id);
  if (!i) throw new RejectedInputError('unknown_importer', `unknown importer "${id}"; known: ${importerIds().join(', ')}`, 404);
  return i;
}
