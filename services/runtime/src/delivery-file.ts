import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { DeliveryLimits } from '@custody/connector-kit';
import type { Config } from '@custody/config';
import { RejectedInputError } from '@custody/errors';

/** The bounds the gateway puts on one webhook request, so `normalize` shows what a delivery would really yield. */
export function webhookLimits(config: Config): DeliveryLimits & { maxBodyBytes: number } {
  return {
    maxBodyBytes: config.CUSTODY_MAX_BODY_BYTES,
    maxEvents: config.CUSTODY_MAX_EVENTS_PER_DELIVERY,
    maxEnvelopeBytes: config.CUSTODY_MAX_RECORD_BYTES_PER_DELIVERY,
  };
}

/**
 * A payload file no larger than a webhook body may be, read whole; a larger one is refused (413, as
 * the gateway would) before any of it is read, so memory never follows the file's size.
 */
export function readDeliveryFile(path: string, maxBytes: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const { size } = fstatSync(fd);
    if (size > maxBytes) {
      throw new RejectedInputError('body_too_large', `${path} is ${size} bytes; a webhook body may be at most ${maxBytes} (CUSTODY_MAX_BODY_BYTES)`, 413);
    }
    const buf = Buffer.alloc(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}
