/** How a transaction's failures read: what was attempted, on which path, and why (./transaction.ts). */
import * as path from 'path';

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

/** A file-system step, whose failure names what was attempted on which path. */
export function step<T>(root: string, what: string, target: string, fn: () => T): T {
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
export function describeError(err: unknown, root: string): string {
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

/** `file` as a message names it: relative to `root` with POSIX separators, or as given when outside it. */
export function rel(root: string, file: string): string {
  const r = path.relative(root, file);
  return r === '' ? '.' : r.startsWith('..') ? file : r.split(path.sep).join('/');
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
