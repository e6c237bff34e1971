// node:assert/strict for the isolate's Node.js compatibility set (see assert.js).
'use strict';
module.exports = require('assert').strict;
