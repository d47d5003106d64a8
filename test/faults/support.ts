/**
 * The fault-injection tier (`npm run test:faults`, Linux, as root): runs the
 * writing commands as a user does — the command of the package.json script,
 * in a copy of the project — and stops them with strace's syscall fault
 * injection (a signal or an error at the Nth rename of the process), with
 * timed kills, concurrently and in pid namespaces; then checks what the next
 * command leaves.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LOCK_FILE, SCRATCH_DIR, readTree } from '../../src/synth';

export const ROOT = path.resolve(__dirname, '..', '..');
const RENAMES = 'rename,renameat,renameat2';

export interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Milliseconds from start to exit. */
  readonly ms: number;
}

export interface RunOptions {
  /**
   * A strace injection into the rename of one path (the source of a rename the
   * transaction makes, from {@link Project.transactionRenames}): `signal=KILL`,
   * `signal=INT`, `error=EACCES`, `delay_enter=<µs>`.
   */
  readonly inject?: { readonly at: string; readonly action: string };
  /** Run in a new pid namespace (and /proc) of its own. */
  readonly pidNamespace?: boolean;
  readonly env?: Readonly<Record<string, string>>;
  /** Kill the command (SIGKILL) this long after it starts. */
  readonly killAfterMs?: number;
  /** Called once the command is started, with its pid (strace's or unshare's when they wrap it). */
  readonly onStart?: (pid: number) => void;
}

