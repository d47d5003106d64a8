import * as fs from 'fs';
import * as path from 'path';

/** Files to write, keyed by path relative to the output directory (POSIX separators). */
export type FileTree = ReadonlyMap<string, string>;

/** What `writeTreeAtomically` did, in files (directories are not counted). */
export interface WriteStats {
  /** Files created or replaced because their content changed (or they were not regular files). */
  readonly written: number;
  /** Files already on disk with exactly the wanted content, left alone (same inode and mtime). */
  readonly unchanged: number;
  /** Files (and links or other non-directory entries) on disk that are not in the tree, deleted. */
  readonly removed: number;
}

const STAGING_PREFIX = '.dist-staging-';
const PREVIOUS_PREFIX = '.dist-previous-';
const JOURNAL_PREFIX = '.dist-journal-';
const JOURNAL_SUFFIX = '.json';
const JOURNAL_TMP_SUFFIX = '.json.tmp';
const JOURNAL_VERSION = 1;

/**
 * Makes `outDir` hold exactly `files` without ever leaving it half-written:
 * a failure (or a kill) at any point leaves either the previous tree or,
 * once the next run (or `recoverInterruptedWrite`) has cleaned up, the new
 * one. Files that are not in `files` (a removed app) disappear; nothing
 * outside `outDir` but its own sibling scratch entries is touched.
 *
 * Creating a file is by far the most expensive thing a synth does on disk,
 * and a re-run usually changes few files, so an existing `outDir` is updated
 * in place: a file whose content is identical is left alone; changed and new
 * files are written to a sibling staging directory; only when all of them
 * are written is a redo journal committed (it appears with one rename), and
 * then applied: staged files are renamed over their targets and stale
 * entries deleted. A run killed before the commit leaves `outDir` untouched
 * and its staging is dropped; one killed after it is rolled forward. A
 * missing or empty `outDir` (or one that is not a directory) is written in
 * full to staging and swapped in with two renames, as before.
 *
 * A run killed or failing part-way through applying the journal leaves it
 * (an error is thrown) for the next process to roll forward. While it is
 * being applied a concurrent reader can see some files already new and
 * others still old: this is atomic against failures, not isolated from
 * readers. Nothing is fsync'ed: it protects against a killed process, not a
 * power loss.
 */
export function writeTreeAtomically(outDir: string, files: FileTree): WriteStats {
  const target = path.resolve(outDir);
  const parent = path.dirname(target);
  const base = path.basename(target);
  fs.mkdirSync(parent, { recursive: true });
  removeLeftovers(parent, target, base);
  const neededDirs = checkPaths(files);
  const scratch = scratchOf(parent, base, process.pid);
  // Our own pid's leftovers come from an earlier call of this process that failed (calls are synchronous, never
  // overlapping); this run compares with whatever that one left on disk and writes the whole tree, so it supersedes them.
  for (const leftover of [scratch.journal, scratch.journalTmp, scratch.staging]) fs.rmSync(leftover, { recursive: true, force: true });
  return isPopulatedDirectory(target)
    ? writeIncrementally(target, files, neededDirs, scratch)
    : swapIn(target, files, scratch);
}

/**
 * Finishes or undoes what a killed `writeTreeAtomically` on `outDir` left
 * behind (see there), without writing anything new. Commands that read
 * `outDir` call it first so they never see a tree a kill left half-updated.
 */
export function recoverInterruptedWrite(outDir: string): void {
  const target = path.resolve(outDir);
  const parent = path.dirname(target);
  if (fs.existsSync(parent)) removeLeftovers(parent, target, path.basename(target));
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
function assertInside(rel: string): void {
  if (rel.startsWith('/') || rel.split('/').includes('..')) {
    throw new Error(`refusing to write outside the output directory: ${JSON.stringify(rel)}`);
  }
}

/** Creates the folder of each file it is given, once per folder. */
function folderMaker(): (file: string) => void {
  const made = new Set<string>();
  return (file) => {
    const folder = path.dirname(file);
    if (!made.has(folder)) {
      fs.mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
  };
}

/** Reads every file under `dir` into a tree (for checks of what is on disk). */
export function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) files.set(child, fs.readFileSync(path.join(dir, child), 'utf8'));
    }
  };
  if (fs.existsSync(dir)) walk('');
  return files;
}

/** The sibling scratch entries of one run (one pid) writing `<parent>/<base>`. */
interface Scratch {
  readonly staging: string;
  readonly previous: string;
  readonly journal: string;
  readonly journalTmp: string;
}

