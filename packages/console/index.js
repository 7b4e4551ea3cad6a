'use strict';
// Hand-written, not built: the runtime finds the console's static files through this package
// (require('@custody/console').consoleDir) and serves them under `/`. `npm run build` fills dist/.
const path = require('node:path');

/** Absolute path of the built console: index.html and assets/ (hashed file names, cacheable for ever). */
exports.consoleDir = path.join(__dirname, 'dist');
