import { UsageError, parseFlags } from '../../src/cli/args';
import { parsePromoteArgs } from '../../src/cli/promote';

const FLAGS = { 'base': { type: 'string' }, 'exit-code': { type: 'boolean' } } as const;

describe('parseFlags', () => {
  test('reads --flag value, --flag=value and boolean flags', () => {
    expect(parseFlags(['--base', 'main', '--exit-code'], FLAGS).values).toEqual({ 'base': 'main', 'exit-code': true });
    expect(parseFlags(['--base=main'], FLAGS).values).toEqual({ base: 'main' });
    expect(parseFlags([], FLAGS).values).toEqual({});
  });

  test.each([
    [['--verbose'], 'unknown argument "--verbose"'],
    [['--verbose=1'], 'unknown argument "--verbose=1"'],
    [['main'], 'unknown argument "main"'],
    [['--base'], '--base needs a value'],
    [['--base='], '--base needs a value'],
    [['--base', '--exit-code'], '--base needs a value'],
    [['--exit-code=yes'], '--exit-code takes no value (received "yes")'],
  ])('%j: %s', (argv, message) => {
    expect(() => parseFlags(argv, FLAGS)).toThrow(new UsageError(message));
  });

  test('positional arguments when the command takes them', () => {
    expect(parseFlags(['a', '--base', 'b', 'c'], FLAGS, { positionals: true }).positionals).toEqual(['a', 'c']);
  });
});

describe('parsePromoteArgs', () => {
  test('apps, or --all, and where to', () => {
    expect(parsePromoteArgs(['web', 'api', '--to', 'prod', '--from=staging', '--version', '1.2.3']))
      .toEqual({ apps: ['web', 'api'], all: false, to: 'prod', from: 'staging', version: '1.2.3' });
    expect(parsePromoteArgs(['--all', '--to', 'staging'])).toEqual({ apps: [], all: true, to: 'staging', from: undefined, version: undefined });
  });

  test('says what is missing or unknown', () => {
    expect(() => parsePromoteArgs(['web'])).toThrow('say which environment to promote to: --to <env>');
    expect(() => parsePromoteArgs(['web', '--to', 'prod', '--force'])).toThrow('unknown argument "--force"');
  });
});
