import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * scripts/run.cjs: entry points run from a bundle that is rebuilt whenever an
 * input changed. Each test works in a scratch project of its own.
 */
const RUNNER = path.resolve(__dirname, '..', '..', 'scripts', 'run.cjs');

let project: string;
let cache: string;

beforeEach(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'run-cjs-'));
  cache = `${project}-cache`; // outside the project: creating it must not touch the project's directories
  write('package.json', '{ "name": "scratch", "private": true }\n');
  write('src/lib/value.ts', 'export const value: string = "one";\nexport const dir = __dirname;\n');
  write('src/lib/thing/index.ts', 'export const thing = "from the directory";\n');
  write('src/entry.ts', [
    "import { dir, value } from './lib/value';",
    "import { thing } from './lib/thing';",
    'const exitCode = Number(process.env.EXIT_CODE ?? 0);',
    'console.log(JSON.stringify({ value, thing, dir, entryDir: __dirname, argv: process.argv.slice(1) }));',
    'process.exitCode = exitCode;',
    '',
  ].join('\n'));
});

afterEach(() => {
  fs.rmSync(project, { recursive: true, force: true });
  fs.rmSync(cache, { recursive: true, force: true });
});

function write(file: string, content: string): void {
  fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
  fs.writeFileSync(path.join(project, file), content);
}

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawnSync(process.execPath, [RUNNER, ...args], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, PLATFORM_RUN_CACHE: cache, PLATFORM_RUN_TSX: '', PLATFORM_RUN_QUIET_MS: '0', ...env },
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

function output(args: string[] = [], env: Record<string, string> = {}) {
  const result = run(['src/entry.ts', ...args], env);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as { value: string; thing: string; dir: string; entryDir: string; argv: string[] };
}

/** The entry's bundle in the cache (named after the entry and a hash of the project and entry paths). */
const bundle = () => {
  const manifest = JSON.parse(fs.readFileSync(manifestFile(), 'utf8')) as { bundle: string };
  return path.join(cache, manifest.bundle);
};
const manifestFile = () => {
  const found = fs.readdirSync(cache).filter((f) => /^src__entry\.ts-[0-9a-f]{12}\.json$/.test(f));
  expect(found).toHaveLength(1);
  return path.join(cache, found[0]);
};

test('runs the entry with its arguments, and __dirname of each source file', () => {
  const out = output(['--base', 'main']);
  expect(out.value).toBe('one');
  expect(out.argv).toEqual([path.join(project, 'src', 'entry.ts'), '--base', 'main']);
  expect(out.entryDir).toBe(path.join(project, 'src'));
  expect(out.dir).toBe(path.join(project, 'src', 'lib'));
  expect(fs.existsSync(bundle())).toBe(true);
});

test('reuses the bundle while nothing changed, and rebuilds one that was edited', () => {
  output();
  const first = fs.statSync(bundle());
  output();
  const second = fs.statSync(bundle());
  // A rebuild writes a new file and renames it over the old one: a new inode.
  expect([second.ino, second.mtimeMs]).toEqual([first.ino, first.mtimeMs]);
  fs.writeFileSync(bundle(), fs.readFileSync(bundle(), 'utf8').replace('"one"', '"edited"'));
  expect(output().value).toBe('one');
});

test('rebuilds when a source file changed, even to content of the same length', () => {
  output();
  write('src/lib/value.ts', 'export const value: string = "two";\nexport const dir = __dirname;\n');
  expect(output().value).toBe('two');
});

test('rebuilds when a new file changes what an import resolves to', () => {
  expect(output().thing).toBe('from the directory');
  // ./lib/thing now resolves to thing.ts, which no previous input names.
  write('src/lib/thing.ts', 'export const thing = "from the file";\n');
  expect(output().thing).toBe('from the file');
});

test('rebuilds when an input was removed, and reports what does not resolve any more', () => {
  output();
  fs.rmSync(path.join(project, 'src', 'lib', 'thing'), { recursive: true });
  const result = run(['src/entry.ts']);
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('Could not build src/entry.ts');
  expect(result.stderr).toMatch(/src\/entry\.ts:2:\d+: Could not resolve "\.\/lib\/thing"\n    fix: create .*src\/lib\/thing\.ts, or correct the import in .*src\/entry\.ts/);
});