/** Whether strace can inject faults here (Linux, allowed to trace). */
export function straceWorks(): boolean {
  try {
    execFileSync('strace', ['-qq', '-o', '/dev/null', '-e', 'trace=none', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Whether new pid namespaces can be made here (root on Linux). */
export function pidNamespacesWork(): boolean {
  try {
    return execFileSync('unshare', ['-p', '-f', '--mount-proc', 'sh', '-c', 'echo $$'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() === '1';
  } catch {
    return false;
  }
}

/** A copy of the project's sources, rendered tree and release files, with the project's node_modules linked in. */
export class Project {
  readonly dir: string;
  private readonly pristine: string;

  constructor() {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-'));
    this.dir = path.join(base, 'project');
    this.pristine = path.join(base, 'pristine');
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0')
      .filter((f) => f && !/^(test|bench|conformance|docs|unused)\//.test(f) && fs.existsSync(path.join(ROOT, f)));
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(this.dir, file)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, file), path.join(this.dir, file));
    }
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(this.dir, 'node_modules'), 'dir');
    for (const part of MUTABLE) fs.cpSync(path.join(this.dir, part), path.join(this.pristine, part), { recursive: true });
  }

  /** Puts dist/, the release files and CODEOWNERS back as copied, and removes what a killed command left. */
  restore(): void {
    for (const part of [...MUTABLE, SCRATCH_DIR, LOCK_FILE]) fs.rmSync(path.join(this.dir, part), { recursive: true, force: true });
    for (const part of MUTABLE) fs.cpSync(path.join(this.pristine, part), path.join(this.dir, part), { recursive: true });
  }

  /** Every file a command may write, by path in the project. */
  state(): Map<string, string> {
    const state = new Map<string, string>();
    for (const part of MUTABLE) {
      const full = path.join(this.dir, part);
      if (fs.statSync(full, { throwIfNoEntry: false })?.isFile()) state.set(part, fs.readFileSync(full, 'utf8'));
      else for (const [file, text] of readTree(full)) state.set(`${part}/${file}`, text);
    }
    return state;
  }

  /** Entries no command should leave: the scratch area, the lock file, `*.tmp` files. */
  leftovers(): string[] {
    const found: string[] = [];
    const walk = (rel: string) => {
      for (const entry of fs.readdirSync(path.join(this.dir, rel), { withFileTypes: true })) {
        const child = rel ? `${rel}/${entry.name}` : entry.name;
        if (child === 'node_modules') continue;
        if (entry.name === SCRATCH_DIR || entry.name === LOCK_FILE || entry.name.endsWith('.tmp') || entry.name.startsWith('.dist-')) found.push(child);
        else if (entry.isDirectory()) walk(child);
      }
    };
    walk('');
    return found;
  }

  write(file: string, content: string): void {
    fs.writeFileSync(path.join(this.dir, file), content);
  }

  remove(): void {
    fs.rmSync(path.dirname(this.dir), { recursive: true, force: true });
  }

  /** Runs `npm run <script> -- <args>` the way package.json runs it (its command, with this Node), in the copy. */
  run(script: string, args: readonly string[] = [], options: RunOptions = {}): Promise<Run> {
    const pkg = JSON.parse(fs.readFileSync(path.join(this.dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const [program, ...rest] = pkg.scripts[script].split(' ');
    let argv = [program === 'node' ? process.execPath : program, ...rest, ...args];
    if (options.inject) {
      // -P: only the syscalls on that path count, so the runner's own renames (a cache) never shift the target.
      argv = ['strace', '-f', '-qq', '-o', '/dev/null', '-P', options.inject.at, '-e', `trace=${RENAMES}`, '-e', `inject=${RENAMES}:${options.inject.action}:when=1`, '--', ...argv];
    }
    if (options.pidNamespace) argv = ['unshare', '-p', '-f', '--mount-proc', '--', ...argv];
    return spawnRun(argv, this.dir, options);
  }

  /**
   * The source paths of the renames the transaction of a command makes, in
   * order (the journal's commit first), from one run under strace; each is
   * renamed once per run, so `inject.at` one of them targets that step.
   * Restores before the run and after it.
   */
  async transactionRenames(script: string, args: readonly string[], prepare: () => void = () => undefined): Promise<string[]> {
    const trace = path.join(path.dirname(this.dir), 'renames.trace');
    this.restore();
    prepare();
    const pkg = JSON.parse(fs.readFileSync(path.join(this.dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const [program, ...rest] = pkg.scripts[script].split(' ');
    const argv = ['strace', '-f', '-qq', '-o', trace, '-e', `trace=${RENAMES}`, '--', program === 'node' ? process.execPath : program, ...rest, ...args];
    const run = await spawnRun(argv, this.dir, {});
    if (run.code !== 0) throw new Error(`${script} ${args.join(' ')} failed while its renames were traced: ${run.stderr}`);
    const sources = fs.readFileSync(trace, 'utf8').split('\n')
      .map((line) => /^\d+\s+(?:rename\(|renameat2?\([^,]+,\s*)"([^"]+)"/.exec(line)?.[1])
      .filter((source): source is string => source !== undefined && source.includes(`/${SCRATCH_DIR}/`));
    fs.rmSync(trace, { force: true });
    this.restore();
    return sources;
  }
}

/** What a command may write: the rendered tree, the release files, CODEOWNERS. */
const MUTABLE = ['dist', 'environments/releases', '.github/CODEOWNERS'];

function spawnRun(argv: readonly string[], cwd: string, options: RunOptions): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), {
      cwd,
      env: { ...process.env, PLATFORM_RUN_QUIET_MS: '0', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.once('error', reject);
    if (child.pid !== undefined) options.onStart?.(child.pid);
    const timer = options.killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
    child.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Resolves once `file` exists (polling); rejects, with its output, when `command` ends first, or after `ms`. */
export async function waitFor(file: string, command: Promise<Run>, ms = 120_000): Promise<void> {
  let ended: Run | undefined;
  void command.then((run) => { ended = run; });
  const deadline = Date.now() + ms;
  while (!fs.existsSync(file)) {
    if (ended) throw new Error(`the command ended (${ended.code ?? ended.signal}) before ${file} appeared:\n${ended.stdout}\n${ended.stderr}`);
    if (Date.now() > deadline) throw new Error(`${file} did not appear within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A small seeded generator (a linear congruential one), so that "random" kill times are the same on every run. */
export function seeded(seed: number): () => number {
  let state = seed % 4294967296;
  return () => {
    state = (state * 1664525 + 1013904223) % 4294967296;
    return state / 4294967296;
  };
}

/** Which of the given named states `actual` is exactly, or undefined. */
export function whichState(actual: ReadonlyMap<string, string>, states: Readonly<Record<string, ReadonlyMap<string, string>>>): string | undefined {
  const same = (a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
  return Object.keys(states).find((name) => same(actual, states[name]));
}
