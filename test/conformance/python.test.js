'use strict';
// The conformance suite against the process executor's Python runtime (dist/native).
const t = require('tap');
const { runConformance } = require('./run');
const { createPythonDriver } = require('./drivers/process');

runConformance(t, createPythonDriver());