test('a syntax error names the file and line, exits 1, and runs nothing', () => {
  write('src/lib/value.ts', 'export const value: string = ;\n');
  const result = run(['src/entry.ts']);
  expect(result.status).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/src\/lib\/value\.ts:1:\d+: Unexpected ";"/);
});

test('a build just after a directory changed records no manifest: the next run builds again', () => {
  // Written a moment ago: the directory may have changed while esbuild resolved in it.
  const quiet = { PLATFORM_RUN_QUIET_MS: '60000' };
  output([], quiet);
  expect(fs.readdirSync(cache).filter((f) => f.endsWith('.json'))).toEqual([]);
  output();
  const recorded = JSON.parse(fs.readFileSync(manifestFile(), 'utf8'));
  expect(recorded).toMatchObject({ entry: path.join(project, 'src', 'entry.ts'), root: project });
  expect(Object.keys(recorded.hashes)).toEqual(expect.arrayContaining([path.join(project, 'src', 'lib', 'value.ts')]));
});

test('an edit that lands while the bundle is built is never cached as the old version', async () => {
  // Each file esbuild loads is announced, then takes 400 ms more: value.ts is edited right after it was read.
  const child = spawn(process.execPath, [RUNNER, 'src/entry.ts'], {
    cwd: project,
    env: { ...process.env, PLATFORM_RUN_CACHE: cache, PLATFORM_RUN_QUIET_MS: '0', PLATFORM_RUN_TEST_LOAD_DELAY_MS: '400' },
  });
  const value = path.join(project, 'src', 'lib', 'value.ts');
  let stdout = '';
  let edited = false;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    if (edited || !d.toString().includes(`test: read ${value}`)) return;
    edited = true;
    // In place, as some editors save: the directory does not change, only the bytes.
    const fd = fs.openSync(value, 'r+');
    fs.ftruncateSync(fd, 0);
    fs.writeSync(fd, 'export const value: string = "two";\nexport const dir = __dirname;\n', 0);
    fs.closeSync(fd);
  });
  const code = await new Promise((resolve) => child.on('close', resolve));
  expect({ code, edited }).toEqual({ code: 0, edited: true });
  // This run built again from the new bytes; in any case, no later run may reuse a bundle of the old ones.
  expect(JSON.parse(stdout).value).toBe('two');
  expect(output().value).toBe('two');
  expect(output().value).toBe('two');
});

test('rebuilds when a configuration the tsconfig extends changes, through a package and outside the project', () => {
  // tsconfig.json extends a package's configuration, which extends a file outside the project: the import alias `@lib/pick` is set there.
  const shared = `${project}-shared`;
  fs.mkdirSync(shared, { recursive: true });
  try {
    write('src/lib/a.ts', 'export const pick = "a";\n');
    write('src/lib/b.ts', 'export const pick = "b";\n');
    write('node_modules/@acme/tsconfig/package.json', '{ "name": "@acme/tsconfig", "tsconfig": "base.json" }\n');
    write('node_modules/@acme/tsconfig/base.json', `{\n  // comments and trailing commas, as in any tsconfig\n  "extends": "${path.join(shared, 'paths')}",\n  "compilerOptions": {},\n}\n`);
    const alias = (file: string) => `{ "compilerOptions": { "baseUrl": "${project}", "paths": { "@lib/pick": ["src/lib/${file}"] } } }\n`;
    fs.writeFileSync(path.join(shared, 'paths.json'), alias('a.ts'));
    write('tsconfig.json', '{ "extends": ["@acme/tsconfig"] }\n');
    write('src/entry.ts', "import { pick } from '@lib/pick';\nconsole.log(JSON.stringify({ value: pick }));\n");
    expect(output().value).toBe('a');
    expect(output().value).toBe('a');
    fs.writeFileSync(path.join(shared, 'paths.json'), alias('b.ts'));
    expect(output().value).toBe('b');
    const recorded = JSON.parse(fs.readFileSync(manifestFile(), 'utf8'));
    expect(Object.keys(recorded.hashes)).toEqual(expect.arrayContaining([path.join(project, 'node_modules', '@acme', 'tsconfig', 'base.json'), path.join(shared, 'paths.json')]));
  } finally {
    fs.rmSync(shared, { recursive: true, force: true });
  }
});

