'use strict';
// The conformance suite against the isolate executor (dist/runtime).
const t = require('tap');
const { runConformance } = require('./run');
const { createIsolateDriver } = require('./drivers/isolate');

runConformance(t, createIsolateDriver());
