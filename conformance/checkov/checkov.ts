import { spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** The checkov release we judge the rendered output with; bump it with constraints.txt and re-check the baseline. */
export const CHECKOV_VERSION = '3.3.30';

/** The frameworks we scan with: `terraform_json` is the one that reads `*.tf.json` (the `terraform` framework reads HCL only). */
export const FRAMEWORKS = ['terraform_json', 'kubernetes'] as const;

const CONSTRAINTS = path.join(__dirname, 'constraints.txt');
/** Written last by an install: a directory without it (an interrupted install) is removed and installed again. */
const MARKER = '.platform-definition-installed.json';

/** Progress lines go here (the CLI passes console.log). */
export type Say = (line: string) => void;

export interface Installation {
  /** The virtualenv's Python, which runs `-m checkov.main` (no console script: a long cache path breaks shebangs). */
  readonly python: string;
  readonly dir: string;
  /** Whether this call installed it (false: reused). */
  readonly installed: boolean;
}

/**
 * The cached virtualenv that holds checkov: `${XDG_CACHE_HOME:-~/.cache}/platform-definition/checkov-<version>`.
 * Reused while its marker records this version and these constraints; otherwise installed from PyPI.
 * `CHECKOV_PYTHON` chooses the interpreter (default: python3.11, else python3).
 */
export function ensureCheckov(say: Say, env: NodeJS.ProcessEnv = process.env): Installation {
  const cacheRoot = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const dir = path.join(cacheRoot, 'platform-definition', `checkov-${CHECKOV_VERSION}`);
  const python = path.join(dir, 'bin', 'python');
  const wanted = { version: CHECKOV_VERSION, constraintsSha256: sha256(fs.readFileSync(CONSTRAINTS)) };
  const marker = readJson(path.join(dir, MARKER));
  if (marker?.version === wanted.version && marker?.constraintsSha256 === wanted.constraintsSha256 && fs.existsSync(python)) {
    say(`reusing checkov ${CHECKOV_VERSION} in ${dir}`);
    return { python, dir, installed: false };
  }

  const base = findPython(env);
  if (fs.existsSync(dir)) {
    say(`removing ${dir} (${marker ? `installed for other constraints or checkov ${marker.version}` : 'an interrupted install'})`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  say(`creating a virtualenv in ${dir} (${base.command}, Python ${base.version})`);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  run(base.command, ['-m', 'venv', dir], 'python -m venv');
  say(`installing checkov ${CHECKOV_VERSION} from PyPI, pinned by ${path.relative(process.cwd(), CONSTRAINTS)} (a minute or two)`);
  run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off',
    '--constraint', CONSTRAINTS, `checkov==${CHECKOV_VERSION}`], 'pip install');
  const reported = run(python, ['-m', 'checkov.main', '--version'], 'checkov --version', checkovEnv(env)).trim();
  if (reported !== CHECKOV_VERSION) throw new CheckovError(`pip installed checkov ${reported}, expected ${CHECKOV_VERSION}`);
  fs.writeFileSync(path.join(dir, MARKER), `${JSON.stringify({ ...wanted, python: base.version }, null, 2)}\n`);
  say(`installed checkov ${CHECKOV_VERSION}`);
  return { python, dir, installed: true };
}

/** One failed check, as checkov reports it (paths absolute; the caller makes them relative). */
export interface CheckovFailure {
  readonly framework: string;
  readonly checkId: string;
  readonly checkName: string;
  readonly file: string;
  readonly resource: string;
}

export interface CheckovResult {
  readonly failures: CheckovFailure[];
  readonly passed: number;
  /** Files checkov could not parse (and so did not check): the caller fails on any. */
  readonly parsingErrors: string[];
}

/**
 * Runs checkov over `files` with {@link FRAMEWORKS}, offline: no download of
 * Prisma Cloud / Bridgecrew guidelines and mappings (`--skip-download`,
 * `BC_SKIP_MAPPING`), no PyPI version check (`CKV_SKIP_PACKAGE_UPDATE_CHECK`),
 * no external Terraform modules, and no platform API key from the caller's environment.
 */
export function runCheckov(installation: Installation, files: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<CheckovResult> {
  const args = ['-m', 'checkov.main', '--framework', ...FRAMEWORKS, '--output', 'json', '--quiet', '--compact',
    '--skip-download', '--download-external-modules', 'false', ...files.flatMap((f) => ['--file', f])];
  return new Promise((resolve, reject) => {
    const child = spawn(installation.python, args, { env: checkovEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => stdout.push(b));
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    child.on('error', (err) => reject(new CheckovError(`could not run checkov: ${err.message}`)));
    child.on('close', (status, signal) => {
      const out = Buffer.concat(stdout).toString('utf8');
      const err = Buffer.concat(stderr).toString('utf8');
      // 0: nothing failed, 1: some check failed; anything else is checkov itself failing.
      if (status !== 0 && status !== 1) {
        reject(new CheckovError(`checkov exited with ${status ?? signal}:\n${tail(err)}`));
        return;
      }
      try {
        resolve(parseReports(JSON.parse(out)));
      } catch {
        reject(new CheckovError(`checkov did not print JSON (exit ${status}):\n${tail(out)}\n${tail(err)}`));
      }
    });
  });
}

/** checkov's JSON: one report object per framework that found something (a list when several did). */
export function parseReports(reports: unknown): CheckovResult {
  const list = (Array.isArray(reports) ? reports : [reports]) as any[];
  const failures: CheckovFailure[] = [];
  const parsingErrors: string[] = [];
  let passed = 0;
  for (const report of list) {
    if (!report || typeof report !== 'object' || typeof report.check_type !== 'string') continue;
    passed += Number(report.summary?.passed ?? 0);
    for (const f of report.results?.failed_checks ?? []) {
      failures.push({
        framework: report.check_type,
        checkId: String(f.check_id),
        checkName: String(f.check_name ?? ''),
        file: String(f.file_abs_path ?? f.file_path),
        resource: String(f.resource),
      });
    }
    for (const e of report.results?.parsing_errors ?? []) parsingErrors.push(String(e));
  }
  return { failures, passed, parsingErrors };
}

export class CheckovError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckovError';
  }
}

/** The caller's environment without checkov's or the platform's own settings (an API key would send results out), plus ours. */
function checkovEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(env).filter(([k]) => !/^(BC_|CKV_|CHECKOV_|PRISMA_)/.test(k)));
  return {
    ...clean,
    BC_SKIP_MAPPING: 'TRUE',
    CKV_SKIP_PACKAGE_UPDATE_CHECK: 'true',
    ANSI_COLORS_DISABLED: '1',
    LOG_LEVEL: 'ERROR',
    PYTHONNOUSERSITE: '1',
    PYTHONDONTWRITEBYTECODE: '1',
  };
}

