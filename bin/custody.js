#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI lives in services/runtime (built by `npm run build`).
let cli;
try {
  cli = require('../services/runtime/dist/cli.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND') {
    process.stderr.write('custody: not built yet; run `npm run build` first\n');
    process.exit(1);
  }
  throw err;
}
// A closed pipe (`custody normalize ... | head`) is a normal end for a filter, not a crash.
process.stdout.on('error', (err) => process.exit(err.code === 'EPIPE' ? 0 : 1));
// Exit once stdout is flushed: process.exit alone can cut off piped output; open client sockets would keep us alive.
cli.main(process.argv.slice(2)).then((code) => process.stdout.write('', () => process.exit(code)));
