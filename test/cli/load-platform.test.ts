import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { readTree } from '../../src/synth';

/*
 * Loading the user's declaration, as the tasks do: under tsx, in a process of
 * its own. Fixture modules are written at run time: a declaration with a
 * typo does not type-check, and users run synth without a type check.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const MODEL = path.join(ROOT, 'src', 'model');
const LOADER = path.join(ROOT, 'src', 'cli', 'load-platform.ts');
/** tsx, as `--import tsx` finds it from the project (the fixtures live outside it). */
const TSX = pathToFileURL(require.resolve('tsx')).href;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'load-platform-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(file: string, text: string): string {
  const abs = path.join(dir, file);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, text);
  return abs;
}

/** Loads each module with loadPlatformOrReport in one tsx process (cwd: the fixtures); what each printed and its exit code. */
function load(...modules: string[]): { printed: string; exitCode: number | undefined; loaded: boolean }[] {
  const script = `
    const { loadPlatformOrReport } = require(${JSON.stringify(LOADER)});
    const results = [];
    for (const m of ${JSON.stringify(modules)}) {
      const printed = [];
      process.exitCode = undefined;
      const out = { log: (s) => printed.push(s), error: (s) => printed.push(s) };
      const loaded = loadPlatformOrReport(m, { then: 'Nothing was written.', out });
      results.push({ printed: printed.join('\\n'), exitCode: process.exitCode, loaded: loaded !== undefined });
    }
    process.exitCode = 0;
    process.stdout.write(JSON.stringify(results));
  `;
  const r = spawnSync(process.execPath, ['--import', TSX, '-e', script], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

test('a declaration that throws while it loads is reported at the user\'s file and line, with the code', () => {
  // GIVEN an app whose declaration calls a factory that does not exist
  write('throws/apps/web.ts', [
    `import { Workload } from ${JSON.stringify(MODEL)};`,
    '',
    'export const web = {',
    '  name: \'web\',',
    '  workload: Workload.servce(),',
    '};',
  ].join('\n'));
  const platform = write('throws/platform.ts', 'import { web } from \'./apps/web\';\nexport const platform = { apps: [web] };\n');

  // WHEN it is loaded
  const [result] = load(platform);

  // THEN the message names the app's file, line and column, and shows the line; exit code 1
  expect(result).toEqual({
    printed: [
      'The platform declaration could not be loaded:',
      `  ${path.join('throws', 'apps', 'web.ts')}:5:22: TypeError: Workload.servce is not a function`,
      '     5 |   workload: Workload.servce(),',
      '       |                      ^',
      'Nothing was written.',
    ].join('\n'),
    exitCode: 1,
    loaded: false,
  });
});

test('an error thrown inside the engine is reported at the user\'s line that called it', () => {
  write('engine/apps/web.ts', `import { Exposure } from ${JSON.stringify(MODEL)};\nexport const web = { exposure: Exposure.public(null as never) };\n`);
  const platform = write('engine/platform.ts', 'import { web } from \'./apps/web\';\nexport const platform = { apps: [web] };\n');
  const [result] = load(platform);
  expect(result.printed).toContain(`  ${path.join('engine', 'apps', 'web.ts')}:2:41: TypeError: Exposure.public() takes an options object, e.g. Exposure.public({ subdomain: "shop" }) (received null)`);
  expect(result.printed).not.toMatch(/src\/model|node_modules/);
});

test('an import of a file that does not exist, a syntax error and a missing export say what to fix', () => {
  const missing = write('missing/platform.ts', 'import { teams } from \'./teams\';\n\nimport { web } from \'./apps/web\';\nexport const platform = { teams, web };\n');
  write('missing/teams.ts', 'export const teams = [];\n');
  const syntax = write('syntax/platform.ts', 'export const platform = {\n  name: \'x\',,\n};\n');
  const misspelt = write('misspelt/platform.ts', 'export const platfrom = {};\n');

  const [notFound, badSyntax, noExport] = load(missing, syntax, misspelt);

  expect(notFound.printed).toBe([
    'The platform declaration could not be loaded:',
    `  ${path.join('missing', 'platform.ts')}:3: imports "./apps/web", which does not exist`,
    `    fix: create ${path.join('missing', 'apps', 'web')}.ts, or correct the import in ${path.join('missing', 'platform.ts')}`,
    'Nothing was written.',
  ].join('\n'));
  expect(badSyntax.printed).toContain(`  ${path.join('syntax', 'platform.ts')}:2:12: syntax error: Expected identifier but found ","\n     2 |   name: 'x',,\n`);
  expect(noExport.printed).toBe(`${path.join('misspelt', 'platform.ts')} must export the platform: export const platform: PlatformSpec = { ... } (received undefined)\nNothing was written.`);
  expect([notFound, badSyntax, noExport].map((r) => [r.exitCode, r.loaded])).toEqual([[1, false], [1, false], [1, false]]);
});

test('a release file that is not valid JSON is reported at its line and column, with what was expected and the file that imports it', () => {
  // GIVEN a release file with a comma missing after a tag
  write('json/releases/dev.json', '{\n  "apps": {\n    "web": {\n      "tag": "1.0.0"\n      "digest": "sha256:0"\n    }\n  }\n}\n');
  const platform = write('json/platform.ts', 'import release from \'./releases/dev.json\';\nexport const platform = { release };\n');

  // WHEN it is loaded
  const [result] = load(platform);

  // THEN the file, line and column of the missing comma, the line, what was expected and the fix; no stack, no byte offset
  expect(result.printed).toBe([
    'The platform declaration could not be loaded:',
    `  ${path.join('json', 'releases', 'dev.json')}:4:21: invalid JSON: Expected ',' or '}' after property value`,
    '     4 |       "tag": "1.0.0"',
    '       |                     ^',
    `    fix: correct ${path.join('json', 'releases', 'dev.json')} (it is imported by ${path.join('json', 'platform.ts')}): `
      + 'property names and strings in double quotes, a comma between entries and none after the last',
    'Nothing was written.',
  ].join('\n'));
  expect(result.exitCode).toBe(1);
});

test('several broken release files are reported in one run, each at its line and column; a valid one is not', () => {
  // GIVEN two broken release files and a valid one beside them
  write('jsons/releases/dev.json', '{ "apps": { "web": { "tag": "1.0.0", } } }\n');
  write('jsons/releases/prod.json', '{\n  "apps": {\n    web: {}\n  }\n}\n');
  write('jsons/releases/staging.json', '{ "apps": {} }\n');
  const platform = write('jsons/platform.ts', 'import dev from \'./releases/dev.json\';\nimport prod from \'./releases/prod.json\';\nexport const platform = { dev, prod };\n');

  // WHEN it is loaded
  const [result] = load(platform);

  // THEN both broken files, in one message; the valid one is not named
  expect(result.printed).toMatch(new RegExp(`^  ${escape(path.join('jsons', 'releases', 'dev.json'))}:1:38: invalid JSON: `, 'm'));
  expect(result.printed).toMatch(new RegExp(`^  ${escape(path.join('jsons', 'releases', 'prod.json'))}:3:5: invalid JSON: `, 'm'));
  expect(result.printed).not.toContain('staging.json');
  expect(result.printed.match(/fix: correct/g)).toHaveLength(2);
  expect(result.exitCode).toBe(1);
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('a declaration that loads gives its platform, and no escape hatches unless it exports them', () => {
  const ok = write('ok/platform.ts', 'export const platform = { apps: [] };\n');
  expect(load(ok)).toEqual([{ printed: '', exitCode: undefined, loaded: true }]);
});

test('npm run synth with a declaration that throws: a non-zero exit, the user\'s line, and dist/ untouched', () => {
  // GIVEN a copy of the project whose app declaration has a typo
  const copy = path.join(dir, 'project');
  for (const entry of ['src', 'environments', 'schemas', 'dist']) fs.cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  const app = path.join(copy, 'src', 'apps', 'orders-worker.ts');
  fs.writeFileSync(app, fs.readFileSync(app, 'utf8').replace('Workload.worker()', 'Workload.servce()'));
  const before = readTree(path.join(copy, 'dist'));

  // WHEN it is synthesized as the task does
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: copy, encoding: 'utf8' });

  // THEN
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/^The platform declaration could not be loaded:\n {2}src\/apps\/orders-worker\.ts:\d+:\d+: TypeError: Workload\.servce is not a function\n/);
  expect(r.stderr).toContain('Nothing was written: dist/ is unchanged.');
  expect(r.stderr).not.toContain('node_modules');
  expect(readTree(path.join(copy, 'dist'))).toEqual(before);
});

test('a declaration that loads tells which file declares each app and environment, as loaded (not guessed from a name)', () => {
  // GIVEN an app in a file not named after it, re-exported by an index, and an environment in its own file
  write('named/src/apps/shop/frontend.ts', 'export const web = { name: \'web\' };\n');
  write('named/src/apps/index.ts', 'import { web } from \'./shop/frontend\';\nexport { web };\nexport const apps = [web];\n');
  write('named/environments/qa.ts', 'export const qa = { name: \'qa\' };\n');
  const platform = write('named/src/platform.ts', [
    'import { apps } from \'./apps\';',
    'import { qa } from \'../environments/qa\';',
    'export const platform = { apps, environments: [qa] };',
  ].join('\n'));
  // WHEN it is loaded
  const script = `
    const { loadPlatform } = require(${JSON.stringify(LOADER)});
    const { platform, declaredIn } = loadPlatform(${JSON.stringify(platform)});
    process.stdout.write(JSON.stringify([declaredIn(platform.apps[0]), declaredIn(platform.environments[0]), declaredIn(platform), declaredIn({})]));
  `;
  const r = spawnSync(process.execPath, ['--import', TSX, '-e', script], { cwd: dir, encoding: 'utf8' });
  // THEN each is named by the file that declares it, relative to the project
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual(['src/apps/shop/frontend.ts', 'environments/qa.ts', 'src/platform.ts', null]);
});
