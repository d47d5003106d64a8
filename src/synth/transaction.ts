/**
 * Every command that writes the repository (synth: dist/; promote: a release
 * file and dist/; codeowners: .github/CODEOWNERS) writes through one
 * transaction, under the repository lock (./lock.ts), so that a failure or a
 * kill at any point ends, once the next command has run, with all of its
 * files changed or none.
 *
 * A transaction compares what is wanted with the disk, then:
 * 1. stages every new file in the scratch area `<root>/.platform-transaction/`
 *    (`staging/<path>`);
 * 2. commits: writes `journal.json.tmp` there and renames it to `journal.json`
 *    (the one rename that decides);
 * 3. applies the journal: removals, then renames of the staged files onto
 *    their targets; then deletes the journal and the scratch area.
 * A file whose content is unchanged is not rewritten (same inode and mtime).
 * Temporary files live in the scratch area only, never beside a source file.
 *
 * The next command to take the lock (every command that reads or writes the
 * repository takes it) finds what a killed one left: no journal, it discards
 * the staging (nothing had changed); a committed journal, it applies it —
 * unless a file it covers is in neither its old nor its new state, or a file
 * it does not cover has changed (a digest of them is in the journal): then
 * the tree is newer than the journal (a checkout, a hand edit), and applying
 * it would mix the two, so it is discarded and that is said. A journal is
 * never skipped or applied because of who might be running: the lock says.
 *
 * A failure while applying leaves the journal committed: the next command
 * finishes it once the cause (a permission, a full disk) is fixed; the error
 * says so. Readers can see a half-applied tree only if they do not take the
 * lock. Nothing is fsync'ed: this holds against a killed process, not a
 * power loss.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { LockError, LockHold, LockHolder, LockOptions, acquireLock, describeHolder } from './lock';
import { FileTree, WriteStats, assertInside, folderMaker, kindOf } from './write';

/** The transaction's scratch area, in the repository root. */
export const SCRATCH_DIR = '.platform-transaction';
const JOURNAL = 'journal.json';
const JOURNAL_TMP = 'journal.json.tmp';
const STAGING = 'staging';
const FORMAT = 'platform-transaction/1';

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

/**
 * A write that did not complete, saying in what state it left the files and
 * what the next command will do. `unchanged` is true when no file of the
 * repository was changed by this command.
 */
export class TransactionError extends Error {
  constructor(message: string, readonly unchanged: boolean) {
    super(message);
    this.name = 'TransactionError';
  }
}

export interface RepositoryOptions extends Partial<LockOptions> {
  /** Told what this command found and did about an interrupted one. @default - not told */
  readonly onNotice?: (message: string) => void;
  /**
   * The command only reads: when the lock file cannot be created (a read-only
   * checkout) and there is nothing to recover, it reads without the lock.
   * @default false
   */
  readonly readOnly?: boolean;
}

/**
 * A repository held by this command: locked, with whatever an interrupted
 * command left already finished or discarded. Close it exactly once.
 */
export class Repository {
  /**
   * Takes the lock of `root` (or joins this process's hold on it) and
   * recovers what an interrupted command left. Throws a {@link TransactionError}
   * (nothing of this command written) when the lock cannot be had or an
   * interrupted write cannot be finished.
   */
  static open(root: string, options: RepositoryOptions = {}): Repository {
    const resolved = path.resolve(root);
    const purpose = options.purpose ?? 'write';
    let lock: LockHold | undefined;
    try {
      lock = acquireLock(resolved, { ...options, purpose });
    } catch (err) {
      if (!(err instanceof LockError)) throw err;
      const readOnlyDirectory = ['EACCES', 'EROFS', 'EPERM'].includes(err.code ?? '');
      if (options.readOnly && readOnlyDirectory && !fs.existsSync(path.join(resolved, SCRATCH_DIR)) && oldLeftovers(resolved).length === 0) {
        return new Repository(resolved, undefined, options);
      }
      throw new TransactionError(`${capitalize(err.message)}. Nothing was written.`, true);
    }
    try {
      if (lock.first) recover(resolved, options.onNotice ?? (() => undefined), lock.previous);
    } catch (err) {
      lock.release();
      throw err;
    }
    return new Repository(resolved, lock, options);
  }

  private closed = false;

