'use strict';
// The conformance suite against the process executor's Go runtime (dist/native): a Go program
// serving the cloud Go library's protocol, built here with Debian's golang-go.
const t = require('tap');
const { runConformance } = require('./run');
const { findGo } = require('./drivers/go-fixtures');

if (findGo() === null) {
  t.plan(0, 'go not found in PATH: the Go fixture cannot be built (Debian: golang-go; .ci/run installs it)');
} else {
  const { createGoDriver } = require('./drivers/process');
  runConformance(t, createGoDriver());
}