describe('every shape of `extends` that TypeScript and esbuild resolve is fingerprinted', () => {
  const alias = (file: string) => `{ "compilerOptions": { "baseUrl": "${project}", "paths": { "@lib/pick": ["src/lib/${file}"] } } }\n`;
  const pkg = 'node_modules/@acme/tsconfig';
  // Each case writes its configuration and returns the file (relative to the project) that sets the alias.
  test.each<[string, () => string]>([
    ['a path whose name is also a directory', () => {
      fs.mkdirSync(path.join(project, 'base'));
      write('tsconfig.json', '{ "extends": "./base" }\n');
      return 'base.json';
    }],
    ['a tsconfig that starts with a byte order mark', () => {
      write('tsconfig.json', '\uFEFF{ "extends": "./shared.json" }\n');
      return 'shared.json';
    }],
    ['a package subpath mapped by its exports', () => {
      write(`${pkg}/package.json`, '{ "name": "@acme/tsconfig", "exports": { "./base": "./tsconfig.base.json" } }\n');
      write('tsconfig.json', '{ "extends": "@acme/tsconfig/base" }\n');
      return `${pkg}/tsconfig.base.json`;
    }],
    ['a package whose exports is one file', () => {
      write(`${pkg}/package.json`, '{ "name": "@acme/tsconfig", "exports": "./config.json" }\n');
      write('tsconfig.json', '{ "extends": "@acme/tsconfig" }\n');
      return `${pkg}/config.json`;
    }],
    ['a package subpath that is a directory', () => {
      write(`${pkg}/package.json`, '{ "name": "@acme/tsconfig" }\n');
      write('tsconfig.json', '{ "extends": "@acme/tsconfig/strict" }\n');
      return `${pkg}/strict/tsconfig.json`;
    }],
  ])('%s', (_, setUp) => {
    write('src/lib/a.ts', 'export const pick = "a";\n');
    write('src/lib/b.ts', 'export const pick = "b";\n');
    write('src/entry.ts', "import { pick } from '@lib/pick';\nconsole.log(JSON.stringify({ value: pick }));\n");
    const base = setUp();
    write(base, alias('a.ts'));
    expect(output().value).toBe('a');
    expect(output().value).toBe('a');
    write(base, alias('b.ts'));
    expect(output().value).toBe('b');
  });

  test('an extends that resolves to no installed package is never reused, and says so', () => {
    write('tsconfig.json', '{ "extends": "@acme/not-installed" }\n');
    const first = run(['src/entry.ts']);
    expect(first.status).toBe(0);
    expect(first.stderr).toBe('Note: tsconfig.json extends "@acme/not-installed", which resolves to no installed package: the bundle is built again on every run until that is fixed.\n');
    expect(fs.readdirSync(cache).filter((f) => f.endsWith('.json'))).toEqual([]);
    expect(run(['src/entry.ts']).stderr).toContain('Note: tsconfig.json extends');
  });
});

test('rebuilds when a symbolic link on an import\'s path is repointed', () => {
  write('variants/a/pick.ts', 'export const pick = "a";\n');
  write('variants/b/pick.ts', 'export const pick = "b";\n');
  fs.symlinkSync(path.join('..', '..', 'variants', 'a'), path.join(project, 'src', 'lib', 'current'));
  write('src/entry.ts', "import { pick } from './lib/current/pick';\nimport { value } from './lib/value';\nconsole.log(JSON.stringify({ value: `${value}-${pick}` }));\n");
  expect(output().value).toBe('one-a');
  expect(output().value).toBe('one-a');
  fs.rmSync(path.join(project, 'src', 'lib', 'current'));
  fs.symlinkSync(path.join('..', '..', 'variants', 'b'), path.join(project, 'src', 'lib', 'current'));
  expect(output().value).toBe('one-b');
});

