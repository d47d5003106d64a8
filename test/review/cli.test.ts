import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseDiffArgs, runDiff } from '../../src/cli/diff';
import { RefError, renderRef } from '../../src/review';
import { platform } from '../fixtures';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const NODE_MODULES = path.resolve(__dirname, '..', '..', 'node_modules');
/** A synth that is plain JavaScript, so that most tests need no TypeScript loader. */
const NODE_SYNTH = [process.execPath, 'src/main.js'];

let repo: string;
beforeEach(() => {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-cli-test-'));
});
afterEach(() => {
  fs.rmSync(repo, { recursive: true, force: true });
});

function git(...args: string[]): string {
  const r = spawnSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
  fs.writeFileSync(path.join(repo, file), text);
}

const configMap = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: web\ndata:\n  value: "${value}"\n`;
/** A project whose synth writes dist/prod/configmap.yaml with `value`, and whose committed dist/ says `committed`. */
function commitProject(value: string, committed = value, message = value): void {
  const script = `const fs = require('fs'); const path = require('path');
const out = path.resolve(__dirname, '..', 'dist', 'prod');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'configmap.yaml'), ${JSON.stringify(configMap(value))});\n`;
  write('src/main.js', script);
  write('src/main.ts', script);
  write('dist/prod/configmap.yaml', configMap(committed));
  git('add', '-A');
  git('commit', '-q', '-m', message);
}

function init(): void {
  git('init', '-q');
  write('.gitignore', 'node_modules\n');
}

function quiet() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, console: { log: (s: string) => out.push(s), error: (s: string) => err.push(s) } };
}

describe('the base of a diff at a git ref', () => {
  test('is the ref\'s own synth, run in a temporary worktree that is removed afterwards', async () => {
    // GIVEN two commits
    init();
    commitProject('1');
    commitProject('2');

    // WHEN the first one is rendered, with the real TypeScript loader
    const base = await renderRef({ ref: 'HEAD~1', projectDir: repo, nodeModules: NODE_MODULES });

    // THEN its output is read, and nothing is left behind
    expect(base.source).toBe('sources');
    expect(base.files.get('prod/configmap.yaml')).toBe(configMap('1'));
    expect(base.label).toMatch(/^HEAD~1 \([0-9a-f]{7}\)$/);
    expect(base.notes).toEqual([expect.stringContaining('identical to the dist/ committed there')]);
    expect(git('worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    expect(git('status', '--porcelain')).toBe('');
    expect(fs.readFileSync(path.join(repo, 'dist/prod/configmap.yaml'), 'utf8')).toBe(configMap('2'));
  });

  test('says when the committed dist/ at the ref was out of date, and can read it instead', async () => {
    init();
    commitProject('2', '1');
    const rendered = await renderRef({ ref: 'HEAD', projectDir: repo, nodeModules: NODE_MODULES, command: NODE_SYNTH });
    expect(rendered.files.get('prod/configmap.yaml')).toBe(configMap('2'));
    expect(rendered.notes[0]).toContain('differs from that render in 1 file (prod/configmap.yaml): it was out of date at that commit');
    const committed = await renderRef({ ref: 'HEAD', projectDir: repo, from: 'dist' });
    expect([committed.source, committed.files.get('prod/configmap.yaml')]).toEqual(['dist', configMap('1')]);
  });

  test('auto: the committed dist/ when the ref\'s lock file differs or its synth fails', async () => {
    init();
    commitProject('1');
    write('package-lock.json', '{}\n');
    const lockChanged = await renderRef({ ref: 'HEAD', projectDir: repo, command: NODE_SYNTH, nodeModules: NODE_MODULES });
    expect(lockChanged.source).toBe('dist');
    expect(lockChanged.notes[0]).toContain('its package-lock.json differs from the working tree\'s');

    fs.rmSync(path.join(repo, 'package-lock.json'));
    const failing = [process.execPath, '-e', 'console.error("boom"); process.exit(3)'];
    const fallback = await renderRef({ ref: 'HEAD', projectDir: repo, command: failing, nodeModules: NODE_MODULES });
    expect(fallback.source).toBe('dist');
    expect(fallback.notes[0]).toContain('failed with exit code 3: boom');
    await expect(renderRef({ ref: 'HEAD', projectDir: repo, from: 'sources', command: failing, nodeModules: NODE_MODULES })).rejects.toThrow(RefError);
    expect(git('worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
  });

  test('an unknown ref is an error that names it', async () => {
    init();
    commitProject('1');
    await expect(renderRef({ ref: 'no-such-branch', projectDir: repo })).rejects.toThrow('"no-such-branch" is not a commit in this repository');
  });
});

describe('npm run diff', () => {
  const context = () => ({ projectDir: repo, head: { platform: platform(), outDir: path.join(repo, 'dist') }, ref: { nodeModules: NODE_MODULES, command: NODE_SYNTH } });

  test('--base <ref> --head-dir: Markdown on stdout, a summary on stderr', async () => {
    init();
    commitProject('1');
    write('dist/prod/configmap.yaml', configMap('2'));
    const q = quiet();
    expect(await runDiff(['--base', 'HEAD', '--head-dir', 'dist'], { ...context(), out: q.console })).toBe(0);
    const md = q.out.join('\n');
    expect(md).toContain('### Rendered output: `HEAD (');
    expect(md).toContain('- `data.value`: `1` → `2`');
    expect(md).toContain('**production** · prod');
    expect(q.err.join('\n')).toMatch(/Compared HEAD \([0-9a-f]{7}\) with dist in \d+\.\d s: 0 added, 1 changed, 0 removed, 1 risk flag\./);
  });

  test('--base-dir --head-dir --format json --exit-code', async () => {
    write('a/prod/configmap.yaml', configMap('1'));
    write('b/prod/configmap.yaml', configMap('1'));
    const same = quiet();
    expect(await runDiff(['--base-dir', 'a', '--head-dir', 'b', '--format=json', '--exit-code'], { ...context(), out: same.console })).toBe(0);
    expect(JSON.parse(same.out.join('\n'))).toMatchObject({ base: 'a', head: 'b', changed: false });

    write('b/prod/configmap.yaml', configMap('2'));
    const changed = quiet();
    expect(await runDiff(['--base-dir', 'a', '--head-dir', 'b', '--format', 'json', '--exit-code', '--output', 'report.json'], { ...context(), out: changed.console })).toBe(1);
    const json: Json = JSON.parse(fs.readFileSync(path.join(repo, 'report.json'), 'utf8'));
    expect(json.environments[0].objects[0].fields).toEqual([{ path: 'data.value', keys: ['data', 'value'], change: 'changed', old: '1', new: '2' }]);
  });

  test('--output and --json-output write both reports from one comparison', async () => {
    write('a/prod/configmap.yaml', configMap('1'));
    write('b/prod/configmap.yaml', configMap('2'));
    const q = quiet();
    expect(await runDiff(['--base-dir', 'a', '--head-dir', 'b', '--output', 'report.md', '--json-output', 'report.json'], { ...context(), out: q.console })).toBe(0);
    expect(fs.readFileSync(path.join(repo, 'report.md'), 'utf8')).toContain('### Rendered output: `a` → `b`');
    expect(JSON.parse(fs.readFileSync(path.join(repo, 'report.json'), 'utf8'))).toMatchObject({ base: 'a', head: 'b', changed: true, previews: [] });
  });

  test('bad arguments exit 2 with the usage', async () => {
    const q = quiet();
    expect(await runDiff(['--head-dir', 'x'], { ...context(), out: q.console })).toBe(2);
    expect(q.err.join('\n')).toContain('say what to compare against: --base <git-ref> or --base-dir <dir>');
    expect(q.err.join('\n')).toContain('Usage:');
    expect(() => parseDiffArgs(['--base', 'main', '--format', 'html'])).toThrow('--format must be markdown or json (received "html")');
    expect(() => parseDiffArgs(['--base', 'main', '--base-dir', 'x'])).toThrow('give either --base or --base-dir, not both');
    expect(() => parseDiffArgs(['--base'])).toThrow('--base needs a value');
    expect(() => parseDiffArgs(['--base', 'main', '--verbose'])).toThrow('unknown argument "--verbose"');
    const missing = quiet();
    expect(await runDiff(['--base-dir', 'nope', '--head-dir', 'nope'], { ...context(), out: missing.console })).toBe(2);
    expect(missing.err.join('\n')).toContain('nope is not a directory');
  });
});
