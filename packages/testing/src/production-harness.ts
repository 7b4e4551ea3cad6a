import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emailFixture, fakeTwilioRecordings, PRODUCTION_PUBLIC_URL } from './production-fixture';
import { twilioAccount } from './twilio';

/** The vendors a production test captures from, the same on both adapter sets. */
export async function productionVendors() {
  const twilio = twilioAccount();
  const recordings = new Map<string, Buffer>();
  const fake = await fakeTwilioRecordings(twilio.accountSid, twilio.authToken, recordings);
  const appSecret = `app-secret-${randomBytes(8).toString('hex')}`;
  const secretToken = `tg-secret-${randomBytes(12).toString('hex')}`;
  const botToken = `5550000:${randomBytes(24).toString('base64url')}`;
  const connectors = [
    { id: 'acme-wa', connector: 'whatsapp-cloud', tenant: 'acme', config: { appSecret, verifyToken: `verify-${randomBytes(8).toString('hex')}` } },
    { id: 'acme-tg', connector: 'telegram-bot', tenant: 'acme', config: { botToken, secretToken } },
    { id: 'acme-sms', connector: 'twilio-sms', tenant: 'acme', config: { accountSid: twilio.accountSid, authToken: twilio.authToken } },
    { id: 'acme-voice', connector: 'twilio-voice', tenant: 'acme', config: { accountSid: twilio.accountSid, authToken: twilio.authToken } },
  ];
  const email = emailFixture(`eml${randomBytes(3).toString('hex')}`);
  const emailFile = join(mkdtempSync(join(tmpdir(), 'custody-export-eml-')), 'confirmation.eml');
  writeFileSync(emailFile, email.eml);
  return {
    recordings,
    connectors,
    env: { CUSTODY_PUBLIC_URL: PRODUCTION_PUBLIC_URL, CUSTODY_VENDOR_BASE_URLS: JSON.stringify({ 'twilio-voice': fake.url }) },
    vendors: {
      whatsapp: { instance: 'acme-wa', appSecret },
      telegram: { instance: 'acme-tg', secretToken },
      twilio: { smsInstance: 'acme-sms', voiceInstance: 'acme-voice', accountSid: twilio.accountSid, authToken: twilio.authToken },
    },
    email: { file: emailFile, eml: email.eml, messageId: email.messageId },
    close: () => fake.close(),
  };
}
