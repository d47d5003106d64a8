/**
 * The repository lock: one command at a time writes (or recovers) the files
 * of a repository. It is a lock the kernel holds for an open file and drops
 * when the process ends, however it ends (SIGKILL included), from
 * `fs-native-extensions` (holepunch, Apache-2.0): prebuilt binaries in its
 * npm tarball, no install script. On Linux it takes open-file-description
 * locks (`F_OFD_SETLK`), on macOS `flock`, on Windows `LockFileEx`: all belong
 * to the open file, so closing another descriptor of the lock file does not
 * drop them (classic POSIX `fcntl` locks would), and no process id is ever
 * asked whether it is alive (pid namespaces and pid reuse make that a guess).
 * `proper-lockfile` was not taken: its lock is a directory whose mtime it
 * refreshes, and it declares a lock stale when the mtime is older than a
 * timeout, i.e. it guesses that a slow holder is dead.
 *
 * Two opens of the lock file in one process conflict like two processes, so
 * a process keeps one descriptor per repository and nested holds share it
 * (a count). The file holds a description of its holder, for the message of
 * a command that waits; it is removed when the last hold is released (before
 * the descriptor is closed), so a lock that was acquired on a file removed
 * meanwhile is retried on the new file.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tryLock } from 'fs-native-extensions';

/** The lock file, in the repository root. */
export const LOCK_FILE = '.platform-transaction.lock';

/** How long a command waits for another one's lock by default, in seconds; `PLATFORM_LOCK_TIMEOUT` overrides it. */
export const DEFAULT_LOCK_TIMEOUT_SECONDS = 120;

export interface LockOptions {
  /** What this command is (e.g. `synth`, `promote web --to prod`), as a command waiting for it prints it. */
  readonly purpose: string;
  /** How long to wait for another command's lock, in ms. @default - `PLATFORM_LOCK_TIMEOUT` seconds, else 120 s */
  readonly timeoutMs?: number;
  /** Told once, when this command starts to wait, what it waits for. @default - not told */
  readonly onWait?: (message: string) => void;
}

/** Who holds (or last held) a lock, as its holder wrote it. For messages only: never used to decide anything. */
export interface LockHolder {
  readonly purpose: string;
  readonly pid: number;
  readonly host: string;
  readonly started: string;
}

/** The lock could not be taken: another command kept it past the timeout, or the lock file cannot be opened. */
export class LockError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
    this.name = 'LockError';
  }
}

interface Held {
  readonly fd: number;
  readonly file: string;
  count: number;
  /** The description the previous holder left, when it ended without releasing (it was killed). */
  readonly previous?: LockHolder;
}

const held = new Map<string, Held>();

/** A hold on a repository's lock; release it exactly once. */
export interface LockHold {
  /** The repository root (resolved). */
  readonly root: string;
  /** Whether this hold took the lock (false: it joined a hold this process already had). */
  readonly first: boolean;
  /** The holder before this one, when that one ended without releasing the lock (killed). */
  readonly previous?: LockHolder;
  release(): void;
}

/**
 * Takes the lock of `root` (waiting for another command up to the timeout),
 * or joins this process's hold on it. While a process holds a lock, SIGINT,
 * SIGTERM and SIGHUP are deferred to the next moment no synchronous write is
 * running (every transaction is synchronous), then release the lock and end
 * the process with the same signal (also when it arrived during the write
 * that ended the hold).
 */
export function acquireLock(root: string, options: LockOptions): LockHold {
  const resolved = path.resolve(root);
  const existing = held.get(resolved);
  if (existing) {
    existing.count++;
    return hold(resolved, existing, false);
  }
  const file = path.join(resolved, LOCK_FILE);
  const timeoutMs = options.timeoutMs ?? lockTimeoutMs();
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    let fd: number;
    try {
      fd = fs.openSync(file, 'a+', 0o644); // read and write (an exclusive lock needs write access), created if missing
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new LockError(`cannot open the lock file ${LOCK_FILE} in ${resolved}: ${(err as Error).message}`, code);
    }
    let locked = false;
    try {
      locked = tryLock(fd);
      // The holder before us may have removed the file between our open and our lock: then lock the new one.
      if (locked && sameFile(fd, file)) return hold(resolved, take(resolved, file, fd, options.purpose), true);
    } catch (err) {
      fs.closeSync(fd);
      throw new LockError(`cannot lock ${LOCK_FILE} in ${resolved}: ${(err as Error).message}`, (err as NodeJS.ErrnoException).code);
    }
    const holder = locked ? undefined : readHolder(fd);
    fs.closeSync(fd);
    if (locked) continue;
    const who = holder ? describeHolder(holder) : 'another command (it has not said which yet)';
    if (Date.now() >= deadline) {
      throw new LockError(`another command is using this repository: ${who}. It holds the lock ${LOCK_FILE} (the kernel's, released when that process ends, `
        + `even if it is killed), and this command gave up after ${Math.round(timeoutMs / 1000)} s; run it again when that one is done (PLATFORM_LOCK_TIMEOUT sets the wait, in seconds)`);
    }
    if (!told) {
      options.onWait?.(`Waiting for another command to finish with this repository: ${who}. Waiting up to ${Math.round(timeoutMs / 1000)} s (PLATFORM_LOCK_TIMEOUT)...`);
      told = true;
    }
    sleep(Math.min(50, Math.max(1, deadline - Date.now())));
  }
}

