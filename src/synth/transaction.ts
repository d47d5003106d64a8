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
 *
 * Here is the API; the steps are in transaction-plan.ts (comparing),
 * transaction-apply.ts (staging, commit, apply), transaction-recovery.ts,
 * transaction-journal.ts and transaction-state.ts (what a journal records).
 */
import * as fs from 'fs';
import * as path from 'path';
import { LockError, LockHold, LockOptions, acquireLock } from './lock';
import { transact } from './transaction-apply';
import { TransactionError, capitalize } from './transaction-errors';
import { SCRATCH_DIR } from './transaction-journal';
import { ChangeStats, Changes } from './transaction-plan';
import { oldLeftovers, recover } from './transaction-recovery';
import { FileTree, WriteStats } from './write';

export { SCRATCH_DIR } from './transaction-journal';
export type { ChangeStats, Changes } from './transaction-plan';
export { TransactionError, describeFileSystemError, reasonOf } from './transaction-errors';

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
