'use strict';
// A host without php, java or javac: `isola serve` says at start which runtimes it cannot run and
// why ("Php7, …: php not found in PATH"), and invoking a function on one answers
// FailedOperation.InvokeFunction naming what is missing — never an internal error or a hang.
// The server's PATH is a copy of /usr/bin without those commands.
const t = require('tap');
const fs = require('node:fs');
const path = require('node:path');
const { startServer, expectApiError } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');

const MISSING = new Set(['php', 'java', 'javac', 'jar']);

t.test('php and a JDK absent: reported at start, invoking answers the reason', async (t) => {
  const bin = t.testdir();
  for (const name of fs.readdirSync('/usr/bin')) {
    if (!MISSING.has(name) && !/^php\d/.test(name)) fs.symlinkSync(path.join('/usr/bin', name), path.join(bin, name));
  }
  const server = await startServer(t, { env: { PATH: `${bin}:/usr/local/bin` } });
  const out = server.output();
  t.match(out, /\[platform\] subprocess runtimes available: .*Python3\.9.*Go1/);
  t.match(out, /\[platform\] not available on this host: Php7, Php7\.2, Php7\.4, Php8\.0: php not found in PATH \(Debian: php-cli\)/);
  t.match(out, /\[platform\] not available on this host: Java8, Java11: java not found in PATH/);

  const client = server.client();
  await createFunction(client, 'php', { 'index.php': '<?php function main_handler($event, $context) { return $event; }\n' }, { Runtime: 'Php8.0' });
  const err = await expectApiError(t, client.Invoke({ FunctionName: 'php' }), 'FailedOperation.InvokeFunction', 'PHP not runnable here');
  t.match(err?.message, /Runtime Php8\.0 is not available on this host: php not found in PATH/);
});
