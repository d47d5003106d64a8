import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FileTree, readTree } from '../synth/write';

/**
 * Where the base tree of a diff comes from:
 * - `sources`: the ref's own synth, run in a temporary git worktree of the ref;
 * - `dist`: the `dist/` committed at the ref (what Argo CD has applied, if the ref is deployed);
 * - `auto`: `sources`, unless the ref's package-lock.json differs from the
 *   working tree's (the installed packages would then not be the ones the ref
 *   renders with) or its synth fails; then `dist`.
 */
export type BaseSource = 'auto' | 'sources' | 'dist';

export interface RefTreeOptions {
  /** Any git revision: `main`, `HEAD~1`, a tag, a sha. */
  readonly ref: string;
  /** The project directory (package.json, src/, dist/), inside a git work tree. */
  readonly projectDir: string;
  /** @default 'auto' */
  readonly from?: BaseSource;
  /** The rendered tree, relative to the project directory. @default 'dist' */
  readonly distDir?: string;
  /** The installed packages, linked into the temporary worktree. @default `<projectDir>/node_modules` */
  readonly nodeModules?: string;
  /** The ref's synth, run in its project directory: it writes `<distDir>` there. @default node --import tsx src/main.ts (any ref's sources, whatever its scripts; no build cache) */
  readonly command?: readonly string[];
  /** @default 120000 */
  readonly timeoutMs?: number;
}

/** A rendered tree at a git ref. */
export interface RefTree {
  readonly files: FileTree;
  readonly commit: string;
  /** e.g. `HEAD~1 (1a2b3c4)`. */
  readonly label: string;
  readonly source: 'sources' | 'dist';
  /** How the tree was obtained and anything odd about it, for the report. */
  readonly notes: readonly string[];
}

/** Enough for any rendered tree (1 GiB). */
const MAX_BUFFER = 1024 ** 3;

/** A git or synth failure, with the command's own message. */
export class RefError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefError';
  }
}

/**
 * The rendered tree at `ref`. Never touches the user's checkout: the ref is
 * checked out in a temporary, detached git worktree (hooks disabled), the
 * installed `node_modules` linked into it, the ref's own synth run there
 * (its `src/main.ts` writes the worktree's own `dist/`), and the worktree
 * removed afterwards, whatever happens.
 */
