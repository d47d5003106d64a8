/**
 * `npm run bench`: how fast the platform renders, against plain cdk8s and
 * against the YAML floor, at 10, 100 and 1,000 apps on three environments.
 *
 * Every measurement runs in its own child process (`bench/run-one.ts`), so
 * that its peak memory is its own; modes are interleaved run by run so that
 * load from other processes hits them alike. Figures are medians.
 *
 *   npm run bench                      # the full benchmark (about 10 minutes on 2 cores)
 *   npm run bench -- --sizes 10,100    # a quicker subset
 *   npm run bench -- --no-example      # skip the example and test-suite timings
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Measurement, Mode } from './run-one';
import { UsageError, parseFlags } from '../src/cli/args';

const ROOT = path.resolve(__dirname, '..');
const MODES: readonly Mode[] = ['platform', 'resynth', 'plain', 'floor'];
const GIB = 1024 ** 3;

/** Targets (issue #16). */
const TARGETS = {
  /** A plain cdk8s-plus-27 object costs at least this many times one object of our re-synth at the largest size. */
  perObjectRatio: 3,
  exampleSeconds: 2,
  testSuiteSeconds: 60,
  peakRssBytes: 1 * GIB,
};

interface Options {
  readonly sizes: readonly number[];
  readonly example: boolean;
}

function parseCommandLine(argv: readonly string[]): Options {
  const { values } = parseFlags(argv, { 'sizes': { type: 'string' }, 'no-example': { type: 'boolean' } });
  const sizes = values.sizes === undefined ? [10, 100, 1000] : values.sizes.split(',').map(Number);
  if (sizes.some((s) => !Number.isInteger(s) || s < 1)) throw new UsageError(`--sizes: whole numbers of at least 1, received ${values.sizes}`);
  return { sizes, example: !values['no-example'] };
}

function runsFor(size: number): number {
  return size >= 1000 ? 3 : 5;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Runs one measurement in a fresh process, as `npm run synth` runs (`node --import tsx`); returns it with the child's whole wall time. */
function runChild(mode: Mode, size: number): Measurement & { childMs: number } {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', 'tsx', path.join('bench', 'run-one.ts'), mode, String(size)], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const childMs = performance.now() - started;
  if (child.status !== 0) {
    throw new Error(`bench/run-one.ts ${mode} ${size} failed (exit ${child.status}):\n${child.stderr}`);
  }
  const lines = child.stdout.trim().split('\n');
  return { ...(JSON.parse(lines[lines.length - 1]) as Measurement), childMs };
}

interface Row {
  readonly size: number;
  readonly mode: Mode;
  readonly runs: number;
  readonly ms: number;
  readonly cpuMs: number;
  readonly childMs: number;
  readonly maxRssKiB: number;
  readonly objects: number;
  readonly files: number;
  readonly appEnvironments: number;
  readonly mismatches: number;
  /** Median of each phase (wall ms). */
  readonly phases: Readonly<Record<string, number>>;
}

function measureSize(size: number): Row[] {
  const samples = new Map<Mode, (Measurement & { childMs: number })[]>(MODES.map((m) => [m, []]));
  for (let run = 0; run < runsFor(size); run++) {
    for (const mode of MODES) samples.get(mode)!.push(runChild(mode, size));
  }
  return MODES.map((mode) => {
    const s = samples.get(mode)!;
    return {
      size,
      mode,
      runs: s.length,
      ms: median(s.map((m) => m.ms)),
      cpuMs: median(s.map((m) => m.cpuMs)),
      childMs: median(s.map((m) => m.childMs)),
      maxRssKiB: Math.max(...s.map((m) => m.maxRssKiB)),
      objects: s[0].objects,
      files: s[0].files,
      appEnvironments: s[0].appEnvironments,
      mismatches: Math.max(...s.map((m) => m.mismatches ?? 0)),
      phases: Object.fromEntries(Object.keys(s[0].phases).map((k) => [k, median(s.map((m) => m.phases[k]))])),
    };
  });
}

/** Wall time of a shell command, median of `runs`. */
function timeCommand(
  command: string, args: readonly string[], cwd: string, runs: number, env: NodeJS.ProcessEnv = process.env,
): { seconds: number; ok: boolean; failure?: string } {
  const times: number[] = [];
  let ok = true;
  let failure: string | undefined;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    times.push((performance.now() - started) / 1000);
    if (r.status !== 0) {
      ok = false;
      // What failed, so that a failure in the benchmark's run can be told from a slow one: jest's failing tests, else the end.
      const lines = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n');
      const marked = lines.filter((l) => /^\s*(●|FAIL\b|Tests:)/.test(l));
      failure ??= (marked.length > 0 ? marked : lines.filter((l) => l.trim()).slice(-15)).slice(0, 30).join('\n');
    }
  }
  return { seconds: median(times), ok, failure };
}

