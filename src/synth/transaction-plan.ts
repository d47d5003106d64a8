/** Planning a transaction (./transaction.ts): what differs between the wanted files and the disk, read without writing. */
import * as fs from 'fs';
import * as path from 'path';
import { PutOp, RemoveOp, abs } from './transaction-journal';
import { digest, fileState, stateOf, treeState } from './transaction-state';
import { FileTree, WriteStats, assertInside } from './write';

/** What one transaction changes, in paths relative to the repository root (POSIX separators). */
export interface Changes {
  /** Directories made to hold exactly these files (e.g. `dist`): other files in them are deleted. */
  readonly trees?: ReadonlyMap<string, FileTree>;
  /** Single files written (a release file, CODEOWNERS). */
  readonly files?: ReadonlyMap<string, string>;
}

/** What a transaction did. */
export interface ChangeStats {
  /** Per tree of {@link Changes.trees}. */
  readonly trees: ReadonlyMap<string, WriteStats>;
  /** Single files whose content changed, and was written. */
  readonly filesWritten: readonly string[];
}

interface TreePlan {
  readonly remove: RemoveOp[];
  readonly put: PutOp[];
  readonly staged: Array<{ path: string; content: string | FileTree }>;
  readonly untouched: string;
  readonly stats: WriteStats;
}

/**
 * Compares the tree `tree` (relative to `root`) with `files`. A populated
 * directory is updated in place: only what differs is staged or removed. A
 * missing or empty one, or an entry that is not a directory (a link is
 * replaced, never followed), is replaced whole by a staged tree.
 */
export function planTree(root: string, tree: string, files: FileTree): TreePlan {
  assertInside(tree);
  const neededDirs = checkPaths(files);
  const target = abs(root, tree);
  const stat = fs.lstatSync(target, { throwIfNoEntry: false });
  if (!(stat?.isDirectory() && fs.readdirSync(target).length > 0)) {
    return {
      remove: [],
      put: [{ path: tree, before: stateOf(target), after: treeState(files) }],
      staged: [{ path: tree, content: files }],
      untouched: digest([]),
      stats: { written: files.size, unchanged: 0, removed: 0 },
    };
  }
  const { same, rename, remove, removed } = compare(target, files, neededDirs);
  const put = rename.map((file) => ({ path: `${tree}/${file}`, before: stateOf(path.join(target, file)), after: fileState(files.get(file)!) }));
  return {
    remove: remove.map((r) => ({ path: `${tree}/${r.path}`, dir: r.dir, before: stateOf(path.join(target, r.path)) })),
    put,
    staged: rename.map((file) => ({ path: `${tree}/${file}`, content: files.get(file)! })),
    untouched: digest([...same].sort().map((file) => ({ path: file, kind: 'file', content: files.get(file)! }))),
    stats: { written: rename.length, unchanged: same.size, removed },
  };
}

/**
 * Rejects, before anything is written, paths that would leave the output
 * directory, and paths that are not in the one spelling the comparison with
 * the disk relies on (no empty or `.` segments) or that need the same name to
 * be a file and a directory. Returns every directory the tree needs.
 */
function checkPaths(files: FileTree): Set<string> {
  const dirs = new Set<string>();
  for (const file of files.keys()) {
    assertInside(file);
    const segments = file.split('/');
    if (segments.some((s) => s === '' || s === '.')) {
      throw new Error(`refusing to write a path with an empty or "." segment: ${JSON.stringify(file)}`);
    }
    for (let i = 1; i < segments.length; i++) dirs.add(segments.slice(0, i).join('/'));
  }
  for (const dir of dirs) {
    if (files.has(dir)) throw new Error(`refusing to write ${JSON.stringify(dir)} as both a file and a directory`);
  }
  return dirs;
}

export function checkDisjoint(changes: Changes): void {
  const all = [...(changes.trees?.keys() ?? []), ...(changes.files?.keys() ?? [])];
  for (const a of all) {
    for (const b of all) {
      if (a !== b && (b.startsWith(`${a}/`))) throw new Error(`refusing to write ${JSON.stringify(b)} inside ${JSON.stringify(a)} in the same transaction`);
    }
  }
}

/**
 * Walks `target` without following links: a regular file with the wanted
 * content is unchanged; one with other content, or a link or other special
 * entry where a file is wanted, is replaced (a rename replaces the entry
 * itself, never what a link points to); any other non-directory entry is
 * removed, and so is every directory that no wanted file lives under (which
 * prunes empty directories, but never `target` itself).
 */
function compare(target: string, files: FileTree, neededDirs: ReadonlySet<string>) {
  const same = new Set<string>();
  const remove: Array<{ path: string; dir: boolean }> = [];
  let removed = 0;
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(target, dir), { withFileTypes: true })) {
      const child = dir ? `${dir}/${entry.name}` : entry.name;
      const wanted = files.get(child);
      if (entry.isDirectory()) {
        if (neededDirs.has(child)) {
          walk(child);
        } else {
          remove.push({ path: child, dir: true });
          removed += countEntries(path.join(target, child));
        }
      } else if (wanted !== undefined) {
        if (entry.isFile() && sameContent(path.join(target, child), wanted)) same.add(child);
      } else {
        remove.push({ path: child, dir: false });
        removed++;
      }
    }
  };
  walk('');
  const rename = [...files.keys()].filter((file) => !same.has(file));
  return { same, rename, remove, removed };
}

/**
 * Whether `file` holds exactly the UTF-8 bytes of `wanted`. A re-synth
 * compares every file it renders (20,000 at 1,000 apps), so this reuses two
 * buffers instead of allocating two per file: `wanted` is encoded into one,
 * the file read into the other, at most one byte past `wanted`'s length (a
 * longer file differs). Files over {@link MAX_REUSED} characters (a large
 * Terraform configuration) are compared with buffers of their own, so that
 * the reused ones stay small.
 */
function sameContent(file: string, wanted: string): boolean {
  if (wanted.length > MAX_REUSED) {
    const bytes = fs.readFileSync(file);
    return bytes.length === Buffer.byteLength(wanted) && bytes.equals(Buffer.from(wanted));
  }
  // UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units).
  if (encoded.length < wanted.length * 3) encoded = Buffer.allocUnsafe(wanted.length * 3);
  const length = encoded.write(wanted);
  if (onDisk.length < length + 1) onDisk = Buffer.allocUnsafe(length + 1);
  const fd = fs.openSync(file, 'r');
  let read = 0;
  try {
    for (let n; read <= length && (n = fs.readSync(fd, onDisk, read, length + 1 - read, null)) > 0;) read += n;
  } finally {
    fs.closeSync(fd);
  }
  return read === length && onDisk.compare(encoded, 0, length, 0, length) === 0;
}

/** Files longer than this (in UTF-16 code units) are compared without {@link sameContent}'s reused buffers. */
const MAX_REUSED = 256 * 1024;
/** {@link sameContent}'s buffers, grown to the largest file compared so far (at most 768 KiB + 1 each). */
let encoded = Buffer.allocUnsafe(65536);
let onDisk = Buffer.allocUnsafe(65536);

/** Non-directory entries under `dir`, for the statistics (links are counted, not followed). */
function countEntries(dir: string): number {
  let count = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    count += entry.isDirectory() ? countEntries(path.join(dir, entry.name)) : 1;
  }
  return count;
}
