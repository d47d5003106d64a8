import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { App, Fn, Lazy, TerraformStack, Token } from 'cdktf';
import { resolve as cdktfResolve } from 'cdktf/lib/_tokens';
import * as fc from 'fast-check';
import { resolveTerraform } from '../../src/cloud/resolve';

const app = new App({ outdir: 'unused', stackTraces: false, skipValidation: true });
const stack = new TerraformStack(app, 'dev');
const account = new ServiceAccount(stack, 'sa', { accountId: 'web', project: 'p' });

/** Values cdktf resolves to something else than themselves: every token kind our stacks (and escape hatches) can hold. */
const TOKENS: Record<string, () => unknown> = {
  'a reference': () => account.email,
  'a reference inside a string': () => `serviceAccount:${account.email}@x`,
  'a function call': () => Fn.lower(account.name),
  'a lazy string': () => Lazy.stringValue({ produce: () => 'lazy' }),
  'a number token': () => Lazy.numberValue({ produce: () => 3 }),
  'a number token inside a string': () => `replicas=${Lazy.numberValue({ produce: () => 4 })}`,
  'a number token printed without its +': () => `n=${String(Lazy.numberValue({ produce: () => 42 })).replace('e+', 'e')}`,
  'a list token': () => Lazy.listValue({ produce: () => ['a', 'b'] }),
  'a number list token': () => Token.asNumberList(Lazy.anyValue({ produce: () => [1, 2] })),
  'an IResolvable': () => Lazy.anyValue({ produce: () => ({ a: 1, b: undefined, c: [account.id] }) }),
  'a map token': () => Token.asStringMap(Lazy.anyValue({ produce: () => ({ k: 'v' }) })),
  'a token as a key': () => ({ [account.name]: 'value', plain: 1 }),
  'a plain object with a resolve function': () => ({ resolve: () => ({ produced: account.email }) }),
};

/** Plain values that look like tokens to a careless check, or that cdktf treats specially without changing them. */
const LOOKALIKES: readonly unknown[] = [
  '${var.region}', 'a}b', '$${x}', 'TfToken', '1e+5', '1e5', '-1.5e+300', 'e+', 'e5', '1e', '#{x}', '&{y}', 'sha256:3e4f', 'x|e|y',
  1e300, -1e300, Infinity, -Infinity, Number.NaN, -0, 0.5, new Date(0), true, false, null, undefined,
];

describe('resolveTerraform(scope, value) is cdktf\'s resolve(scope, value)', () => {
  test.each(Object.entries(TOKENS))('for %s', (_name, make) => {
    const value = { nested: [make(), { deeper: make() }], top: make() };
    const ours = resolveTerraform(stack, value);
    expect(ours).toStrictEqual(cdktfResolve(stack, value));
    expect(JSON.stringify(ours)).not.toMatch(/TfToken|e\+298/);
  });

  test('for any mix of plain values, lookalikes and tokens, at any depth', () => {
    const key = fc.oneof(fc.constantFrom('a', 'b', 'depends_on', '0', '10', '${x}', 'e+1', 'resolve'), fc.string({ maxLength: 5 }));
    const { value } = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.string({ maxLength: 8 }),
        fc.integer(),
        fc.double(),
        fc.constantFrom(...LOOKALIKES),
        fc.constantFrom(...Object.keys(TOKENS)).map((name) => TOKENS[name]()),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(key.filter((k) => k !== '__proto__' && k !== 'resolve'), tie('value'), { maxKeys: 5 }),
      ),
    }));
    fc.assert(fc.property(value, (v) => {
      // Both return the same value, or both throw (a list token spread among other items, say).
      expect(outcome(() => resolveTerraform(stack, v))).toStrictEqual(outcome(() => cdktfResolve(stack, v)));
    }), { numRuns: 500 });
  });

  test.each([150, 199, 200, 201, 202, 250, 302])('for plain nesting %i levels deep, up to cdktf\'s limit and past it (same result or same error)', (levels) => {
    let deep: unknown = { leaf: account.email, n: 1 };
    for (let i = 0; i < levels; i++) deep = i % 2 ? { [`k${i % 3}`]: deep, n: i } : [deep, 'x'];
    expect(outcome(() => resolveTerraform(stack, deep), true)).toStrictEqual(outcome(() => cdktfResolve(stack, deep), true));
  });

  test('copies objects and arrays and leaves out undefined members, as cdktf does', () => {
    const input = { a: [1, undefined, 'x'], b: undefined, c: { d: undefined } };
    const ours = resolveTerraform(stack, input) as Record<string, unknown>;
    expect(ours).toStrictEqual({ a: [1, 'x'], c: {} });
    expect(ours.c).not.toBe(input.c);
  });
});

describe('resolveTerraform throws where cdktf throws', () => {
  const cases: Array<[string, unknown]> = [
    ['a function', () => 1],
    ['the string map placeholder', Token.STRING_MAP_TOKEN_VALUE],
    ['the any map placeholder', Token.ANY_MAP_TOKEN_VALUE],
    ['the number map placeholder', Token.NUMBER_MAP_TOKEN_VALUE],
    ['an unknown encoded number in a string', '-8.2e298'],
    ['a list token among other items', ['x', ...Lazy.listValue({ produce: () => ['c'] })]],
    ['a list token in a string', `x-${Lazy.listValue({ produce: () => ['a'] })[0]}`],
    ['a construct', account],
    ['a cycle', (() => { const o: Record<string, unknown> = {}; o.self = o; return o; })()],
  ];
  test.each(cases)('%s, with the same message at the top level', (_name, value) => {
    const theirs = () => cdktfResolve(stack, value);
    expect(theirs).toThrow();
    expect(() => resolveTerraform(stack, value)).toThrow(captureMessage(theirs));
  });
  test.each(cases)('%s, nested in plain objects, with the same message (which names the path)', (_name, value) => {
    const nested = { a: [{ b: value }] };
    const theirs = () => cdktfResolve(stack, nested);
    expect(theirs).toThrow();
    expect(() => resolveTerraform(stack, nested)).toThrow(captureMessage(theirs));
  });
});

/** What a call returned, or that it threw (and, with `message`, what it said). */
function outcome(fn: () => unknown, message = false): { readonly returned: unknown } | { readonly threw: string | true } {
  try {
    return { returned: fn() };
  } catch (e) {
    return { threw: message ? (e as Error).message : true };
  }
}

function captureMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('did not throw');
}
