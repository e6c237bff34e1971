'use strict';
const t = require('tap');
const { runConformance } = require('./run');
const { createWebDriver } = require('./drivers/web');

runConformance(t, createWebDriver());
