'use strict';
// The conformance suite against the process executor's Node.js runtime (dist/native).
const t = require('tap');
const { runConformance } = require('./run');
const { createNodejsProcessDriver } = require('./drivers/process');

runConformance(t, createNodejsProcessDriver());