function findPython(env: NodeJS.ProcessEnv): { command: string; version: string } {
  const candidates = env.CHECKOV_PYTHON ? [env.CHECKOV_PYTHON] : ['python3.11', 'python3'];
  for (const command of candidates) {
    const r = spawnSync(command, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], { encoding: 'utf8' });
    if (r.status !== 0) continue;
    const version = r.stdout.trim();
    const [major, minor] = version.split('.').map(Number);
    if (major === 3 && minor >= 9) return { command, version };
  }
  throw new CheckovError(`no Python 3.9+ found (tried ${candidates.join(', ')}): install python3.11, or set CHECKOV_PYTHON to an interpreter`);
}

function run(command: string, args: string[], what: string, env?: NodeJS.ProcessEnv): string {
  const r = spawnSync(command, args, { encoding: 'utf8', env: env ?? process.env, maxBuffer: 64 * 1024 * 1024 });
  if (r.error || r.status !== 0) {
    throw new CheckovError(`${what} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}):\n${tail(r.stderr)}${tail(r.stdout)}`);
  }
  return r.stdout;
}

function readJson(file: string): any {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function sha256(data: Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

function tail(text: string | null | undefined, lines = 30): string {
  return (text ?? '').trimEnd().split('\n').slice(-lines).join('\n');
}
