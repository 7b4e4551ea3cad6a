/** A topic or group name as one safe file name: no separators, and no dots, so never `.` or `..`. */
export function fileName(name: string): string {
  return encodeURIComponent(name).replace(/\./g, '%2E');
}

/** Runs async work one at a time, in call order. */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
