/** Finishing or discarding what an interrupted transaction left (./transaction.ts). */
import * as fs from 'fs';
import * as path from 'path';
import { LockHolder, describeHolder } from './lock';
import { applyCommitted, finish } from './transaction-apply';
import { TransactionError, describeError, step } from './transaction-errors';
import { JOURNAL, Journal, RemoveOp, SCRATCH_DIR, STAGING, abs, describeScope, readJournal } from './transaction-journal';
import { ABSENT, State, entriesUnder, stateOf, untouchedDigestOnDisk } from './transaction-state';

/**
 * Finishes or discards what an interrupted command left (see the header of
 * ./transaction.ts). Must run under the lock.
 */
export function recover(root: string, notice: (message: string) => void, previous: LockHolder | undefined): void {
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

/** The scratch entries that earlier versions (a pid-named journal beside dist/) left in `root`, e.g. `.dist-journal-dist-<pid>.json`. */
export function oldLeftovers(root: string): Array<{ name: string; kind: string; base: string }> {
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
