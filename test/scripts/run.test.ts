import { spawnSync } from 'child_process';
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
  cache = path.join(project, 'cache');
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

afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

function write(file: string, content: string): void {
  fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
  fs.writeFileSync(path.join(project, file), content);
}

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawnSync(process.execPath, [RUNNER, ...args], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, PLATFORM_RUN_CACHE: cache, PLATFORM_RUN_TSX: '', ...env },
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

function output(args: string[] = [], env: Record<string, string> = {}) {
  const result = run(['src/entry.ts', ...args], env);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as { value: string; thing: string; dir: string; entryDir: string; argv: string[] };
}

const bundle = () => path.join(cache, 'src__entry.cjs');

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
  expect(result.stderr).toMatch(/src\/entry\.ts:2:\d+: Could not resolve "\.\/lib\/thing"/);
});

test('a syntax error names the file and line, exits 1, and runs nothing', () => {
  write('src/lib/value.ts', 'export const value: string = ;\n');
  const result = run(['src/entry.ts']);
  expect(result.status).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/src\/lib\/value\.ts:1:\d+: Unexpected ";"/);
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
