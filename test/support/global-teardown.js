'use strict';
module.exports = require('./leftovers').teardown;
