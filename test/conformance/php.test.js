'use strict';
// The conformance suite against the process executor's PHP runtime (dist/native), on Debian's php-cli.
const t = require('tap');
const { runConformance } = require('./run');
const { createPhpDriver } = require('./drivers/process');

runConformance(t, createPhpDriver());
