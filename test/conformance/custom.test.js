'use strict';
// The conformance suite against the process executor's custom runtime (dist/native): the Python
// fixtures run by a Python scf_bootstrap over the HTTP runtime API.
const t = require('tap');
const { runConformance } = require('./run');
const { createCustomDriver } = require('./drivers/process');

runConformance(t, createCustomDriver());
