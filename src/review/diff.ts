import { FieldChange, diffFields, sameJson } from './fields';
import { ObjectId, ParsedTree, ReviewObject, compare, parseTree } from './objects';
import type { FileTree } from '../synth/write';

/** What happened to one object between two trees. */
export interface ObjectChange extends ObjectId {
  /** The object's identity after the change (before, for a removal). */
  readonly key: string;
  readonly layer: ReviewObject['layer'];
  readonly status: 'added' | 'removed' | 'changed';
  /** The file it is in after the change (before, for a removal). */
  readonly file: string;
  /** Set when a changed object had another identity or file before: a hash-suffixed ConfigMap renamed with its content, an apiVersion bump, a move. */
  readonly before?: { readonly key: string; readonly name: string; readonly apiVersion: string; readonly file: string };
  /** The app directory it belongs to (`apps/<app>/`), if any. */
  readonly app?: string;
  /** For a changed object, every field that differs. */
  readonly fields: readonly FieldChange[];
  /** The object before (changed, removed) and after (changed, added). */
  readonly old?: unknown;
  readonly new?: unknown;
}

export interface DiffOptions {
  /**
   * Pair a removed and an added object that are the same thing under a new
   * identity (names differing only in a content-hash suffix, or only the
   * apiVersion differs) and show them as one change. @default true
   */
  readonly pairRenames?: boolean;
}

/** Every object that differs between two rendered trees, sorted by environment, then identity. Pure. */
export function diffTrees(base: FileTree | ParsedTree, head: FileTree | ParsedTree, options: DiffOptions = {}): ObjectChange[] {
  const before = asParsed(base);
  const after = asParsed(head);
  const oldByKey = new Map(before.objects.map((o) => [o.key, o]));
  const newByKey = new Map(after.objects.map((o) => [o.key, o]));
  const changes: ObjectChange[] = [];
  const removed: ReviewObject[] = [];
  const added: ReviewObject[] = [];
  for (const o of before.objects) {
    const n = newByKey.get(o.key);
    if (!n) {
      removed.push(o);
    } else if (!sameJson(o.body, n.body) || o.file !== n.file) {
      changes.push(changed(o, n));
    }
  }
  for (const n of after.objects) if (!oldByKey.has(n.key)) added.push(n);

  if (options.pairRenames ?? true) {
    for (const [o, n] of pairs(removed, added)) {
      removed.splice(removed.indexOf(o), 1);
      added.splice(added.indexOf(n), 1);
      changes.push(changed(o, n));
    }
  }
  for (const o of removed) changes.push({ ...identity(o), status: 'removed', fields: [], old: o.body });
  for (const n of added) changes.push({ ...identity(n), status: 'added', fields: [], new: n.body });
  return changes.sort((x, y) => compare(x.environment, y.environment) || compare(x.key, y.key));
}

function asParsed(tree: FileTree | ParsedTree): ParsedTree {
  return tree instanceof Map ? parseTree(tree) : tree as ParsedTree;
}

function identity(o: ReviewObject): Omit<ObjectChange, 'status' | 'fields'> {
  return {
    environment: o.environment,
    apiVersion: o.apiVersion,
    kind: o.kind,
    namespace: o.namespace,
    name: o.name,
    key: o.key,
    layer: o.layer,
    file: o.file,
    app: appOf(o.file),
  };
}

function changed(o: ReviewObject, n: ReviewObject): ObjectChange {
  const moved = o.key !== n.key || o.file !== n.file;
  return {
    ...identity(n),
    status: 'changed',
    before: moved ? { key: o.key, name: o.name, apiVersion: o.apiVersion, file: o.file } : undefined,
    fields: diffFields(o.body, n.body),
    old: o.body,
    new: n.body,
  };
}

/** `prod/apps/web/deployment-web.yaml` → `web`. */
function appOf(file: string): string | undefined {
  const m = /^[^/]+\/apps\/([^/]+)\//.exec(file);
  return m ? m[1] : undefined;
}

/** A trailing `-<hex>` of 6+ characters: how ConfigMaps and Secrets named by their content end. */
const HASH_SUFFIX = /^(.*)-[0-9a-f]{6,}$/;

/**
 * Removed/added objects that are one object renamed: same environment,
 * kind and namespace, and either the same name under another apiVersion, or
 * names that differ only in a content-hash suffix (`web-config-0a1b2c3d4e`).
 * Pairs only when each side has exactly one candidate, so nothing is guessed.
 */
function pairs(removed: readonly ReviewObject[], added: readonly ReviewObject[]): [ReviewObject, ReviewObject][] {
  const groupKey = (o: ReviewObject, how: 'version' | 'hash') => {
    if (o.layer !== 'kubernetes') return undefined;
    if (how === 'version') return [o.environment, o.apiVersion.split('/').length > 1 ? o.apiVersion.split('/')[0] : '', o.kind, o.namespace ?? '', o.name].join('|');
    const m = HASH_SUFFIX.exec(o.name);
    return m ? [o.environment, o.apiVersion, o.kind, o.namespace ?? '', m[1]].join('|') : undefined;
  };
  const out: [ReviewObject, ReviewObject][] = [];
  const used = new Set<ReviewObject>();
  for (const how of ['version', 'hash'] as const) {
    const group = (list: readonly ReviewObject[]) => {
      const m = new Map<string, ReviewObject[]>();
      for (const o of list) {
        if (used.has(o)) continue;
        const k = groupKey(o, how);
        if (k !== undefined) m.set(k, [...(m.get(k) ?? []), o]);
      }
      return m;
    };
    const gone = group(removed);
    const come = group(added);
    for (const [k, olds] of gone) {
      const news = come.get(k);
      if (olds.length === 1 && news?.length === 1) {
        out.push([olds[0], news[0]]);
        used.add(olds[0]);
        used.add(news[0]);
      }
    }
  }
  return out;
}
