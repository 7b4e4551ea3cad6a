'use strict';
// Hand-written, not built: the runtime finds the console's static files through this package
// (require('@custody/console').consoleDir) and serves them under `/`. `npm run build` fills dist/.
const path = require('node:path');
const { BUDGET_BYTES, measureChunks, measureFirstPage } = require('./bundle-size');

/** Absolute path of the built console: index.html and assets/ (hashed file names, cacheable for ever). */
exports.consoleDir = path.join(__dirname, 'dist');
exports.BUNDLE_BUDGET_BYTES = BUDGET_BYTES;
/** The built first page's gzip JavaScript, file by file, and what would break it under the CSP. */
exports.firstPageBundle = () => measureFirstPage(exports.consoleDir);
/** Every JavaScript chunk of the build, gzip sizes, largest first. */
exports.bundleChunks = () => measureChunks(exports.consoleDir);