  private constructor(readonly root: string, private readonly lock: LockHold | undefined, private readonly options: RepositoryOptions) {}

  /**
   * Writes `changes` in one transaction (see the module header). Throws a
   * {@link TransactionError} that says what state the files are in.
   */
  write(changes: Changes): ChangeStats {
    if (this.closed || !this.lock) throw new Error(`the repository ${this.root} is not held for writing`);
    // Leftovers of an earlier failed write of this same process: the same rules as for another's.
    recover(this.root, this.options.onNotice ?? (() => undefined), undefined);
    return transact(this.root, this.options.purpose ?? 'write', changes, this.options.onNotice ?? (() => undefined));
  }

  /** Releases the lock (the last hold of this process removes the lock file). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.lock?.release();
  }
}

/** Runs `fn` with `root` held (see {@link Repository.open}), and releases it. */
export function withRepository<T>(root: string, options: RepositoryOptions, fn: (repository: Repository) => T): T {
  const repository = Repository.open(root, options);
  try {
    return fn(repository);
  } finally {
    repository.close();
  }
}

/**
 * Makes `outDir` hold exactly `files` in one transaction whose repository is
 * the parent of `outDir` (where dist/ lives in a project). Files that are not
 * in `files` (a removed app) disappear; nothing outside `outDir` but the
 * scratch area and the lock file (both removed when done) is touched.
 */
export function writeTreeAtomically(outDir: string, files: FileTree): WriteStats {
  const target = path.resolve(outDir);
  const root = path.dirname(target);
  const base = path.basename(target);
  fs.mkdirSync(root, { recursive: true });
  return withRepository(root, { purpose: `write ${base}/` }, (repository) => repository.write({ trees: new Map([[base, files]]) }).trees.get(base)!);
}

/**
 * Finishes or discards what an interrupted command left in the repository
 * of `outDir` (its parent), waiting for a command that is still running.
 */
export function recoverInterruptedWrite(outDir: string, options: RepositoryOptions = {}): void {
  const root = path.dirname(path.resolve(outDir));
  if (fs.existsSync(root)) withRepository(root, { purpose: 'recover', readOnly: true, ...options }, () => undefined);
}

// ---------------------------------------------------------------------------
// The journal

/**
 * The state of an entry, as the journal records it: `absent`, `file:<sha256>`,
 * `link:<target>`, `dir:<sha256 of everything under it>` or `other:<kind>`.
 */
type State = string;

interface PutOp {
  readonly path: string;
  readonly before: State;
  readonly after: State;
}

interface RemoveOp {
  readonly path: string;
  readonly dir: boolean;
  readonly before: State;
}

interface Journal {
  readonly format: typeof FORMAT;
  /** The command that wrote it, for messages. */
  readonly purpose: string;
  readonly started: string;
  /** Applied first: a name may have to stop being a directory before a file is renamed onto it. */
  readonly remove: readonly RemoveOp[];
  readonly put: readonly PutOp[];
  /** Each tree, with the digest of its files that the journal does not touch. */
  readonly trees: ReadonlyArray<{ readonly path: string; readonly untouched: string }>;
}

const ABSENT = 'absent';

function transact(root: string, purpose: string, changes: Changes, notice: (message: string) => void): ChangeStats {
  const scratch = path.join(root, SCRATCH_DIR);
  const staged: Array<{ path: string; content: string | FileTree }> = [];
  const remove: RemoveOp[] = [];
  const put: PutOp[] = [];
  const trees: Array<{ path: string; untouched: string }> = [];
  const stats = new Map<string, WriteStats>();
  const filesWritten: string[] = [];
  // Planning reads only: any failure leaves everything as it was.
  try {
    checkDisjoint(changes);
    for (const [tree, files] of changes.trees ?? []) {
      const plan = planTree(root, tree, files);
      remove.push(...plan.remove);
      put.push(...plan.put);
      staged.push(...plan.staged);
      trees.push({ path: tree, untouched: plan.untouched });
      stats.set(tree, plan.stats);
    }
    for (const [file, content] of changes.files ?? []) {
      assertInside(file);
      const before = stateOf(path.join(root, file));
      const after = fileState(content);
      if (before === after) continue;
      put.push({ path: file, before, after });
      staged.push({ path: file, content });
      filesWritten.push(file);
    }
  } catch (err) {
    throw new TransactionError(`Nothing was written: ${describeError(err, root)}`, true);
  }
  if (put.length === 0 && remove.length === 0) return { trees: stats, filesWritten };

  const journal: Journal = { format: FORMAT, purpose, started: new Date().toISOString(), remove, put, trees };
  try {
    step(root, 'create the scratch area', scratch, () => fs.mkdirSync(path.join(scratch, STAGING), { recursive: true }));
    for (const entry of staged) stage(root, scratch, entry.path, entry.content);
    step(root, 'write the journal', path.join(scratch, JOURNAL_TMP), () => fs.writeFileSync(path.join(scratch, JOURNAL_TMP), JSON.stringify(journal)));
    step(root, 'commit the journal: rename it to', path.join(scratch, JOURNAL), () => fs.renameSync(path.join(scratch, JOURNAL_TMP), path.join(scratch, JOURNAL)));
  } catch (err) {
    let left = '';
    try {
      fs.rmSync(scratch, { recursive: true, force: true });
    } catch (cleanup) {
      left = ` What it had staged in ${SCRATCH_DIR}/ could not be removed (${describeError(cleanup, root)}); the next command removes it.`;
    }
    throw new TransactionError(`Nothing was written: ${describeError(err, root)}.${left}`, true);
  }
  applyCommitted(root, journal, 'this command');
  finish(root, notice);
  return { trees: stats, filesWritten };
}

/**
 * Applies a committed journal, from wherever a killed or failed run left it
 * (every step is idempotent). On failure, throws a {@link TransactionError}
 * that says what is applied and what the next command will do.
 */
function applyCommitted(root: string, journal: Journal, whose: string): void {
  const staging = path.join(root, SCRATCH_DIR, STAGING);
  const total = journal.remove.length + journal.put.length;
  let done = 0;
  try {
    for (const op of journal.remove) {
      const target = abs(root, op.path);
      const stat = fs.lstatSync(target, { throwIfNoEntry: false });
      // Of the recorded kind only: a file renamed onto a removed directory's name (or the reverse) is the new state.
      if (stat !== undefined && stat.isDirectory() === op.dir) step(root, 'remove', target, () => fs.rmSync(target, { recursive: op.dir, force: true }));
      done++;
    }
    const makeFolderOf = folderMaker();
    for (const op of journal.put) {
      const from = abs(staging, op.path);
      const to = abs(root, op.path);
      const source = fs.lstatSync(from, { throwIfNoEntry: false });
      if (source !== undefined) {
        if (source.isDirectory() && fs.lstatSync(to, { throwIfNoEntry: false }) !== undefined) {
          // A whole tree replaces what was there (an empty directory, a file or a link), never following a link.
          step(root, 'remove', to, () => fs.rmSync(to, { recursive: true, force: true }));
        }
        step(root, 'create the directory of', to, () => makeFolderOf(to));
        step(root, `rename ${rel(root, from)} onto`, to, () => fs.renameSync(from, to));
      }
      done++;
    }
  } catch (err) {
    const what = describeScope(journal);
    throw new TransactionError(
      `Writing stopped part-way, after ${whose} had committed its changes: ${describeError(err, root)}. `
      + `${done} of its ${total} changes are applied, so ${what} now mix${what.includes(' and ') ? '' : 'es'} the old and the new state. `
      + `The rest is recorded in ${SCRATCH_DIR}/${JOURNAL}: the next command that reads or writes this repository `
      + '(npm run synth, check, promote or codeowners) applies it, once the cause is fixed.', false);
  }
}

/** Drops a finished transaction: the journal first (then it is done), then the scratch area. */
function finish(root: string, notice: (message: string) => void): void {
  const scratch = path.join(root, SCRATCH_DIR);
  try {
    fs.rmSync(path.join(scratch, JOURNAL), { force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  } catch (err) {
    notice(`Every change was written, but the scratch area ${SCRATCH_DIR}/ could not be removed (${describeError(err, root)}); the next command removes it.`);
  }
}

/**
 * Finishes or discards what an interrupted command left (see the module
 * header). Must run under the lock.
 */
function recover(root: string, notice: (message: string) => void, previous: LockHolder | undefined): void {
  try {
    recoverLeftovers(root, notice, previous);
  } catch (err) {
    if (err instanceof TransactionError) throw err;
    throw new TransactionError(`Cannot finish or discard what an interrupted command left: ${describeError(err, root)}. Nothing of this command was written.`, true);
  }
}

function recoverLeftovers(root: string, notice: (message: string) => void, previous: LockHolder | undefined): void {
  recoverEarlierVersion(root, notice);
  const scratch = path.join(root, SCRATCH_DIR);
  if (fs.lstatSync(scratch, { throwIfNoEntry: false }) === undefined) return;
  const who = previous ? describeHolder(previous) : 'an interrupted command';
  const journalFile = path.join(scratch, JOURNAL);
  if (!fs.existsSync(journalFile)) {
    removeScratch(root);
    notice(`Discarded what ${who} had staged in ${SCRATCH_DIR}/: it stopped before committing its changes, so none of them had been applied.`);
    return;
  }
  const journal = readJournal(root, journalFile);
  const whose = `\`${journal.purpose}\` (started ${journal.started})`;
  let verdict: { stale?: string; pending: number };
  try {
    verdict = verify(root, journal);
  } catch (err) {
    throw new TransactionError(`Cannot check the journal of the interrupted ${whose} against the files: ${describeError(err, root)}. Nothing was written.`, true);
  }
  if (verdict.stale) {
    removeScratch(root);
    notice(`Discarded the journal of the interrupted ${whose}, not applied: ${verdict.stale}, so the files are newer than the journal and applying it `
      + `would mix two trees. The files are left as they are; run npm run synth to make ${describeScope(journal)} what the sources render.`);
    return;
  }
  applyCommitted(root, journal, `the interrupted ${whose}`);
  finish(root, notice);
  notice(`Finished the interrupted ${whose}: it had committed its changes to ${describeScope(journal)}; `
    + `the ${verdict.pending} not yet applied when it stopped are applied now.`);
}

function removeScratch(root: string): void {
  try {
    fs.rmSync(path.join(root, SCRATCH_DIR), { recursive: true, force: true });
  } catch (err) {
    throw new TransactionError(`Cannot remove what an interrupted command left in ${SCRATCH_DIR}/: ${describeError(err, root)}. Nothing was written.`, true);
  }
}

/**
 * Whether every entry the journal covers is in its old or its new state (or
 * between the two steps of one change), and every file of its trees that it
 * does not cover is as it was; and how many changes are still to apply.
 */
function verify(root: string, journal: Journal): { stale?: string; pending: number } {
  const staging = path.join(root, SCRATCH_DIR, STAGING);
  const putAfter = new Map(journal.put.map((p) => [p.path, p.after]));
  let pending = 0;
  for (const op of journal.remove) {
    const now = stateOf(abs(root, op.path));
    if (now !== ABSENT && now !== op.before && now !== putAfter.get(op.path) && !madeForPuts(root, op, now, putAfter)) {
      return { stale: `${op.path} has changed since`, pending };
    }
    if (now === op.before) pending++;
  }
  for (const op of journal.put) {
    const now = stateOf(abs(root, op.path));
    const isStaged = fs.lstatSync(abs(staging, op.path), { throwIfNoEntry: false }) !== undefined;
    if (!isStaged) {
      if (now !== op.after) return { stale: `${op.path} has changed since (its staged copy is gone, and it does not hold it)`, pending };
      continue;
    }
    // Between the two steps of a change: a directory removed before a file is renamed onto its name, or a tree replacing an entry.
    const between = now === ABSENT && (op.before === ABSENT || op.before.startsWith('dir:') || op.after.startsWith('dir:'));
    if (now !== op.before && now !== op.after && !between) return { stale: `${op.path} has changed since`, pending };
    if (now !== op.after) pending++;
  }
  const covered = [...journal.put, ...journal.remove].map((op) => op.path);
  for (const tree of journal.trees) {
    const inside = covered.filter((p) => p === tree.path || p.startsWith(`${tree.path}/`)).map((p) => p.slice(tree.path.length + 1));
    if (covered.includes(tree.path)) continue;
    if (untouchedDigestOnDisk(abs(root, tree.path), inside) !== tree.untouched) {
      return { stale: `files of ${tree.path}/ that it does not change have changed since`, pending };
    }
  }
  return { pending };
}

/**
 * Whether a removed file's name is now the directory that applying the
 * journal made for files renamed under it (a file that became a directory),
 * holding nothing but some of those files.
 */
function madeForPuts(root: string, op: RemoveOp, now: State, putAfter: ReadonlyMap<string, State>): boolean {
  if (op.dir || !now.startsWith('dir:')) return false;
  const files = entriesUnder(abs(root, op.path), () => true, false);
  return files.every((e) => putAfter.has(`${op.path}/${e.path}`));
}

function readJournal(root: string, file: string): Journal {
  const refuse = (why: string) => new TransactionError(`The journal ${rel(root, file)} of an interrupted command ${why}; `
    + `inspect it, then delete ${SCRATCH_DIR}/ and run npm run synth (which rewrites dist/ whole). Nothing was written.`, true);
  let parsed: Partial<Journal> | null;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Journal> | null;
  } catch (err) {
    throw refuse(`cannot be read (${describeError(err, root)})`);
  }
  const safe = (p: unknown) => typeof p === 'string' && !p.startsWith('/') && !p.split('/').some((s) => s === '' || s === '.' || s === '..');
  const isState = (s: unknown) => typeof s === 'string';
  const valid = typeof parsed === 'object' && parsed !== null && parsed.format === FORMAT && typeof parsed.purpose === 'string'
    && Array.isArray(parsed.remove) && parsed.remove.every((r) => safe(r?.path) && typeof r.dir === 'boolean' && isState(r.before))
    && Array.isArray(parsed.put) && parsed.put.every((p) => safe(p?.path) && isState(p.before) && isState(p.after))
    && Array.isArray(parsed.trees) && parsed.trees.every((t) => safe(t?.path) && typeof t.untouched === 'string');
  if (!valid) throw refuse('is not one this version can apply');
  return parsed as Journal;
}

// ---------------------------------------------------------------------------
// Planning a tree

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
function planTree(root: string, tree: string, files: FileTree): TreePlan {
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

function checkDisjoint(changes: Changes): void {
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

function stage(root: string, scratch: string, file: string, content: string | FileTree): void {
  const target = abs(path.join(scratch, STAGING), file);
  if (typeof content === 'string') {
    step(root, 'create the directory of', target, () => fs.mkdirSync(path.dirname(target), { recursive: true }));
    step(root, 'write', target, () => fs.writeFileSync(target, content));
    return;
  }
  const makeFolderOf = folderMaker();
  step(root, 'create', target, () => fs.mkdirSync(target, { recursive: true }));
  for (const [name, text] of content) {
    const staged = abs(target, name);
    step(root, 'create the directory of', staged, () => makeFolderOf(staged));
    step(root, 'write', staged, () => fs.writeFileSync(staged, text));
  }
}

// ---------------------------------------------------------------------------
// States and digests

interface Entry {
  readonly path: string;
  readonly kind: string;
  readonly content?: string | Buffer;
  readonly target?: string;
}

/** One digest over entries in the given order; each is framed (path, kind, length), so no two lists give the same bytes. */
function digest(entries: Iterable<Entry>): string {
  const hash = crypto.createHash('sha256');
  for (const e of entries) {
    const payload = e.content ?? e.target ?? '';
    hash.update(`${e.path}\0${e.kind}\0${Buffer.byteLength(payload)}\0`);
    hash.update(payload);
  }
  return hash.digest('hex');
}

function fileState(content: string): State {
  return `file:${crypto.createHash('sha256').update(content).digest('hex')}`;
}

/** The state a directory holding exactly `files` has (see {@link stateOf}). */
function treeState(files: FileTree): State {
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
function stateOf(entry: string): State {
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
function untouchedDigestOnDisk(dir: string, covered: readonly string[]): string {
  const outside = (p: string) => !covered.some((c) => p === c || p.startsWith(`${c}/`));
  if (!fs.lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) return digest([]);
  return digest(entriesUnder(dir, outside, false).sort(byPath));
}

/** Entries under `dir` (files with their bytes, links with their target), with directories when `withDirs`. */
function entriesUnder(dir: string, include: (p: string) => boolean, withDirs: boolean): Entry[] {
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

// ---------------------------------------------------------------------------
// Messages

/** A file-system step, whose failure names what was attempted on which path. */
function step<T>(root: string, what: string, target: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined) throw err;
    throw new StepError(`could not ${what} ${rel(root, target)}: ${reasonOf(err)}`);
  }
}

class StepError extends Error {}

/** What an error says, for a message: a step's own text, a system error's reason and path, or the message. */
function describeError(err: unknown, root: string): string {
  if (err instanceof StepError || err instanceof TransactionError) return err.message;
  const e = err as NodeJS.ErrnoException & { dest?: string };
  if (e?.code && e.syscall) return `could not ${e.syscall}${e.path ? ` ${rel(root, e.path)}` : ''}${e.dest ? ` to ${rel(root, e.dest)}` : ''}: ${reasonOf(e)}`;
  return (err as Error)?.message ?? String(err);
}

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

/** e.g. `permission denied (EACCES)`. */
export function reasonOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const known = e.code ? REASONS[e.code] : undefined;
  if (known) return `${known} (${e.code})`;
  // Node's message is "<CODE>: <reason>, <syscall> '<path>'": keep the reason.
  const reason = /^[A-Z]+: ([^,]+)/.exec(e.message ?? '')?.[1];
  return reason ? `${reason} (${e.code})` : String(e.message ?? e);
}

/**
 * A system error (a permission, a full disk) met while reading or writing
 * the repository, as one line naming the path and what was attempted; or
 * undefined for any other error.
 */
export function describeFileSystemError(err: unknown, root: string): string | undefined {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code !== 'string' || !e.syscall) return undefined;
  return describeError(err, root);
}

function describeScope(journal: Journal): string {
  const tops = [...new Set([...journal.put, ...journal.remove].map((op) => {
    const tree = journal.trees.find((t) => op.path === t.path || op.path.startsWith(`${t.path}/`));
    return tree ? `${tree.path}/` : op.path;
  }))].sort();
  return tops.length <= 1 ? (tops[0] ?? 'the repository') : `${tops.slice(0, -1).join(', ')} and ${tops[tops.length - 1]}`;
}

/** The scratch entries that earlier versions (a pid-named journal beside dist/) left in `root`, e.g. `.dist-journal-dist-<pid>.json`. */
function oldLeftovers(root: string): Array<{ name: string; kind: string; base: string }> {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  return names.sort().flatMap((name) => {
    const match = /^\.dist-(journal|staging|previous)-(.+)-[0-9]+(\.json|\.json\.tmp)?$/.exec(name);
    if (!match || (match[1] === 'journal') !== (match[3] !== undefined)) return [];
    return [{ name, kind: match[3] === '.json.tmp' ? 'journal.tmp' : match[1], base: match[2] }];
  });
}

/**
 * What an earlier version, killed, left (we hold the lock, so no command of
 * this version is using them): a tree moved aside is put back when its
 * directory is missing (killed between its two renames), else dropped, and
 * so is a staging directory or journal draft. Its committed journal records
 * no old or new state to check the files against, so it is refused, not guessed at.
 */
function recoverEarlierVersion(root: string, notice: (message: string) => void): void {
  const old = oldLeftovers(root);
  const journals = old.filter((o) => o.kind === 'journal').map((o) => o.name);
  if (journals.length > 0) {
    throw new TransactionError(`An earlier version of this tool was interrupted while it applied its journal ${journals.join(', ')} in ${root}, `
      + 'which records nothing to check it against the files. Delete it and the .dist-staging-* directory beside it, '
      + 'then run npm run synth, which rewrites dist/ whole from the sources. Nothing was written.', true);
  }
  for (const { name, kind, base } of old) {
    const entry = path.join(root, name);
    const target = path.join(root, base);
    if (kind === 'previous' && fs.lstatSync(target, { throwIfNoEntry: false }) === undefined) {
      step(root, 'restore', target, () => fs.renameSync(entry, target));
      notice(`Restored ${base}/ from ${name}, which an earlier version, interrupted, had moved aside.`);
    } else {
      step(root, 'remove', entry, () => fs.rmSync(entry, { recursive: true, force: true }));
    }
  }
}

function abs(root: string, file: string): string {
  return path.join(root, ...file.split('/'));
}

function rel(root: string, file: string): string {
  const r = path.relative(root, file);
  return r === '' ? '.' : r.startsWith('..') ? file : r.split(path.sep).join('/');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
