import { fsyncDir } from '@custody/durable-fs';

/**
 * Group commit of directory fsyncs: a caller is answered by an fsync that started after it asked,
 * so what it renamed into the directory before asking is durable; callers that ask while one is
 * running share the next one instead of queueing one each.
 */
export class DirSync {
  private readonly dirs = new Map<string, { running: Promise<void>; next?: Promise<void> }>();

  sync(dir: string): Promise<void> {
    const state = this.dirs.get(dir);
    if (!state) {
      const running = this.run(dir);
      this.dirs.set(dir, { running });
      return running;
    }
    state.next ??= state.running
      .catch(() => undefined)
      .then(() => {
        const running = this.run(dir);
        state.running = running;
        state.next = undefined;
        return running;
      });
    return state.next;
  }

  private run(dir: string): Promise<void> {
    const running: Promise<void> = fsyncDir(dir).finally(() => {
      const state = this.dirs.get(dir);
      if (state?.running === running && state.next === undefined) this.dirs.delete(dir);
    });
    return running;
  }
}
