import { describeUnexpected } from '../../src/cli/unexpected';

const RUNNER = Symbol.for('platform-definition/run');

test('an unexpected error shows its stack; from a bundle, with how to see TypeScript lines', () => {
  const err = new Error('boom');
  expect(describeUnexpected(err)).toBe(err.stack);
  (globalThis as Record<symbol, unknown>)[RUNNER] = { file: 'scripts/run.cjs', hashes: {} };
  try {
    expect(describeUnexpected(err)).toBe(`${err.stack}\n(Stack lines point into the bundle that scripts/run.cjs built. For TypeScript files and lines, run again with PLATFORM_RUN_TSX=1.)`);
    expect(describeUnexpected('not an error')).toContain('not an error\n(Stack lines point into the bundle');
  } finally {
    delete (globalThis as Record<symbol, unknown>)[RUNNER];
  }
});
