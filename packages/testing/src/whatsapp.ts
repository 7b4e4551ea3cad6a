import { randomBytes } from 'node:crypto';
import { signWhatsAppBody } from '@custody/connectors';

export const BUSINESS = { display: '15550783881', phoneNumberId: '106540352242922' };

/**
 * A WhatsApp Cloud API `messages` webhook as Meta sends it, around `value` (messages, statuses,
 * contacts; a `metadata` of its own replaces the business number's). An object, to mutate or stringify.
 */
export function whatsappDelivery(value: Record<string, unknown>, entryId = '102290129340398'): Record<string, any> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: entryId,
        changes: [
          {
            field: 'messages',
            value: { messaging_product: 'whatsapp', metadata: { display_phone_number: BUSINESS.display, phone_number_id: BUSINESS.phoneNumberId }, ...value },
          },
        ],
      },
    ],
  };
}

/** A WhatsApp Cloud API text-message webhook with a unique wamid, as Meta sends it. */
export function textWebhook(text: string, opts: { from?: string; id?: string; at?: Date } = {}): { body: string; id: string } {
  const id = opts.id ?? `wamid.${randomBytes(12).toString('base64url')}`;
  const from = opts.from ?? '16505551234';
  const body = JSON.stringify(
    whatsappDelivery({
      contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: from }],
      messages: [{ from, id, timestamp: String(Math.floor((opts.at ?? new Date()).getTime() / 1000)), type: 'text', text: { body: text } }],
    }),
  );
  return { body, id };
}

export async function postWebhook(
  baseUrl: string,
  instance: string,
  body: string,
  secret: string | null,
  extraHeaders: Record<string, string> = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...extraHeaders };
  if (secret !== null) headers['x-hub-signature-256'] = signWhatsAppBody(secret, body);
  return fetch(`${baseUrl}/webhooks/${instance}`, { method: 'POST', headers, body });
}

export async function apiSearch(baseUrl: string, token: string, query: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const res = await fetch(`${baseUrl}/v1/search`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(query),
  });
  return { status: res.status, body: await res.json() };
}

/** A WhatsApp document message whose media id a fake Graph API serves. */
export function documentWebhook(mediaId: string, wamid: string, caption: string, fileName = 'term-sheet.pdf'): string {
  return JSON.stringify(
    whatsappDelivery(
      {
        messages: [
          {
            from: '16505551234',
            id: wamid,
            timestamp: String(Math.floor(Date.now() / 1000)),
            type: 'document',
            document: { id: mediaId, filename: fileName, mime_type: 'application/pdf', caption },
          },
        ],
      },
      '1',
    ),
  );
}
