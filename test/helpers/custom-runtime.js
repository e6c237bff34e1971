'use strict';
// Custom runtime functions for the executor-level tests: the Python scf_bootstrap fixture
// (test/fixtures/custom/scf_bootstrap, modes kept) deployed on a process executor.
const fs = require('node:fs');
const path = require('node:path');
const { processExecutor } = require('./process-executor');

const BOOTSTRAP = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'custom', 'scf_bootstrap'), 'utf8');

/** Deploys `files` (default: the fixture bootstrap) as a CustomRuntime version; `mode` is scf_bootstrap's. */
function deployCustom(t, { files = { scf_bootstrap: BOOTSTRAP }, mode = 0o755, executor = {}, ...over } = {}) {
  const { deploy, ex } = processExecutor(t, executor);
  const fn = deploy(files, { runtime: 'CustomRuntime', handler: 'anything', ...over });
  if (files.scf_bootstrap !== undefined) fs.chmodSync(path.join(fn.spec.codeDir, 'scf_bootstrap'), mode);
  return { fn, ex };
}

module.exports = { deployCustom, BOOTSTRAP };
