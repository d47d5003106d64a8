/** A transaction's writes (./transaction.ts): staging, committing the journal, applying it and clearing up. */
import * as fs from 'fs';
import * as path from 'path';
import { TransactionError, describeError, rel, step } from './transaction-errors';
import { FORMAT, JOURNAL, JOURNAL_TMP, Journal, PutOp, RemoveOp, SCRATCH_DIR, STAGING, abs, describeScope } from './transaction-journal';
import { ChangeStats, Changes, checkDisjoint, planTree } from './transaction-plan';
import { fileState, stateOf } from './transaction-state';
import { FileTree, WriteStats, assertInside, folderMaker } from './write';

/** Writes `changes` under the held lock: plans, stages, commits the journal, applies it, and drops the scratch area. */
export function transact(root: string, purpose: string, changes: Changes, notice: (message: string) => void): ChangeStats {
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
export function applyCommitted(root: string, journal: Journal, whose: string): void {
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
export function finish(root: string, notice: (message: string) => void): void {
  const scratch = path.join(root, SCRATCH_DIR);
  try {
    fs.rmSync(path.join(scratch, JOURNAL), { force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  } catch (err) {
    notice(`Every change was written, but the scratch area ${SCRATCH_DIR}/ could not be removed (${describeError(err, root)}); the next command removes it.`);
  }
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
