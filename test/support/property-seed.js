// Property-based tests (fast-check) draw new random values on every run, which
// is how they find rare bugs locally. In CI (CI=true) they draw the same
// values every run, so that main cannot turn red on a draw: a failing run
// prints its seed, and FAST_CHECK_SEED=<seed> replays it anywhere.
'use strict';
const fc = require('fast-check');

const fromEnv = process.env.FAST_CHECK_SEED;
if (fromEnv !== undefined && fromEnv !== '') {
  fc.configureGlobal({ seed: Number(fromEnv) });
} else if (process.env.CI === 'true' || process.env.CI === '1') {
  fc.configureGlobal({ seed: 20261122 });
}
