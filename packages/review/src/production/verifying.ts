import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { IntegrityError } from '@custody/errors';

/**
 * Passes content through and fails the stream when it does not hash to `expected`: whoever reads it
 * (an HTTP response, a package being written) never gets altered content as a complete result.
 */
export function verifying(body: Readable, expected: string, what: string): Transform {
  const hash = createHash('sha256');
  const verify = new Transform({
    transform(chunk: Buffer, _e, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      const actual = hash.digest('hex');
      done(actual === expected ? null : new IntegrityError(`${what}: content hashes to ${actual}, expected ${expected}`));
    },
  });
  body.pipe(verify);
  body.on('error', (err) => verify.destroy(err));
  // a reader that stops early (a document that only needed to know the content exists) releases the source too
  verify.once('close', () => body.destroy());
  return verify;
}
