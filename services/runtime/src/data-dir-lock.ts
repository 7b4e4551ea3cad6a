import { chmod, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { PRIVATE_DIR, PRIVATE_FILE } from '@custody/durable-fs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@custody/errors';

/**
 * One process per data directory: two embedded instances appending to the same logs would
 * corrupt them. A lock left by a process that no longer exists (SIGKILL, power loss) is taken over.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
  // a directory made by an older version (0755) is closed too: nothing beneath it is reachable by others
  await chmod(dir, PRIVATE_DIR).catch((err: NodeJS.ErrnoException) => {
    throw new ConfigError(`CUSTODY_DATA_DIR ${dir} cannot be made private (chmod 0700: ${err.code}); the service user must own it`);
  });
  const path = join(dir, 'custody.lock');
  // a holder killed a moment ago may still be exiting: give it a few seconds before refusing
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const handle = await open(path, 'wx', PRIVATE_FILE);
      await handle.writeFile(String(process.pid));
      await handle.sync();
      await handle.close();
      return async () => {
        await unlink(path).catch(() => undefined);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        if (attempt < 49) {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        throw new ConfigError(`CUSTODY_DATA_DIR ${dir} is in use by process ${pid}; stop it or choose another directory`);
      }
      await unlink(path).catch(() => undefined);
    }
  }
  throw new ConfigError(`CUSTODY_DATA_DIR ${dir}: could not take the lock file ${path}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // a zombie answers signal 0 but holds nothing
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
