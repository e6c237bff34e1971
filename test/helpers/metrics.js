'use strict';
// Reads the server's /metrics exposition: one sample, or the calls of a
// function running now (what a test waits on before it relies on a call
// having reached its instance, rather than on a fixed sleep).
const { request } = require('./http');

/** The value of one sample line of the exposition, or undefined. */
function sample(text, name, labels) {
  const wanted = `${name}{${labels}} `;
  const line = text.split('\n').find((l) => l.startsWith(wanted));
  return line === undefined ? undefined : Number(line.slice(wanted.length));
}

/** Calls of function `name` (every version and alias series of namespace default) running now. */
async function runningCalls(server, name) {
  const text = (await request(`${server.url}/metrics`)).body.toString();
  const prefix = 'isola_function_concurrent_executions{namespace="default",';
  const own = `function="${name}",`;
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix) || !line.includes(own)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

module.exports = { sample, runningCalls };