function scratchOf(parent: string, base: string, pid: number): Scratch {
  return {
    staging: path.join(parent, `${STAGING_PREFIX}${base}-${pid}`),
    previous: path.join(parent, `${PREVIOUS_PREFIX}${base}-${pid}`),
    journal: path.join(parent, `${JOURNAL_PREFIX}${base}-${pid}${JOURNAL_SUFFIX}`),
    journalTmp: path.join(parent, `${JOURNAL_PREFIX}${base}-${pid}${JOURNAL_TMP_SUFFIX}`),
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
  for (const rel of files.keys()) {
    assertInside(rel);
    const segments = rel.split('/');
    if (segments.some((s) => s === '' || s === '.')) {
      throw new Error(`refusing to write a path with an empty or "." segment: ${JSON.stringify(rel)}`);
    }
    for (let i = 1; i < segments.length; i++) dirs.add(segments.slice(0, i).join('/'));
  }
  for (const dir of dirs) {
    if (files.has(dir)) throw new Error(`refusing to write ${JSON.stringify(dir)} as both a file and a directory`);
  }
  return dirs;
}

/** True when `target` is a real directory (not a link to one) with at least one entry. */
function isPopulatedDirectory(target: string): boolean {
  const stat = fs.lstatSync(target, { throwIfNoEntry: false });
  return stat !== undefined && stat.isDirectory() && fs.readdirSync(target).length > 0;
}

/**
 * The first write (nothing worth comparing with): everything is written to
 * staging, then swapped in with two renames. `removeLeftovers` recovers a run
 * killed between them. Whatever was at `target` (an empty directory, a file,
 * a link) is replaced, not followed.
 */
function swapIn(target: string, files: FileTree, scratch: Scratch): WriteStats {
  const { staging, previous } = scratch;
  try {
    writeTree(staging, files);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  const hadPrevious = fs.lstatSync(target, { throwIfNoEntry: false }) !== undefined;
  if (hadPrevious) fs.renameSync(target, previous);
  try {
    fs.renameSync(staging, target);
  } catch (err) {
    if (hadPrevious) fs.renameSync(previous, target);
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  if (hadPrevious) fs.rmSync(previous, { recursive: true, force: true });
  return { written: files.size, unchanged: 0, removed: 0 };
}

/**
 * What turns the tree on disk into the wanted one, relative to `outDir`:
 * staged files to rename into place and entries to delete. A removal records
 * whether it is a directory so that applying the journal again after a kill
 * cannot delete what a rename already put there (a directory that became a
 * file of the same name, or a file that became a directory).
 */
interface Journal {
  readonly version: number;
  readonly rename: readonly string[];
  readonly remove: ReadonlyArray<{ readonly path: string; readonly dir: boolean }>;
}

/** The result of comparing the disk with the wanted tree. */
interface Plan {
  readonly journal: Journal;
  readonly unchanged: number;
  readonly removed: number;
}

/**
 * Updates a populated `target` in place (see `writeTreeAtomically`). Until
 * the journal is committed nothing in `target` has changed, so a failure
 * just drops the scratch entries; after it, a failure leaves the journal for
 * the next run to roll forward.
 */
function writeIncrementally(target: string, files: FileTree, neededDirs: ReadonlySet<string>, scratch: Scratch): WriteStats {
  let plan: Plan;
  try {
    plan = compare(target, files, neededDirs);
    if (plan.journal.rename.length === 0 && plan.journal.remove.length === 0) {
      return { written: 0, unchanged: plan.unchanged, removed: 0 };
    }
    writeTree(scratch.staging, new Map(plan.journal.rename.map((rel) => [rel, files.get(rel)!])));
    fs.writeFileSync(scratch.journalTmp, JSON.stringify(plan.journal));
    fs.renameSync(scratch.journalTmp, scratch.journal);
  } catch (err) {
    fs.rmSync(scratch.journalTmp, { force: true });
    fs.rmSync(scratch.staging, { recursive: true, force: true });
    throw err;
  }
  applyJournal(target, scratch.staging, plan.journal);
  finish(scratch);
  return { written: plan.journal.rename.length, unchanged: plan.unchanged, removed: plan.removed };
}

/**
 * Walks `target` without following links: a regular file with the wanted
 * content is unchanged; one with other content, or a link or other special
 * entry where a file is wanted, is replaced (a rename replaces the entry
 * itself, never what a link points to); any other non-directory entry is
 * removed, and so is every directory that no wanted file lives under (which
 * prunes directories left empty, but never `target` itself).
 */
function compare(target: string, files: FileTree, neededDirs: ReadonlySet<string>): Plan {
  const same = new Set<string>();
  const remove: Array<{ path: string; dir: boolean }> = [];
  let removed = 0;
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(target, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
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
  const rename = [...files.keys()].filter((rel) => !same.has(rel));
  return { journal: { version: JOURNAL_VERSION, rename, remove }, unchanged: same.size, removed };
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

/**
 * Applies a committed journal. Idempotent, so that a run killed half-way
 * through can be applied again from the start: removals come first (a name
 * may have to stop being a directory before a file is renamed onto it) and
 * skip what is gone or no longer of the recorded kind; a staged file that is
 * gone was already moved.
 */
function applyJournal(target: string, staging: string, journal: Journal): void {
  for (const { path: rel, dir } of journal.remove) removeIfStill(path.join(target, ...rel.split('/')), dir);
  const makeFolderOf = folderMaker();
  for (const rel of journal.rename) {
    const from = path.join(staging, ...rel.split('/'));
    const to = path.join(target, ...rel.split('/'));
    makeFolderOf(to);
    try {
      fs.renameSync(from, to);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || fs.lstatSync(from, { throwIfNoEntry: false }) !== undefined) throw err;
    }
  }
}

function removeIfStill(entry: string, dir: boolean): void {
  const stat = fs.lstatSync(entry, { throwIfNoEntry: false });
  if (stat === undefined || stat.isDirectory() !== dir) return;
  fs.rmSync(entry, { recursive: dir, force: true });
}

/** Drops a run's journal (it is done) and then its staging, which holds only empty directories by now. */
function finish(scratch: Scratch): void {
  fs.rmSync(scratch.journal, { force: true });
  fs.rmSync(scratch.staging, { recursive: true, force: true });
}

/**
 * Reads a committed journal, refusing one that is not what this code writes
 * or that names a path outside the output directory (it is about to be
 * acted on).
 */
function readJournal(file: string): Journal {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the write journal ${file} (${(err as Error).message}); inspect it and delete it to continue`);
  }
  const journal = parsed as Partial<Journal> | null;
  const safe = (rel: unknown) => typeof rel === 'string' && !rel.startsWith('/') && !rel.split('/').some((s) => s === '' || s === '.' || s === '..');
  const valid = typeof journal === 'object' && journal !== null && journal.version === JOURNAL_VERSION
    && Array.isArray(journal.rename) && journal.rename.every(safe)
    && Array.isArray(journal.remove) && journal.remove.every((r) => typeof r === 'object' && r !== null && safe(r.path) && typeof r.dir === 'boolean');
  if (!valid) throw new Error(`the write journal ${file} is not one this version can apply; inspect it and delete it to continue`);
  return journal as Journal;
}

/** One sibling scratch entry of a run writing `<parent>/<base>`. */
interface Leftover {
  readonly kind: 'journal' | 'journalTmp' | 'staging' | 'previous';
  readonly pid: number;
  readonly entry: string;
}

/** Handled in this order: a committed journal needs its staging, so it goes first. */
const KINDS: ReadonlyArray<{ kind: Leftover['kind']; prefix: string; suffix: string }> = [
  { kind: 'journal', prefix: JOURNAL_PREFIX, suffix: JOURNAL_SUFFIX },
  { kind: 'journalTmp', prefix: JOURNAL_PREFIX, suffix: JOURNAL_TMP_SUFFIX },
  { kind: 'staging', prefix: STAGING_PREFIX, suffix: '' },
  { kind: 'previous', prefix: PREVIOUS_PREFIX, suffix: '' },
];

/**
 * The scratch entries in `parent` of runs writing `base`, matched exactly
 * (so that `dist` does not claim those of a sibling `dist-foo`).
 */
function leftoversIn(parent: string, base: string): Leftover[] {
  const found: Leftover[] = [];
  for (const entry of fs.readdirSync(parent).sort()) {
    for (const { kind, prefix, suffix } of KINDS) {
      const head = `${prefix}${base}-`;
      if (!entry.startsWith(head) || !entry.endsWith(suffix)) continue;
      const pid = entry.slice(head.length, entry.length - suffix.length);
      if (/^[0-9]+$/.test(pid)) found.push({ kind, pid: Number(pid), entry });
    }
  }
  return found.sort((a, b) => KINDS.findIndex((k) => k.kind === a.kind) - KINDS.findIndex((k) => k.kind === b.kind));
}

/**
 * Cleans up after dead runs (a live one, or this process, is left alone):
 * - a committed journal is rolled forward, then dropped with its staging;
 *   if `target` has gone since, there is nothing to apply it to and it is
 *   dropped (applying it would create a tree of the changed files only);
 * - an uncommitted journal and a staging directory without a journal are
 *   dropped: that run died before changing anything;
 * - a previous tree is restored when the output directory is missing
 *   (killed between the two renames of `swapIn`), else dropped.
 */
function removeLeftovers(parent: string, target: string, base: string): void {
  for (const { kind, pid, entry } of leftoversIn(parent, base)) {
    if (pid === process.pid || isAlive(pid)) continue;
    const leftover = path.join(parent, entry);
    if (!fs.existsSync(leftover)) continue; // dropped with its journal above
    if (kind === 'journal') {
      const scratch = scratchOf(parent, base, pid);
      const targetStat = fs.lstatSync(target, { throwIfNoEntry: false });
      if (targetStat?.isDirectory()) applyJournal(target, scratch.staging, readJournal(leftover));
      finish(scratch);
    } else if (kind === 'previous' && !fs.existsSync(target)) {
      fs.renameSync(leftover, target);
    } else {
      fs.rmSync(leftover, { recursive: true, force: true });
    }
  }
}

/** Signal 0 only checks: EPERM means the process exists but belongs to someone else, so it is alive too. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
