/**
 * One benchmark measurement, in its own process so that its peak memory is
 * its own: `node --import tsx bench/run-one.ts <mode> <apps>` (as `npm run synth` runs
 * the synth).
 *
 * - `platform`: our renderer as `npm run synth` runs it (`renderPlatform` +
 *   `writeTreeAtomically`), for
 *   the synthetic platform of `<apps>` apps on dev, staging and prod, into a new directory;
 * - `resynth`: the same, over the `dist/` of a first (untimed) synth, with one app
 *   changed: what CI and a developer's re-run do (most files already there);
 * - `plain`: plain cdk8s + cdk8s-plus-27 (L2) for the same apps' workloads,
 *   one environment, `App.synth()`;
 * - `floor`: `yaml.stringify` + `writeFileSync` of our already-rendered
 *   objects into the same files (the render itself is not timed); also
 *   checks that those files are byte-identical to ours.
 *
 * Prints one JSON line: the timed work only (process start-up, module
 * loading and building the declaration excluded), and `maxRSS` at the end.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { synthPlainCdk8s } from './plain-cdk8s';
import { syntheticPlatform } from './synthetic';
import { appEnvironmentCount } from '../src/model';
import { GENERATED_HEADER, renderPlatform, writeTreeAtomically } from '../src/synth';


export type Mode = 'platform' | 'resynth' | 'plain' | 'floor';

export interface Measurement {
  readonly mode: Mode;
  readonly apps: number;
  /** Apps × environments rendered (plain: the apps, × 1 environment). */
  readonly appEnvironments: number;
  /** Kubernetes objects rendered. */
  readonly objects: number;
  /** Files written. */
  readonly files: number;
  /** Milliseconds of the timed work (wall clock). */
  readonly ms: number;
  /** CPU milliseconds (user + system) of the timed work: less sensitive than wall time to other processes' load. */
  readonly cpuMs: number;
  /** Peak resident set size of the whole process, in KiB. */
  readonly maxRssKiB: number;
  /** Wall milliseconds of the parts of the timed work (platform: render, write; floor: stringify, write). */
  readonly phases: Readonly<Record<string, number>>;
  /** floor only: files whose content differs from our renderer's (must be 0). */
  readonly mismatches?: number;
}

function main(argv: readonly string[]): Measurement {
  const [mode, size] = argv;
  if (mode === 'prepare') return prepare(Number(size), argv[2]);
  const apps = Number(size);
  if (!['platform', 'resynth', 'plain', 'floor'].includes(mode) || !Number.isInteger(apps) || apps < 1) {
    throw new Error(`usage: node --import tsx bench/run-one.ts <platform|resynth|plain|floor> <apps> (received ${JSON.stringify(argv)})`);
  }
  const spec = syntheticPlatform(apps);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `platform-bench-${mode}-`));
  try {
    switch (mode) {
      case 'platform': {
        const stop = timer();
        const rendered = renderPlatform({ platform: spec });
        const rendering = stop().ms;
        writeTreeAtomically(path.join(tmp, 'dist'), rendered.files);
        const time = stop();
        const phases = { render: rendering, write: time.ms - rendering };
        const appEnvironments = appEnvironmentCount(rendered.resolved);
        return measurement({ mode, apps, appEnvironments, objects: rendered.objects.length, files: rendered.files.size, ...time, phases });
      }
      case 'resynth': {
        const dist = path.join(tmp, 'dist');
        // The first synth runs in a process of its own, so that this one starts as cold as a new `npm run synth`.
        const first = spawnSync(process.execPath, ['--import', 'tsx', __filename, 'prepare', String(apps), dist], { encoding: 'utf8' });
        if (first.status !== 0) throw new Error(`the first synth failed: ${first.stderr}`);
        const changed = syntheticPlatform(apps, 1);
        const stop = timer();
        const rendered = renderPlatform({ platform: changed });
        const rendering = stop().ms;
        const stats = writeTreeAtomically(dist, rendered.files);
        const time = stop();
        const appEnvironments = appEnvironmentCount(rendered.resolved);
        return measurement({
          mode,
          apps,
          appEnvironments,
          objects: rendered.objects.length,
          files: stats.written,
          ...time,
          phases: { render: rendering, write: time.ms - rendering },
        });
      }
      case 'plain': {
        const stop = timer();
        const result = synthPlainCdk8s(spec, path.join(tmp, 'cdk8s.out'));
        const time = stop();
        return measurement({ mode, apps, appEnvironments: result.apps, objects: result.objects, files: result.objects, ...time, phases: {} });
      }
      default: {
        const rendered = renderPlatform({ platform: spec });
        const out = path.join(tmp, 'dist');
        const written = new Map<string, string>();
        const made = new Set<string>();
        let stringifying = 0;
        const stop = timer();
        for (const obj of rendered.objects) {
          const rel = `${obj.environment}/${obj.file}`;
          const file = path.join(out, rel);
          const folder = path.dirname(file);
          if (!made.has(folder)) {
            fs.mkdirSync(folder, { recursive: true });
            made.add(folder);
          }
          const before = performance.now();
          const content = GENERATED_HEADER + stringify(obj.manifest, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
          stringifying += performance.now() - before;
          fs.writeFileSync(file, content);
          written.set(rel, content);
        }
        const time = stop();
        // The floor writes the Kubernetes objects only: compare those files (not Terraform, provenance or kustomizations).
        let mismatches = 0;
        for (const [rel, content] of written) if (rendered.files.get(rel) !== content) mismatches++;
        const appEnvironments = appEnvironmentCount(rendered.resolved);
        return measurement({ mode: 'floor', apps, appEnvironments, objects: rendered.objects.length, files: written.size, ...time, phases: { stringify: stringifying, write: time.ms - stringifying }, mismatches });
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** `resynth`'s first synth, untimed: the synthetic platform rendered into `dist`. */
function prepare(apps: number, dist: string): never {
  writeTreeAtomically(dist, renderPlatform({ platform: syntheticPlatform(apps) }).files);
  process.exit(0);
}

/** Wall and CPU time since it was created. */
function timer(): () => { ms: number; cpuMs: number } {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { ms: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 };
  };
}

function measurement(m: Omit<Measurement, 'maxRssKiB'>): Measurement {
  // maxRSS is in KiB on Linux and macOS.
  return { ...m, maxRssKiB: process.resourceUsage().maxRSS };
}

process.stdout.write(`${JSON.stringify(main(process.argv.slice(2)))}\n`);
