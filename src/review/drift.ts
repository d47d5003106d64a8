import { ObjectChange, diffTrees } from './diff';
import { compare, describeObject } from './objects';
import type { FileTree } from '../synth/write';

/** How a file on disk differs from what the sources render. */
export interface FileDrift {
  /** Path relative to the output directory. */
  readonly file: string;
  /** `missing`: rendered, not on disk; `stray`: on disk, not rendered; `changed`: both, other content. */
  readonly status: 'missing' | 'stray' | 'changed';
  /** The objects of this file that differ. Empty when only comments or formatting differ. */
  readonly objects: readonly ObjectDrift[];
}

/** One object that differs. */
export interface ObjectDrift {
  readonly environment: string;
  /** e.g. `Deployment storefront/web`. */
  readonly object: string;
  /** `missing`: the sources render it, dist/ lacks it; `stray`: dist/ has it, the sources do not render it. */
  readonly status: 'missing' | 'stray' | 'changed';
  /** For `changed`: each field that differs, with the value on disk and the rendered one. */
  readonly fields: readonly { readonly path: string; readonly onDisk?: unknown; readonly rendered?: unknown }[];
}

/**
 * Every difference between the files the sources render (`expected`) and the
 * files on disk (`actual`), by file, then by object: any byte counts, so a
 * hand edit, a stray file or a missing one is drift. Pure.
 */
export function findDrift(expected: FileTree, actual: FileTree): FileDrift[] {
  const files = [...new Set([...expected.keys(), ...actual.keys()])].sort(compare);
  const differing = files.filter((f) => expected.get(f) !== actual.get(f));
  if (differing.length === 0) return [];
  const subset = (tree: FileTree) => new Map(differing.filter((f) => tree.has(f)).map((f) => [f, tree.get(f)!]));
  // Base = what is on disk, head = what it should be; no rename pairing: a stray and a missing object are two findings.
  const changes = diffTrees(subset(actual), subset(expected), { pairRenames: false });
  return differing.map((file) => ({
    file,
    status: !actual.has(file) ? 'missing' : !expected.has(file) ? 'stray' : 'changed',
    objects: changes.filter((c) => c.file === file).map(toDrift),
  }));
}

function toDrift(c: ObjectChange): ObjectDrift {
  return {
    environment: c.environment,
    object: describeObject(c),
    status: c.status === 'added' ? 'missing' : c.status === 'removed' ? 'stray' : 'changed',
    fields: c.fields.map((f) => ({ path: f.path, onDisk: f.old, rendered: f.new })),
  };
}
