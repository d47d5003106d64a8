import { ObjectChange, diffTrees } from './diff';
import { diffFields } from './fields';
import { compare, describeObject } from './objects';
import { PROVENANCE_FILE } from '../synth/provenance';
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
    objects: file.endsWith(`/${PROVENANCE_FILE}`)
      ? provenanceDrift(file, expected.get(file), actual.get(file))
      : changes.filter((c) => c.file === file).map(toDrift),
  }));
}

/** A provenance record is not an object of the tree, but its fields say what differs (content hash, tool versions). */
function provenanceDrift(file: string, expected: string | undefined, actual: string | undefined): ObjectDrift[] {
  if (expected === undefined || actual === undefined) return [];
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  };
  const fields = diffFields(parse(actual), parse(expected)).map((f) => ({ path: f.path, onDisk: f.old, rendered: f.new }));
  return [{ environment: file.slice(0, file.indexOf('/')), object: PROVENANCE_FILE, status: 'changed', fields }];
}

function toDrift(c: ObjectChange): ObjectDrift {
  return {
    environment: c.environment,
    object: describeObject(c),
    status: c.status === 'added' ? 'missing' : c.status === 'removed' ? 'stray' : 'changed',
    fields: c.fields.map((f) => ({ path: f.path, onDisk: f.old, rendered: f.new })),
  };
}
