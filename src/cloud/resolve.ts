import { Token } from 'cdktf';
import { resolve as cdktfResolve } from 'cdktf/lib/_tokens';
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
 * - a string that holds a token marker (`TfToken[`), a number's encoding
 *   (`e+`: every encoded number token prints as `-1.…e+2…`), or one of the
 *   map token placeholders;
 * - a number that could be an encoded token (magnitude ≥ 1e280, not finite)
 *   or the number map placeholder;
 * - an array holding such a value (cdktf reads list tokens off the array);
 * - an object that is not a plain object (an `IResolvable`, a `Date`, a
 *   construct, any class instance), has a `resolve` function, looks like a
 *   construct, or has a key that is not plain;
 * - a function, and anything nested deeper than {@link MAX_PLAIN_DEPTH}.
 *
 * Those values resolve in the context cdktf would give them: on the way down
 * through plain objects and arrays cdktf carries nothing but the key path,
 * which only its error messages show (an error raised in a handed-over value
 * names the path from that value down, not from the element's root).
 */
export function resolveTerraform(scope: IConstruct, value: unknown): unknown {
  return walk(scope, value, 0);
}

/** Depth past which the walk hands over to cdktf, whose limit (200) reports cycles. */
export const MAX_PLAIN_DEPTH = 100;

function walk(scope: IConstruct, value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'undefined':
    case 'boolean':
    case 'bigint':
    case 'symbol':
      return value;
    case 'string':
      return plainString(value) ? value : cdktfResolve(scope, value);
    case 'number':
      return plainNumber(value) ? value : cdktfResolve(scope, value);
    case 'object':
      break;
    default:
      return cdktfResolve(scope, value);
  }
  if (value === null) return null;
  if (depth > MAX_PLAIN_DEPTH) return cdktfResolve(scope, value);
  if (Array.isArray(value)) {
    for (const item of value) {
      if ((typeof item === 'string' && !plainString(item)) || (typeof item === 'number' && !plainNumber(item))) {
        return cdktfResolve(scope, value);
      }
    }
    const result: unknown[] = [];
    for (const item of value) {
      const resolved = walk(scope, item, depth + 1);
      if (resolved !== undefined) result.push(resolved);
    }
    return result;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  const obj = value as Record<string, unknown>;
  if ((proto !== Object.prototype && proto !== null) || typeof obj.resolve === 'function'
    || (obj._children !== undefined && obj._metadata !== undefined)) {
    return cdktfResolve(scope, value);
  }
  const keys = Object.keys(obj);
  for (const key of keys) if (!plainString(key)) return cdktfResolve(scope, value);
  const result: Record<string, unknown> = {};
  for (const key of keys) {
    const resolved = walk(scope, obj[key], depth + 1);
    if (resolved !== undefined) result[key] = resolved;
  }
  return result;
}

/** A string cdktf's resolver returns unchanged, without throwing. */
function plainString(s: string): boolean {
  return !s.includes('TfToken[') && !s.includes('e+') && s !== Token.STRING_MAP_TOKEN_VALUE && s !== Token.ANY_MAP_TOKEN_VALUE;
}

/** A number that cannot be an encoded token (those are negative, of magnitude above 1e288) nor the map placeholder. */
function plainNumber(n: number): boolean {
  return Number.isFinite(n) && Math.abs(n) < 1e280 && n !== Token.NUMBER_MAP_TOKEN_VALUE;
}
