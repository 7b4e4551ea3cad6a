import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_FILE, writeFileAtomic } from '@custody/durable-fs';
import { Serial, fileName } from './files';

/** topic → partition → offset of the next record the group has not processed. */
type Committed = Record<string, Record<string, number>>;

/** Committed offsets, one file per consumer group, replaced atomically on every commit. */
export class GroupOffsets {
  private readonly groups = new Map<string, Promise<Committed>>();
  private readonly writes = new Map<string, Serial>();

  constructor(private readonly dir: string) {}

  async committed(group: string, topic: string, partition: number): Promise<number | undefined> {
    return (await this.load(group))[topic]?.[partition];
  }

  /** Resolves once the new offset survives a crash; until then readers still see the previous one. */
  async commit(group: string, topic: string, partition: number, next: number): Promise<void> {
    const committed = await this.load(group);
    let serial = this.writes.get(group);
    if (!serial) this.writes.set(group, (serial = new Serial()));
    await serial.run(async () => {
      const updated: Committed = { ...committed, [topic]: { ...committed[topic], [partition]: next } };
      await writeFileAtomic(this.file(group), JSON.stringify(updated), PRIVATE_FILE);
      (committed[topic] ??= {})[partition] = next;
    });
  }

  private load(group: string): Promise<Committed> {
    let loaded = this.groups.get(group);
    if (!loaded) {
      loaded = readFile(this.file(group), 'utf8').then(
        (text) => JSON.parse(text) as Committed,
        (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? {} : Promise.reject(err)),
      );
      this.groups.set(group, loaded);
      loaded.catch(() => this.groups.delete(group));
    }
    return loaded;
  }

  private file(group: string): string {
    return join(this.dir, `${fileName(group)}.json`);
  }
}
