/**
 * A WhatsApp Cloud API `messages` webhook body as Meta sends it: the envelope every bench delivery
 * shares around its own messages and contact. The business number is the one the bench connectors
 * are configured with; `phoneNumberId` tells tenants' numbers apart where a bench has several.
 */
export function whatsappDelivery(opts: { customer: string; name: string; messages: Array<Record<string, unknown>>; phoneNumberId?: string }): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: opts.phoneNumberId ?? '106540352242922' },
              contacts: [{ profile: { name: opts.name }, wa_id: opts.customer }],
              messages: opts.messages,
            },
          },
        ],
      },
    ],
  });
}