interface ExampleTimes {
  /** `npm run synth`, the first run in a fresh copy of the project. */
  readonly firstRun: number;
  /** `npm run synth`, median of 3 (npm's start-up included). */
  readonly npmRunSynth: number;
  /** `node --import tsx src/main.ts`, what the task runs, median of 3. */
  readonly direct: number;
  readonly ok: boolean;
}

/**
 * The example's commands, run as a user runs them, in a scratch copy of the
 * project (its own src/, environments/, schemas/, package.json and .projen/,
 * the same node_modules) so that the benchmark never rewrites this dist/.
 */
function measureExample(): ExampleTimes {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-bench-example-'));
  try {
    // Everything a synth reads: sources, declarations, the committed schemas, the task runner's configuration.
    for (const entry of ['src', 'environments', 'schemas', '.projen', 'package.json', 'tsconfig.json']) {
      fs.cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
    const first = timeCommand('npm', ['run', 'synth'], copy, 1);
    const npm = timeCommand('npm', ['run', 'synth'], copy, 3);
    const direct = timeCommand(process.execPath, ['--import', 'tsx', 'src/main.ts'], copy, 3);
    const ok = first.ok && npm.ok && direct.ok && fs.existsSync(path.join(copy, 'dist', 'prod'));
    if (!ok) process.stderr.write(`the example did not render in the scratch copy ${copy}: its timings are of a failed run\n`);
    return { firstRun: first.seconds, npmRunSynth: npm.seconds, direct: direct.seconds, ok };
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const fmtUs = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
const fmtMiB = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
const verdict = (pass: boolean) => (pass ? 'PASS' : 'MISS');

function main(): void {
  const options = parseCommandLine(process.argv.slice(2));
  const startedAll = performance.now();
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out(`Platform render benchmark: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
  out(`Load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}`);
  out('Synthetic platforms: the example\'s mix (public/internal/secret services, workers, cron jobs, migrations) on dev, staging, prod.');
  out('');

  const rows: Row[] = [];
  for (const size of options.sizes) rows.push(...measureSize(size));
  const loadAfterRenders = os.loadavg();

  const header = ['apps', 'mode', 'runs', 'median', 'CPU', 'app-envs', 'objects', 'per object', 'per app-env', 'peak RSS', 'child wall'];
  const table = rows.map((r) => [
    String(r.size),
    ({ platform: 'platform (3 envs)', resynth: 'platform re-synth (3 envs)', plain: 'plain cdk8s (1 env)', floor: 'yaml floor (3 envs)' })[r.mode],
    String(r.runs),
    fmtMs(r.ms),
    fmtMs(r.cpuMs),
    String(r.appEnvironments),
    String(r.objects),
    fmtUs(r.ms / r.objects),
    fmtUs(r.ms / r.appEnvironments),
    fmtMiB(r.maxRssKiB),
    fmtMs(r.childMs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i <= 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  out(line(header));
  out(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const t of table) out(line(t));
  out('');
  out('median: wall time of the timed work inside the child (render + write; start-up excluded); CPU: its user + system CPU time (less sensitive to load).');
  out('child wall: the whole child process (node start-up and module loading included).');
  out('platform: into a new directory (every file created); re-synth: over the dist/ of a first synth, one app changed (what CI on a clone and a developer\'s re-run do).');
  out('floor: yaml.stringify + writeFileSync of our already-built objects into the same files; its peak RSS includes the untimed render.');
  out('plain cdk8s: kplus.Deployment (+ exposeViaService), CronJob or Job per app (no probes, config, secrets, policies, GitOps objects, Terraform).');
  out('');

  const get = (size: number, mode: Mode) => rows.find((r) => r.size === size && r.mode === mode)!;
  const verdicts: string[] = [];
  for (const size of options.sizes) {
    const us = get(size, 'platform');
    const floor = get(size, 'floor');
    const again = get(size, 'resynth');
    out(`${String(size).padStart(5)} apps, re-synth with one app changed: ${fmtMs(again.ms)} (render ${fmtMs(again.phases.render)} + write ${fmtMs(again.phases.write)}, ${again.files} files written)`);
    out(`${String(size).padStart(5)} apps, into a new directory: render (resolve, constructs, toJson, YAML, checks) ${fmtMs(us.phases.render)} + write ${fmtMs(us.phases.write)}; `
      + `floor yaml.stringify ${fmtMs(floor.phases.stringify)} + write ${fmtMs(floor.phases.write)} (${floor.files} new files); `
      + `floor files identical to ours: ${floor.mismatches === 0 ? 'yes' : `NO (${floor.mismatches} differ)`}`);
  }
  const perObject = options.sizes.map((s) => get(s, 'platform').ms / get(s, 'platform').objects);
  out(`Time per object (platform): ${options.sizes.map((s, i) => `${s} apps ${fmtUs(perObject[i])}`).join(', ')}`);
  out(`Peak RSS (platform): ${options.sizes.map((s) => `${s} apps ${fmtMiB(get(s, 'platform').maxRssKiB)}`).join(', ')}`);
  out('');

  // The one line issue #16 asks for: an object of the largest re-synth against a plain cdk8s-plus-27 object, same run.
  const largest = Math.max(...options.sizes);
  const resynth = get(largest, 'resynth');
  const plain = get(largest, 'plain');
  const usPerObject = (resynth.ms * 1000) / resynth.objects;
  const plainPerObject = (plain.ms * 1000) / plain.objects;
  const ratio = plainPerObject / usPerObject;
  out(`per object: ${usPerObject.toFixed(1)} µs, plain cdk8s ${plainPerObject.toFixed(1)} µs, ratio ${ratio.toFixed(2)}x`);
  const cpuRatio = (plain.cpuMs / plain.objects) / (resynth.cpuMs / resynth.objects);
  verdicts.push(`${verdict(ratio >= TARGETS.perObjectRatio)}  an object of the ${largest}-app × 3-env re-synth costs at most 1/3 of a plain cdk8s object: `
    + `ratio ${ratio.toFixed(2)}x (CPU ${cpuRatio.toFixed(2)}x; target >= ${TARGETS.perObjectRatio}x)`);
  const peak = Math.max(get(largest, 'platform').maxRssKiB, resynth.maxRssKiB);
  verdicts.push(`${verdict(peak * 1024 < TARGETS.peakRssBytes)}  peak memory at ${largest} apps × 3 envs: ${fmtMiB(peak)} (target < 1024 MiB)`);
  if (options.sizes.length > 1) {
    const growth = perObject[perObject.length - 1] / perObject[perObject.length - 2];
    verdicts.push(`${verdict(growth <= 1.5)}  linear scaling: time per object at ${largest} apps is ${growth.toFixed(2)}× that at ${options.sizes[options.sizes.length - 2]} apps (target <= 1.5)`);
  }
  if (options.example) {
    const example = measureExample();
    const worst = Math.max(example.firstRun, example.npmRunSynth);
    verdicts.push(`${verdict(example.ok && worst < TARGETS.exampleSeconds)}  example renders in under 2 s: npm run synth ${example.npmRunSynth.toFixed(2)} s `
      + `(median of 3, npm's start-up included; ${example.firstRun.toFixed(2)} s on the first run in a fresh copy)`);
    verdicts.push(`      node --import tsx src/main.ts ${example.direct.toFixed(2)} s`);
    const tests = timeCommand('npm', ['test'], ROOT, 1);
    verdicts.push(`${verdict(tests.ok && tests.seconds < TARGETS.testSuiteSeconds)}  npm test under 60 s: ${tests.seconds.toFixed(1)} s${tests.ok ? '' : ' (FAILED)'} (tsc, jest, eslint)`);
    if (tests.failure) verdicts.push(tests.failure.split('\n').map((l) => `      ${l}`).join('\n'));
  }
  for (const v of verdicts) out(v);
  out('');
  out(`Load average after the renders: ${loadAfterRenders.map((l) => l.toFixed(2)).join(', ')}; at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}`);
  out(`Benchmark wall time: ${fmtMs(performance.now() - startedAll)}`);
}

try {
  main();
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  process.stderr.write(`${err.message}\nusage: npm run bench [-- --sizes 10,100,1000] [--no-example]\n`);
  process.exitCode = 2;
}
