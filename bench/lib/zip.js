'use strict';
/**
 * Function packages built in memory, with the test suite's zip writer
 * (test/helpers/zip.js: deflated files, unix modes).
 *
 *   zipFiles({ 'index.js': 'exports.main_handler = async () => 1' }) → Buffer
 */
const { makeZip } = require('../../test/helpers/zip');

/** `{ name: text or Buffer }` → the zip archive. */
const zipFiles = (files) => makeZip(files);

module.exports = { zipFiles };
