import { readFile, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_FILE, fsyncDir, removeStaleTemps, writeFileAtomic } from '@custody/durable-fs';
import { Serial, fileName } from './files';

/** topic → partition → offset of the next record the group has not processed. */
type Committed = Record<string, Record<string, number>>;

/**
 * The per-start reader groups of ControlTable before ephemeral groups existed:
 * `<topic>.reader.<uuid>`, as file names (dots encoded). No other group is named like this.
 */
const LEGACY_THROWAWAY = /%2Ereader%2E[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.json$/;

/** Committed offsets, one file per consumer group, replaced atomically on every commit; ephemeral groups in memory only. */
export class GroupOffsets {
  private readonly groups = new Map<string, Promise<Committed>>();
  private readonly writes = new Map<string, Serial>();
  private readonly inMemory = new Set<string>();

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
      if (!this.inMemory.has(group)) await writeFileAtomic(this.file(group), JSON.stringify(updated), PRIVATE_FILE);
      (committed[topic] ??= {})[partition] = next;
    });
  }

  /** From now until forget, the group's offsets live in memory only and start empty. */
  ephemeral(group: string): void {
    this.inMemory.add(group);
    this.groups.set(group, Promise.resolve({}));
  }

  forget(group: string): void {
    if (!this.inMemory.delete(group)) return;
    this.groups.delete(group);
    this.writes.delete(group);
  }

  /** At open: deletes temporaries of interrupted commits and offset files of throwaway groups from older versions. */
  async sweep(): Promise<{ temporaries: number; throwawayGroups: number }> {
    const temporaries = (await removeStaleTemps(this.dir)).length;
    const legacy = (await readdir(this.dir)).filter((name) => LEGACY_THROWAWAY.test(name));
    for (const name of legacy) await unlink(join(this.dir, name));
    if (legacy.length > 0) await fsyncDir(this.dir);
    return { temporaries, throwawayGroups: legacy.length };
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