export async function renderRef(options: RefTreeOptions): Promise<RefTree> {
  const { projectDir } = options;
  const from = options.from ?? 'auto';
  const distDir = options.distDir ?? 'dist';
  const commit = git(['rev-parse', '--verify', '--quiet', `${options.ref}^{commit}`], projectDir, `"${options.ref}" is not a commit in this repository`).trim();
  const label = `${options.ref} (${commit.slice(0, 7)})`;
  const prefix = git(['rev-parse', '--show-prefix'], projectDir).trim();

  if (from === 'dist') {
    return { files: committedTree(projectDir, commit, `${prefix}${distDir}`), commit, label, source: 'dist', notes: [`Base: the ${distDir}/ committed at ${label}.`] };
  }
  if (from === 'auto' && !sameLockFile(projectDir, commit, prefix)) {
    return {
      files: committedTree(projectDir, commit, `${prefix}${distDir}`),
      commit,
      label,
      source: 'dist',
      notes: [`Base: the ${distDir}/ committed at ${label}, not a fresh render: its package-lock.json differs from the working tree's, and rendering it with the packages installed here would hide what the dependency change does.`],
    };
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-diff-'));
  const worktree = path.join(tmp, 'worktree');
  try {
    git(['-c', `core.hooksPath=${path.join(tmp, 'no-hooks')}`, 'worktree', 'add', '--detach', '--quiet', worktree, commit], projectDir);
    const project = path.join(worktree, prefix);
    const link = path.join(project, 'node_modules');
    if (!fs.existsSync(link)) fs.symlinkSync(path.resolve(options.nodeModules ?? path.join(projectDir, 'node_modules')), link, 'dir');
    const committed = readTree(path.join(project, distDir));
    const command = options.command ?? [process.execPath, '--import', 'tsx', 'src/main.ts'];
    const run = await runCommand(command, project, options.timeoutMs ?? 120_000);
    if (run.code !== 0) {
      const why = `its synth (${command.slice(command[0] === process.execPath ? 1 : 0).join(' ')}) failed with exit code ${run.code}: ${lastLines(run.output)}`;
      if (from === 'sources') throw new RefError(`Cannot render ${label}: ${why}`);
      return { files: committed, commit, label, source: 'dist', notes: [`Base: the ${distDir}/ committed at ${label}, not a fresh render: ${why}`] };
    }
    const files = readTree(path.join(project, distDir));
    const differing = [...new Set([...files.keys(), ...committed.keys()])].filter((f) => files.get(f) !== committed.get(f));
    const notes = differing.length === 0
      ? [`Base: rendered from the sources at ${label}; identical to the ${distDir}/ committed there.`]
      : [`Base: rendered from the sources at ${label}. The ${distDir}/ committed there differs from that render in ${differing.length} file${differing.length === 1 ? '' : 's'} (${differing.slice(0, 3).join(', ')}${differing.length > 3 ? ', ...' : ''}): it was out of date at that commit, so what Argo CD runs today may differ from this base.`];
    return { files, commit, label, source: 'sources', notes };
  } finally {
    removeWorktree(projectDir, worktree);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** `<short sha> <date> <subject>` of the last commit at `ref` that changed `file`, if any. */
export function lastChange(projectDir: string, file: string, ref = 'HEAD'): string | undefined {
  const r = spawnSync('git', ['log', '-1', '--format=%h %cs %s', ref, '--', file], { cwd: projectDir, encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : undefined;
}

function removeWorktree(projectDir: string, worktree: string): void {
  try {
    // Unlink node_modules first: it points at the user's packages.
    for (const link of findLinks(worktree)) fs.unlinkSync(link);
  } catch {
    // Best effort; the worktree may not exist.
  }
  // Where git keeps this worktree's administrative files, to drop only ours if `git worktree remove` fails.
  let admin: string | undefined;
  try {
    admin = /^gitdir: (.*)$/m.exec(fs.readFileSync(path.join(worktree, '.git'), 'utf8'))?.[1];
  } catch {
    admin = undefined;
  }
  const removed = spawnSync('git', ['worktree', 'remove', '--force', '--force', worktree], { cwd: projectDir, encoding: 'utf8' });
  if (removed.status !== 0) {
    fs.rmSync(worktree, { recursive: true, force: true });
    if (admin && /[/\\]worktrees[/\\][^/\\]+$/.test(admin)) fs.rmSync(admin, { recursive: true, force: true });
  }
}

function findLinks(worktree: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isSymbolicLink() && entry.name === 'node_modules') out.push(p);
      else if (entry.isDirectory() && depth > 0 && entry.name !== '.git' && entry.name !== 'node_modules' && entry.name !== 'dist') walk(p, depth - 1);
    }
  };
  walk(worktree, 3);
  return out;
}

/** Whether the ref's package-lock.json is the working tree's (both absent counts as the same). */
function sameLockFile(projectDir: string, commit: string, prefix: string): boolean {
  const atRef = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${commit}:${prefix}package-lock.json`], { cwd: projectDir, encoding: 'utf8' });
  const file = path.join(projectDir, 'package-lock.json');
  if (!fs.existsSync(file)) return atRef.status !== 0;
  if (atRef.status !== 0) return false;
  return git(['hash-object', file], projectDir).trim() === atRef.stdout.trim();
}

/** The files under `dir` (repository path) at `commit`, read from the object database, keyed relative to `dir`. */
function committedTree(projectDir: string, commit: string, dir: string): Map<string, string> {
  const listing = git(['ls-tree', '-r', '-z', '--full-tree', commit, '--', dir], projectDir);
  const entries = listing.split('\0').filter(Boolean).map((line) => {
    const [meta, file] = line.split('\t');
    const [mode, type, sha] = meta.split(' ');
    return { mode, type, sha, file };
  }).filter((e) => e.type === 'blob' && e.mode !== '120000');
  const files = new Map<string, string>();
  if (entries.length === 0) return files;
  const r = spawnSync('git', ['cat-file', '--batch'], { cwd: projectDir, input: entries.map((e) => e.sha).join('\n') + '\n', maxBuffer: MAX_BUFFER });
  if (r.status !== 0) throw new RefError(`git cat-file failed: ${r.stderr.toString()}`);
  const out = r.stdout;
  let at = 0;
  for (const e of entries) {
    const eol = out.indexOf(10, at);
    const size = Number(out.subarray(at, eol).toString().split(' ')[2]);
    files.set(e.file.slice(dir.length + 1), out.subarray(eol + 1, eol + 1 + size).toString('utf8'));
    at = eol + 1 + size + 1;
  }
  return files;
}

function git(args: readonly string[], cwd: string, failure?: string): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: MAX_BUFFER });
  if (r.error) throw new RefError(`git is not available: ${r.error.message}`);
  if (r.status !== 0) throw new RefError(failure ?? `git ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

function runCommand(command: readonly string[], cwd: string, timeoutMs: number): Promise<{ code: number; output: string }> {
  const env = { ...process.env };
  delete env.CDK8S_OUTDIR;
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: -1, output: err.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output: signal ? `${output}\n(killed by ${signal})` : output });
    });
  });
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join(' / ') || '(no output)';
}