/** Whether this process holds the lock of `root`. */
export function holdsLock(root: string): boolean {
  return held.has(path.resolve(root));
}

function hold(root: string, h: Held, first: boolean): LockHold {
  let released = false;
  return {
    root,
    first,
    previous: h.previous,
    release: () => {
      if (released) return;
      released = true;
      if (--h.count === 0) releaseHeld(root, h);
    },
  };
}

function take(root: string, file: string, fd: number, purpose: string): Held {
  const previous = readHolder(fd);
  const me: LockHolder = { purpose, pid: process.pid, host: os.hostname(), started: new Date().toISOString() };
  const text = Buffer.from(`${JSON.stringify(me)}\n`);
  fs.ftruncateSync(fd, 0);
  fs.writeSync(fd, text, 0, text.length, 0);
  const h: Held = { fd, file, count: 1, previous };
  held.set(root, h);
  installSignalListeners();
  return h;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * One listener per signal for the whole process, however many locks it takes
 * (one per lock would pass Node's limit of 10 and warn): it releases every
 * lock, then ends the process as the signal would have. Signals are handled
 * between synchronous writes only, so nothing is half-written.
 */
const onSignal = (signal: NodeJS.Signals) => {
  for (const [r, other] of [...held]) releaseHeld(r, other);
  uninstallSignalListeners();
  process.kill(process.pid, signal);
};
let installed = false;

function installSignalListeners(): void {
  if (installed) return;
  installed = true;
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstallSignalListeners(): void {
  if (!installed) return;
  installed = false;
  for (const signal of SIGNALS) process.removeListener(signal, onSignal);
}

function releaseHeld(root: string, h: Held): void {
  held.delete(root);
  // A signal that arrived during the write that just ended is handled on the event loop's next poll, before
  // setImmediate callbacks: removing the listeners now would drop it, so they go after it (and it ends the process).
  setImmediate(() => {
    if (held.size === 0) uninstallSignalListeners();
  });
  // Removed while still locked, so that a waiter that then locks the removed file sees it is not the current one and retries.
  try {
    fs.unlinkSync(h.file);
  } catch {
    // Left behind (a read-only directory): harmless, the next command locks it again.
  }
  fs.closeSync(h.fd);
}

function sameFile(fd: number, file: string): boolean {
  const open = fs.fstatSync(fd);
  const now = fs.statSync(file, { throwIfNoEntry: false });
  return now !== undefined && now.ino === open.ino && now.dev === open.dev;
}

function readHolder(fd: number): LockHolder | undefined {
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0 || size > 4096) return undefined;
    const buffer = Buffer.alloc(size);
    fs.readSync(fd, buffer, 0, size, 0);
    const parsed = JSON.parse(buffer.toString('utf8')) as Partial<LockHolder>;
    if (typeof parsed.purpose !== 'string' || typeof parsed.pid !== 'number') return undefined;
    return { purpose: parsed.purpose, pid: parsed.pid, host: String(parsed.host ?? '?'), started: String(parsed.started ?? '?') };
  } catch {
    return undefined;
  }
}

/** e.g. "`synth` (pid 4242 on build-7, started 2026-12-07T10:00:01.000Z)". */
export function describeHolder(holder: LockHolder): string {
  return `\`${holder.purpose}\` (pid ${holder.pid} on ${holder.host}, started ${holder.started})`;
}

function lockTimeoutMs(): number {
  const text = process.env.PLATFORM_LOCK_TIMEOUT;
  const seconds = text === undefined || text.trim() === '' ? DEFAULT_LOCK_TIMEOUT_SECONDS : Number(text);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new LockError(`PLATFORM_LOCK_TIMEOUT must be a number of seconds, 0 or more (received ${JSON.stringify(text)})`);
  }
  return seconds * 1000;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
