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

test('putAll checks every row before writing any, then publishes them in chunks a reader replays whole', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'custody-control-'));
  const bus = new EmbeddedBus({ dir, logger: silentLogger() });
  const Wide = z.object({ n: z.number(), pad: z.string() }).strict();
  try {
    const writer = new ControlTable(bus, 'wide', Wide, silentLogger());
    await writer.start();
    const publish = jest.spyOn(bus, 'publish');
    const rows = Array.from({ length: 600 }, (_, n) => [`k${n}`, { n, pad: 'x'.repeat(1000) }] as const);
    await expect(writer.putAll([...rows.slice(0, 10), ['bad', { n: 'one' } as never]])).rejects.toThrow();
    expect(publish).not.toHaveBeenCalled();
    expect(writer.values()).toEqual([]);

    const seen: string[] = [];
    writer.onChange((key) => seen.push(key));
    await writer.putAll(rows);
    // 600 rows of about 1 KiB: more than one chunk, each under 256 KiB
    expect(publish.mock.calls.length).toBeGreaterThan(1);
    for (const [, messages] of publish.mock.calls) expect(messages.reduce((sum, m) => sum + String(m.value).length, 0)).toBeLessThanOrEqual(256 * 1024);
    // every row is a change when written (and again when read back, as every own write is)
    expect(new Set(seen).size).toBe(600);
    expect(writer.get('k599')).toEqual({ n: 599, pad: 'x'.repeat(1000) });

    const reader = new ControlTable(bus, 'wide', Wide, silentLogger());
    await reader.start();
    expect(reader.values()).toHaveLength(600);
    await Promise.all([writer.stop(), reader.stop()]);
  } finally {
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
