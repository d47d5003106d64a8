/** The states of entries that a journal records, and the digests it checks files against (./transaction.ts). */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { FileTree, kindOf } from './write';

/**
 * The state of an entry, as the journal records it: `absent`, `file:<sha256>`,
 * `link:<target>`, `dir:<sha256 of everything under it>` or `other:<kind>`.
 */
export type State = string;

export const ABSENT = 'absent';

interface Entry {
  readonly path: string;
  readonly kind: string;
  readonly content?: string | Buffer;
  readonly target?: string;
}

/** One digest over entries in the given order; each is framed (path, kind, length), so no two lists give the same bytes. */
export function digest(entries: Iterable<Entry>): string {
  const hash = crypto.createHash('sha256');
  for (const e of entries) {
    const payload = e.content ?? e.target ?? '';
    hash.update(`${e.path}\0${e.kind}\0${Buffer.byteLength(payload)}\0`);
    hash.update(payload);
  }
  return hash.digest('hex');
}

export function fileState(content: string): State {
  return `file:${crypto.createHash('sha256').update(content).digest('hex')}`;
}

/** The state a directory holding exactly `files` has (see {@link stateOf}). */
export function treeState(files: FileTree): State {
  const entries: Entry[] = [];
  const dirs = new Set<string>();
  for (const [file, content] of files) {
    entries.push({ path: file, kind: 'file', content });
    const segments = file.split('/');
    for (let i = 1; i < segments.length; i++) dirs.add(segments.slice(0, i).join('/'));
  }
  for (const dir of dirs) entries.push({ path: dir, kind: 'dir' });
  return `dir:${digest(entries.sort(byPath))}`;
}

/** What is at `entry` now, never following a link. */
export function stateOf(entry: string): State {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.lstatSync(entry);
  } catch (err) {
    if (['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '')) return ABSENT;
    throw err;
  }
  if (stat.isFile()) return `file:${crypto.createHash('sha256').update(fs.readFileSync(entry)).digest('hex')}`;
  if (stat.isSymbolicLink()) return `link:${fs.readlinkSync(entry)}`;
  if (stat.isDirectory()) return `dir:${digest(entriesUnder(entry, () => true, true).sort(byPath))}`;
  return `other:${kindOf(stat)}`;
}

/** The digest of the non-directory entries under `dir` outside the `covered` paths (relative to `dir`). */
export function untouchedDigestOnDisk(dir: string, covered: readonly string[]): string {
  const outside = (p: string) => !covered.some((c) => p === c || p.startsWith(`${c}/`));
  if (!fs.lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) return digest([]);
  return digest(entriesUnder(dir, outside, false).sort(byPath));
}

/** Entries under `dir` (files with their bytes, links with their target), with directories when `withDirs`. */
export function entriesUnder(dir: string, include: (p: string) => boolean, withDirs: boolean): Entry[] {
  const out: Entry[] = [];
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const child = sub ? `${sub}/${entry.name}` : entry.name;
      const full = path.join(dir, child);
      if (entry.isDirectory()) {
        if (withDirs && include(child)) out.push({ path: child, kind: 'dir' });
        walk(child);
      } else if (!include(child)) {
        continue;
      } else if (entry.isFile()) {
        out.push({ path: child, kind: 'file', content: fs.readFileSync(full) });
      } else if (entry.isSymbolicLink()) {
        out.push({ path: child, kind: 'link', target: fs.readlinkSync(full) });
      } else {
        out.push({ path: child, kind: kindOf(entry) });
      }
    }
  };
  walk('');
  return out;
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
