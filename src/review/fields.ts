import { compare, isObject } from './objects';
import { unifiedDiff } from './text-diff';

/** One difference inside an object. */
export interface FieldChange {
  /**
   * Where, e.g. `spec.template.spec.containers[name=web].image` or
   * `data["features.yaml"]`: items of arrays whose items all have a unique
   * `name` (or `secretKey`, `topologyKey`, `host`) are addressed by it, not by index.
   */
  readonly path: string;
  /** The object keys along `path`, without array selectors: `['spec', 'template', 'spec', 'containers', 'image']`. */
  readonly keys: readonly string[];
  /** `added` / `removed`: the field or array item exists on one side only; `reordered`: same named items, other order. */
  readonly change: 'added' | 'removed' | 'changed' | 'reordered';
  /** The value before (absent when added). */
  readonly old?: unknown;
  /** The value after (absent when removed). */
  readonly new?: unknown;
  /** For multi-line text: a unified diff of old → new. */
  readonly textDiff?: readonly string[];
}

/** Keys that identify array items, tried in order: the first one every item has, uniquely, on both sides. */
const ITEM_KEYS = ['name', 'secretKey', 'topologyKey', 'host'] as const;

/** Every difference between two JSON values, in a stable order. Pure. */
export function diffFields(before: unknown, after: unknown): FieldChange[] {
  const out: FieldChange[] = [];
  walk(before, after, '', [], out);
  return out;
}

function walk(a: unknown, b: unknown, path: string, keys: readonly string[], out: FieldChange[]): void {
  if (a === undefined && b === undefined) return;
  if (a === undefined) {
    out.push(withText({ path: path || '(root)', keys, change: 'added', new: b }));
    return;
  }
  if (b === undefined) {
    out.push(withText({ path: path || '(root)', keys, change: 'removed', old: a }));
    return;
  }
  if (isObject(a) && isObject(b)) {
    const all = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(compare);
    for (const k of all) walk(a[k], b[k], join(path, k), [...keys, k], out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    walkArrays(a, b, path, keys, out);
    return;
  }
  if (!sameJson(a, b)) out.push(withText({ path: path || '(root)', keys, change: 'changed', old: a, new: b }));
}

function walkArrays(a: readonly unknown[], b: readonly unknown[], path: string, keys: readonly string[], out: FieldChange[]): void {
  if (sameJson(a, b)) return;
  const itemKey = ITEM_KEYS.find((k) => isKeyed(a, k) && isKeyed(b, k) && a.length + b.length > 0);
  if (itemKey) {
    const byKey = (list: readonly unknown[]) => new Map(list.map((item) => [(item as Record<string, string>)[itemKey], item]));
    const before = byKey(a);
    const after = byKey(b);
    const names = [...before.keys(), ...[...after.keys()].filter((n) => !before.has(n))];
    for (const n of names) walk(before.get(n), after.get(n), `${path}[${itemKey}=${n}]`, keys, out);
    const commonBefore = [...before.keys()].filter((n) => after.has(n));
    const commonAfter = [...after.keys()].filter((n) => before.has(n));
    if (commonBefore.join('\0') !== commonAfter.join('\0')) {
      out.push({ path, keys, change: 'reordered', old: commonBefore, new: commonAfter });
    }
    return;
  }
  if ([...a, ...b].every((x) => x === null || typeof x !== 'object')) {
    // A list of scalars (args, finalizers, CIDRs): shown whole.
    out.push({ path, keys, change: 'changed', old: a, new: b });
    return;
  }
  // Items without a name (NetworkPolicy peers and ports, tolerations, webhook rules): items equal on
  // both sides anchor the comparison, so inserting one item shows one added item, not every later
  // item changed. Between anchors, items pair up in order; the rest were added or removed.
  // Paths index the array after the change (before it, for removed items).
  const anchors = commonItems(a, b);
  let i = 0;
  let j = 0;
  for (const [ai, bj] of [...anchors, [a.length, b.length]]) {
    while (i < ai && j < bj) walk(a[i++], b[j], `${path}[${j++}]`, keys, out);
    while (i < ai) walk(a[i], undefined, `${path}[${i++}]`, keys, out);
    while (j < bj) walk(undefined, b[j], `${path}[${j++}]`, keys, out);
    i = ai + 1;
    j = bj + 1;
  }
}

/** Above this many item pairs, the middle of two arrays is compared by index (time and memory grow with the product). */
const MAX_ALIGNED_CELLS = 250_000;

/**
 * Index pairs of equal items, in order: the equal items at the start and the
 * end, and between them a longest common subsequence (when small enough).
 */
function commonItems(a: readonly unknown[], b: readonly unknown[]): [number, number][] {
  let start = 0;
  while (start < a.length && start < b.length && sameJson(a[start], b[start])) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && sameJson(a[a.length - 1 - end], b[b.length - 1 - end])) end++;
  const pairs: [number, number][] = [];
  for (let i = 0; i < start; i++) pairs.push([i, i]);
  const n = a.length - start - end;
  const m = b.length - start - end;
  if (n > 0 && m > 0 && n * m <= MAX_ALIGNED_CELLS) {
    const ka = a.slice(start, start + n).map(canonical);
    const kb = b.slice(start, start + m).map(canonical);
    // lengths[i][j]: the longest common subsequence of ka[i..] and kb[j..].
    const lengths = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lengths[i][j] = ka[i] === kb[j] ? lengths[i + 1][j + 1] + 1 : Math.max(lengths[i + 1][j], lengths[i][j + 1]);
      }
    }
    for (let i = 0, j = 0; i < n && j < m;) {
      if (ka[i] === kb[j]) pairs.push([start + i++, start + j++]);
      else if (lengths[i + 1][j] >= lengths[i][j + 1]) i++;
      else j++;
    }
  }
  for (let k = end; k > 0; k--) pairs.push([a.length - k, b.length - k]);
  return pairs;
}

/** A JSON value as text with sorted keys: equal values, equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) return `{${Object.keys(value).sort(compare).map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

function isKeyed(list: readonly unknown[], key: string): boolean {
  const seen = new Set<string>();
  for (const item of list) {
    if (!isObject(item) || typeof item[key] !== 'string' || seen.has(item[key] as string)) return false;
    seen.add(item[key] as string);
  }
  return true;
}

function withText(change: FieldChange): FieldChange {
  const { old: a, new: b } = change;
  const multiLine = (v: unknown) => typeof v === 'string' && v.includes('\n');
  if ((multiLine(a) || multiLine(b)) && (a === undefined || typeof a === 'string') && (b === undefined || typeof b === 'string')) {
    return { ...change, textDiff: unifiedDiff(a ?? '', b ?? '') };
  }
  return change;
}

/** `a.b`, or `a["app.kubernetes.io/name"]` for keys that are not plain identifiers. */
function join(path: string, key: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

/** Deep equality of JSON values (key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && sameJson(a[k], b[k]));
  }
  return false;
}
