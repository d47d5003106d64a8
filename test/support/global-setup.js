'use strict';
module.exports = require('./leftovers').setup;
