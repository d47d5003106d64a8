import { describeUnexpected } from '../../src/cli/unexpected';

test('an unexpected error shows its stack, which names TypeScript files and lines', () => {
  const err = new Error('boom');
  expect(describeUnexpected(err)).toBe(err.stack);
  expect(describeUnexpected(err)).toMatch(/unexpected\.test\.ts:\d+:\d+/);
  expect(describeUnexpected('not an error')).toBe('not an error');
});
