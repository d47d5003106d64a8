import * as fs from 'fs';
import * as path from 'path';

/** Files to write, keyed by path relative to the output directory (POSIX separators). */
export type FileTree = ReadonlyMap<string, string>;

/** What writing a tree did, in files (directories are not counted). */
export interface WriteStats {
  /** Files created or replaced because their content changed (or they were not regular files). */
  readonly written: number;
  /** Files already on disk with exactly the wanted content, left alone (same inode and mtime). */
  readonly unchanged: number;
  /** Files (and links or other non-directory entries) on disk that are not in the tree, deleted. */
  readonly removed: number;
}

/** Writes `files` under `dir` (not atomically; for scratch directories). */
export function writeTree(dir: string, files: FileTree): void {
  const makeFolderOf = folderMaker();
  for (const [rel, content] of [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    assertInside(rel);
    const file = path.join(dir, ...rel.split('/'));
    makeFolderOf(file);
    fs.writeFileSync(file, content);
  }
  if (files.size === 0) fs.mkdirSync(dir, { recursive: true });
}

/** Refuses a relative path that would leave the output directory. */
export function assertInside(rel: string): void {
  if (rel.startsWith('/') || rel.split('/').includes('..')) {
    throw new Error(`refusing to write outside the output directory: ${JSON.stringify(rel)}`);
  }
}

/** Creates the folder of each file it is given, once per folder. */
export function folderMaker(): (file: string) => void {
  const made = new Set<string>();
  return (file) => {
    const folder = path.dirname(file);
    if (!made.has(folder)) {
      fs.mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
  };
}

/** Reads every regular file under `dir` into a tree; other entries are not read (see {@link scanTree}). */
export function readTree(dir: string): Map<string, string> {
  return scanTree(dir).files;
}

/** An entry of a rendered tree that is not a regular file or a directory with something in it. */
export interface OtherEntry {
  /** Path relative to the scanned directory. */
  readonly path: string;
  /** e.g. `symbolic link`, `FIFO`, `empty directory`. */
  readonly kind: string;
  /** A link's target, as stored in the link (never followed). */
  readonly target?: string;
}

/**
 * Every entry under `dir`, without following links: regular files are read
 * into `files`; everything else a synth never writes — symbolic links
 * (dangling or not), FIFOs, sockets, devices and empty directories — is
 * listed in `others`. A missing `dir` is an empty tree.
 */
export function scanTree(dir: string): { files: Map<string, string>; others: OtherEntry[] } {
  const files = new Map<string, string>();
  const others: OtherEntry[] = [];
  const walk = (rel: string) => {
    const entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
    if (entries.length === 0 && rel !== '') others.push({ path: rel, kind: 'empty directory' });
    for (const entry of entries) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      const full = path.join(dir, child);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) files.set(child, fs.readFileSync(full, 'utf8'));
      else if (entry.isSymbolicLink()) others.push({ path: child, kind: 'symbolic link', target: fs.readlinkSync(full) });
      else others.push({ path: child, kind: kindOf(entry) });
    }
  };
  if (fs.lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) walk('');
  return { files, others };
}

/** The kind of an entry that is neither a regular file, a directory nor a link. */
export function kindOf(entry: { isFIFO(): boolean; isSocket(): boolean; isBlockDevice(): boolean; isCharacterDevice(): boolean }): string {
  if (entry.isFIFO()) return 'FIFO';
  if (entry.isSocket()) return 'socket';
  if (entry.isBlockDevice()) return 'block device';
  if (entry.isCharacterDevice()) return 'character device';
  return 'special file';
}
