import { join } from 'node:path';
import { isRejected, type ImportContext } from '@custody/connector-kit';
import { whatsappExport } from './index';

const FIX = join(__dirname, 'fixtures');
const RECEIVED_AT = new Date('2025-06-01T12:00:00.000Z');

async function collect(path: string, ctx: Partial<ImportContext> = {}) {
  const items = [];
  for await (const item of whatsappExport.read(path, { tenant: 'acme', receivedAt: RECEIVED_AT, ...ctx })) items.push(item);
  return items;
}

test('dump', async () => {
  for (const f of ['android-en-us.txt', 'android-de.txt', 'WhatsApp Chat - Bob Smith', 'android-media']) {
    const items = await collect(join(FIX, f), { account: 'Jane Trader' });
    for (const i of items) {
      const r = i.result;
      console.log(i.position, isRejected(r) ? r : JSON.stringify({ k: r.kind, s: r.sender, rc: r.recipients, d: r.direction, t: r.sentAt, c: r.content, a: r.attachments, f: i.files, conv: r.conversation, x: r.source.externalId, refs: r.refs }));
    }
  }
});