test('two checkouts sharing a cache never run each other\'s bundle, even when one path starts with the other', () => {
  const hotfix = `${project}-hotfix`;
  try {
    fs.cpSync(project, hotfix, { recursive: true });
    fs.writeFileSync(path.join(hotfix, 'src', 'lib', 'value.ts'), 'export const value: string = "hotfix";\nexport const dir = __dirname;\n');
    const inHotfix = spawnSync(process.execPath, [RUNNER, 'src/entry.ts'], { cwd: hotfix, encoding: 'utf8', env: { ...process.env, PLATFORM_RUN_CACHE: cache, PLATFORM_RUN_QUIET_MS: '0' } });
    expect(JSON.parse(inHotfix.stdout).value).toBe('hotfix');
    expect(output().value).toBe('one');
    expect(JSON.parse(spawnSync(process.execPath, [RUNNER, 'src/entry.ts'], { cwd: hotfix, encoding: 'utf8', env: { ...process.env, PLATFORM_RUN_CACHE: cache, PLATFORM_RUN_QUIET_MS: '0' } }).stdout).value)
      .toBe('hotfix');
  } finally {
    fs.rmSync(hotfix, { recursive: true, force: true });
  }
});

test('the bundle runs in strict mode, as the sources do under tsx', () => {
  write('src/entry.ts', [
    'const frozen = Object.freeze({ replicas: 1 });',
    'try { (frozen as { replicas: number }).replicas = 2; console.log("sloppy"); } catch { console.log("strict"); }',
    '',
  ].join('\n'));
  expect(run(['src/entry.ts']).stdout.trim()).toBe('strict');
});

test('errors name the file, line and column as an editor counts them, also on a line 1 that uses __dirname', () => {
  write('src/lib/value.ts', 'export const dir = __dirname; export const value: string = ;\n');
  const result = run(['src/entry.ts']);
  expect(result.status).toBe(1);
  expect(result.stderr).toContain(`src${path.sep}lib${path.sep}value.ts:1:60: Unexpected ";"`);
});

test('an error thrown while the sources load says how to see TypeScript lines', () => {
  write('src/lib/value.ts', 'export const value: string = (() => { throw new Error("bad declaration"); })();\nexport const dir = __dirname;\n');
  const result = run(['src/entry.ts']);
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('Error: bad declaration');
  expect(result.stderr).toContain('run again with PLATFORM_RUN_TSX=1');
  // With source maps on, the stack names the TypeScript file and line.
  const mapped = run(['src/entry.ts'], { NODE_OPTIONS: '--enable-source-maps' });
  expect(mapped.stderr).toContain(`${path.join(project, 'src', 'lib', 'value.ts')}:1:`);
});

test('bundleModules refuses a bundle built from other versions of the caller\'s sources', async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { bundleModules } = require(RUNNER) as { bundleModules: (m: string[], n: string, e?: Record<string, string>) => Promise<string> };
  process.env.PLATFORM_RUN_CACHE = cache;
  try {
    const value = path.join(project, 'src', 'lib', 'value.ts');
    const file = await bundleModules([value], 'worker');
    expect(fs.existsSync(file)).toBe(true);
    await expect(bundleModules([value], 'worker', { [value]: 'a hash of another version' }))
      .rejects.toThrow(new RegExp(`^the sources changed while this command ran \\(.*src\\${path.sep}lib\\${path.sep}value\\.ts.*\\): run it again$`));
  } finally {
    delete process.env.PLATFORM_RUN_CACHE;
  }
});

test('the entry\'s exit code is the exit code', () => {
  const result = run(['src/entry.ts'], { EXIT_CODE: '3' });
  expect(result.status).toBe(3);
});

test('PLATFORM_RUN_TSX=1 runs the sources under tsx, with the same result', () => {
  expect(output([], { PLATFORM_RUN_TSX: '1' })).toEqual(output());
});

