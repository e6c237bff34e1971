'use strict';
// Creates functions for tests from in-memory files.
const { makeZip } = require('./zip');

/**
 * CreateFunction with `files` ({ 'index.js': source, ... }) as its code.
 * Defaults: runtime Isolate, handler index.main_handler, namespace default.
 */
async function createFunction(client, name, files, params = {}) {
  await client.CreateFunction({
    FunctionName: name,
    Runtime: 'Isolate',
    Handler: 'index.main_handler',
    Code: { ZipFile: makeZip(files).toString('base64') },
    ...params,
  });
}

/** Invoke with LogType Tail; returns the API's Result. */
async function invoke(client, name, event = {}, params = {}) {
  const { Result } = await client.Invoke({ FunctionName: name, ClientContext: JSON.stringify(event), LogType: 'Tail', ...params });
  return Result;
}

module.exports = { createFunction, invoke };
