import { DefaultTokenResolver, StringConcat, Token } from 'cdktf';
import { resolve as cdktfResolve } from 'cdktf/lib/tokens/private/resolve';
import { IConstruct } from 'constructs';

/**
 * cdktf's `resolve(scope, value)` (what `TerraformStack.toTerraform()` runs on
 * every element's configuration), with the same result, in a fraction of the
 * time.
 *
 * cdktf's resolver allocates a key path and two resolution contexts for every
 * value it visits and runs three regular expressions over every string, only
 * to hand back most of the configuration unchanged: in our stacks, all but a
 * few strings per resource are plain. On plain JSON (plain objects and
 * arrays, strings without token markers, ordinary numbers) cdktf's walk is
 * the identity, except that it copies objects and arrays and leaves out
 * `undefined` members; this walk does exactly that, and hands every other
 * value, with everything under it, to cdktf's own resolver:
 *
 * - a string that holds a token marker (`TfToken[`), anything cdktf's
 *   resolver would read as an encoded number (a digit, sign, `.` or `|`, then
 *   `e`, then one of those or `E`: it parses every such run), or one of the
 *   map token placeholders;
 * - a number that could be an encoded token (magnitude ≥ 1e280, not finite)
 *   or the number map placeholder;
 * - an array holding such a value (cdktf reads list tokens off the array);
 * - an object that is not a plain object (an `IResolvable`, a `Date`, a
 *   construct, any class instance), has a `resolve` function, looks like a
 *   construct, or has a key that is not plain;
 * - a function, and anything nested deeper than cdktf allows (it reports a
 *   circular reference).
 *
 * Those values resolve in the context cdktf would give them: on the way down
 * through plain objects and arrays cdktf carries nothing but the key path,
 * which it is given too, so its errors (and its depth limit) are the same.
 */
export function resolveTerraform(scope: IConstruct, value: unknown): unknown {
  return walk(scope, value, []);
}

/** cdktf's own resolver, as `resolve()` from `cdktf/lib/_tokens` configures it. */
const RESOLVER = new DefaultTokenResolver(new StringConcat());
/** cdktf reports a circular reference past this many keys. */
const MAX_DEPTH = 200;

/** cdktf's resolve of `value`, found at `path` (a copy: the walk reuses its array). */
function handOver(scope: IConstruct, value: unknown, path: readonly string[]): unknown {
  return cdktfResolve(value, { scope, preparing: false, resolver: RESOLVER, prefix: [...path] });
}

function walk(scope: IConstruct, value: unknown, path: string[]): unknown {
  switch (typeof value) {
    case 'undefined':
    case 'boolean':
    case 'bigint':
    case 'symbol':
      return value;
    case 'string':
      return plainString(value) ? value : handOver(scope, value, path);
    case 'number':
      return plainNumber(value) ? value : handOver(scope, value, path);
    case 'object':
      break;
    default:
      return handOver(scope, value, path);
  }
  if (value === null) return null;
  if (path.length >= MAX_DEPTH) return handOver(scope, value, path);
  if (Array.isArray(value)) {
    for (const item of value) {
      if ((typeof item === 'string' && !plainString(item)) || (typeof item === 'number' && !plainNumber(item))) {
        return handOver(scope, value, path);
      }
    }
    const result: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) continue; // cdktf's map and filter skip holes
      path.push(String(i));
      const resolved = walk(scope, value[i], path);
      path.pop();
      if (resolved !== undefined) result.push(resolved);
    }
    return result;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  const obj = value as Record<string, unknown>;
  if ((proto !== Object.prototype && proto !== null) || typeof obj.resolve === 'function'
    || (obj._children !== undefined && obj._metadata !== undefined)) {
    return handOver(scope, value, path);
  }
  const keys = Object.keys(obj);
  for (const key of keys) if (!plainString(key)) return handOver(scope, value, path);
  const result: Record<string, unknown> = {};
  for (const key of keys) {
    path.push(key);
    const resolved = walk(scope, obj[key], path);
    path.pop();
    if (resolved !== undefined) result[key] = resolved;
  }
  return result;
}

/**
 * What cdktf's number-token pattern (`[-|\d|.\+]+(e[-|\d|.|e|E|\+]+)`) needs
 * somewhere in a string: an `e` between a character of its first class and
 * one of its second. Such a string goes to cdktf, which parses the run and
 * replaces it if it is an encoded number (or throws for an unknown one).
 */
const NUMBER_LIKE = /[-|\d.+]e[-|\d.eE+]/;

/** A string cdktf's resolver returns unchanged, without throwing. */
function plainString(s: string): boolean {
  return !s.includes('TfToken[') && !NUMBER_LIKE.test(s) && s !== Token.STRING_MAP_TOKEN_VALUE && s !== Token.ANY_MAP_TOKEN_VALUE;
}

/** A number that cannot be an encoded token (those are negative, of magnitude above 1e288) nor the map placeholder. */
function plainNumber(n: number): boolean {
  return Number.isFinite(n) && Math.abs(n) < 1e280 && n !== Token.NUMBER_MAP_TOKEN_VALUE;
}