test('a missing entry point is a usage error', () => {
  const none = run([]);
  expect(none.status).toBe(2);
  expect(none.stderr).toContain('no entry point given');
  const missing = run(['src/nope.ts']);
  expect(missing.status).toBe(2);
  expect(missing.stderr).toContain('src/nope.ts does not exist');
});

test('the worker thread of a bundled program runs from a bundle too, with the same result as one thread', () => {
  const src = path.resolve(__dirname, '..', '..', 'src');
  // Packages resolve from the project (this scratch one borrows ours), whatever the cache directory.
  fs.symlinkSync(path.resolve(__dirname, '..', '..', 'node_modules'), path.join(project, 'node_modules'), 'dir');
  write('src/two-threads.ts', [
    `import { renderPlatform, renderPlatformInParallel } from ${JSON.stringify(path.join(src, 'synth'))};`,
    `import { platform } from ${JSON.stringify(path.join(src, 'platform'))};`,
    // Part of this program, so that a worker may load it (a worker refuses modules its program was not built from).
    `import { syntheticPlatform } from ${JSON.stringify(path.resolve(__dirname, '..', '..', 'bench', 'synthetic'))};`,
    'void syntheticPlatform;',
    'const failures: string[] = [];',
    'const onWorkerFailure = (e: Error) => failures.push(e.message);',
    'void (async () => {',
    `  const source = { module: ${JSON.stringify(path.join(src, 'platform.ts'))} };`,
    '  const two = await renderPlatformInParallel({ platform, today: "2026-11-21" }, { source, threads: 2, onWorkerFailure });',
    '  const one = renderPlatform({ platform, today: "2026-11-21" });',
    '  const same = JSON.stringify([...two.files]) === JSON.stringify([...one.files]);',
    // A worker that fails is replaced by this thread; one that replies with another platform is refused: proof that it ran.
    `  const other = { module: ${JSON.stringify(path.resolve(__dirname, '..', '..', 'bench', 'synthetic.ts'))}, export: "syntheticPlatform", args: [3] };`,
    '  const refused = await renderPlatformInParallel({ platform }, { source: other, threads: 2, onWorkerFailure }).then(() => "rendered", (e) => e.message);',
    '  console.log(JSON.stringify({ files: two.files.size, same, refused, failures }));',
    '})();',
    '',
  ].join('\n'));
  const result = run(['src/two-threads.ts']);
  expect(result.stderr).toBe('');
  expect(JSON.parse(result.stdout)).toEqual({
    files: expect.any(Number), same: true, refused: expect.stringMatching(/rendered a different platform from .*synthetic\.ts/), failures: [],
  });
  // Each worker asked the runner for one bundle of the worker's module and its declaring module.
  const workers = fs.readdirSync(cache).filter((f) => /^cloud-worker-[0-9a-f]{12}\.entry\.cjs$/.test(f));
  const bundles = fs.readdirSync(cache).filter((f) => /^cloud-worker-.*\.[0-9a-f]{16}\.cjs$/.test(f));
  expect(bundles).toHaveLength(2);
  const entries = workers.map((f) => fs.readFileSync(path.join(cache, f), 'utf8'));
  expect(entries).toHaveLength(2);
  for (const entry of entries) expect(entry).toContain(JSON.stringify(path.join(src, 'synth', 'cloud-worker.ts')));
  // The Terraform half needs neither cdk8s, cdk8s-plus-27 nor yaml: the worker does not load them.
  for (const workerBundle of bundles) {
    const required = [...fs.readFileSync(path.join(cache, workerBundle), 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(required).toEqual(expect.arrayContaining(['cdktf', 'constructs']));
    expect(required.filter((r) => /^(cdk8s|cdk8s-plus-27|yaml)(\/|$)/.test(r))).toEqual([]);
  }
  expect(entries.filter((e) => e.includes(JSON.stringify(path.join(src, 'platform.ts'))))).toHaveLength(1);
  expect(entries.filter((e) => e.includes('synthetic.ts'))).toHaveLength(1);
});
