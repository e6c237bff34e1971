'use strict';
// The conformance suite against the process executor's Java runtime (dist/native), on the machine's
// JDK with Debian's Gson (libgoogle-gson-java); the fixtures are compiled with javac first.
const t = require('tap');
const { runConformance } = require('./run');
const { createJavaDriver } = require('./drivers/process');

runConformance(t, createJavaDriver());
