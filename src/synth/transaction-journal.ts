/** The journal of a transaction (./transaction.ts): where it lives, what it records, and reading it back. */
import * as fs from 'fs';
import * as path from 'path';
import { TransactionError, describeError, rel } from './transaction-errors';
import type { State } from './transaction-state';

/** The transaction's scratch area, in the repository root. */
export const SCRATCH_DIR = '.platform-transaction';
export const JOURNAL = 'journal.json';
export const JOURNAL_TMP = 'journal.json.tmp';
export const STAGING = 'staging';
export const FORMAT = 'platform-transaction/1';

export interface PutOp {
  readonly path: string;
  readonly before: State;
  readonly after: State;
}

export interface RemoveOp {
  readonly path: string;
  readonly dir: boolean;
  readonly before: State;
}

export interface Journal {
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

/** Reads a committed journal; one that cannot be read, or is not of this format, is refused with a {@link TransactionError}. */
export function readJournal(root: string, file: string): Journal {
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

/** What a journal changes, for a message: its trees and files, e.g. `dist/ and environments/releases/prod.json`. */
export function describeScope(journal: Journal): string {
  const tops = [...new Set([...journal.put, ...journal.remove].map((op) => {
    const tree = journal.trees.find((t) => op.path === t.path || op.path.startsWith(`${t.path}/`));
    return tree ? `${tree.path}/` : op.path;
  }))].sort();
  return tops.length <= 1 ? (tops[0] ?? 'the repository') : `${tops.slice(0, -1).join(', ')} and ${tops[tops.length - 1]}`;
}

/** A journal's path (relative, POSIX separators) on the disk under `root`. */
export function abs(root: string, file: string): string {
  return path.join(root, ...file.split('/'));
}
