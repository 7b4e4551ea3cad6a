import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBus } from '@custody/bus';
import { silentLogger } from '@custody/logger';
import { z } from 'zod';
import { ControlTable } from './control-table';

const Row = z.object({ n: z.number() }).strict();

test('onChange reports later changes with the row before and after; rows replayed at start are not changes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'custody-control-'));
  const bus = new EmbeddedBus({ dir, logger: silentLogger() });
  try {
    const writer = new ControlTable(bus, 'rows', Row, silentLogger());
    await writer.start();
    await writer.put('a', { n: 1 });

    const reader = new ControlTable(bus, 'rows', Row, silentLogger());
    await reader.start();
    const seen: Array<[string, unknown, unknown]> = [];
    reader.onChange((key, before, after) => seen.push([key, before, after]));
    expect(seen).toEqual([]);

    await writer.put('a', { n: 2 });
    await writer.remove('a');
    const deadline = Date.now() + 10_000;
    while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([
      ['a', { n: 1 }, { n: 2 }],
      ['a', { n: 2 }, undefined],
    ]);
    await Promise.all([writer.stop(), reader.stop()]);
  } finally {
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
