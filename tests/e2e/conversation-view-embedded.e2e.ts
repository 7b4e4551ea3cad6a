import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintApiKey } from '@custody/api';
import { loadConfig } from '@custody/config';
import { startCustody } from '@custody/runtime';
import { testLogger } from '@custody/testing';
import { conversationViewSuite } from '@custody/testing/conversation';

/** The conversation view on the embedded default: the local WORM store and the SQLite index. */
conversationViewSuite(
  'embedded',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custody-conversation-'));
    const keys = {
      compliance: mintApiKey('acme', 'compliance'),
      auditor: mintApiKey('acme', 'auditor'),
      admin: mintApiKey('acme', 'admin'),
      other: mintApiKey('globex', 'compliance'),
    };
    const appSecret = 'conversation-app-secret';
    const config = loadConfig({
      CUSTODY_MODE: 'embedded',
      CUSTODY_DATA_DIR: dir,
      CUSTODY_HTTP_PORT: '0',
      CUSTODY_CONNECTORS: JSON.stringify([
        { id: 'acme-wa', connector: 'whatsapp-cloud', tenant: 'acme', config: { appSecret, verifyToken: 'conversation-verify' } },
      ]),
      CUSTODY_API_KEYS: JSON.stringify(Object.values(keys).map((k) => k.record)),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    });
    const custody = await startCustody(config, testLogger());
    return {
      url: custody.url,
      instance: 'acme-wa',
      appSecret,
      tokens: { compliance: keys.compliance.token, auditor: keys.auditor.token, admin: keys.admin.token, otherTenant: keys.other.token },
      stop: async () => {
        await custody.stop();
        rmSync(dir, { recursive: true, force: true });
      },
      tamper: (recordId) => {
        const file = findFile(join(dir, 'archive'), (name) => name.startsWith(`${recordId}.json@`));
        const bytes = readFileSync(file);
        const at = bytes.indexOf('At market');
        bytes[at] = 'a'.charCodeAt(0);
        chmodSync(file, 0o600);
        writeFileSync(file, bytes);
      },
    };
  },
  { tamperable: true },
);

/** The first file below `dir` whose name `match`es. */
function findFile(dir: string, match: (name: string) => boolean): string {
  const found = readdirSync(dir, { recursive: true, withFileTypes: true }).find((e) => e.isFile() && match(e.name));
  if (!found) throw new Error(`no file in ${dir} matches`);
  return join(found.parentPath, found.name);
}
