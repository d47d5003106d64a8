import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runSynth } from '../../src/cli/synth';
import { readTree, renderPlatform, synthesize, writeTreeAtomically } from '../../src/synth';
import { cronJob, fullPlatform, pipeline, platform as testPlatform, service } from '../fixtures';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-test-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function quiet() {
  const lines: string[] = [];
  return { lines, log: (s: string) => lines.push(s), error: (s: string) => lines.push(s) };
}

describe('synth', () => {
  test('is deterministic: two renders give byte-identical files', () => {
    // GIVEN a platform that uses every part of the engine, rendered twice
    const a = renderPlatform({ platform: fullPlatform() }).files;
    const b = renderPlatform({ platform: fullPlatform() }).files;
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [file, content] of a) expect(b.get(file)).toBe(content);
  });

  test('writes one directory per environment, an app\'s files together', () => {
    const out = path.join(tmp, 'dist');
    synthesize({ platform: pipeline([service('web'), service('api')]), outDir: out });
    expect(fs.readdirSync(out).sort()).toEqual(['dev', 'prod', 'staging']);
    expect(fs.readdirSync(path.join(out, 'prod')).sort()).toEqual(['PROVENANCE.json', 'apps', 'argocd', 'argocd-config', 'bootstrap', 'teams', 'terraform']);
    expect(fs.readdirSync(path.join(out, 'prod', 'apps')).sort()).toEqual(['api', 'web']);
    expect(fs.readdirSync(path.join(out, 'prod', 'apps', 'api'))).toContain('deployment-api.yaml');
  });

  test('files of a removed app disappear', () => {
    const out = path.join(tmp, 'dist');
    const two = testPlatform({ apps: [service('web'), service('api')] });
    synthesize({ platform: two, outDir: out });
    expect(fs.existsSync(path.join(out, 'dev', 'apps', 'api'))).toBe(true);
    synthesize({ platform: testPlatform({ apps: [service('web')] }), outDir: out });
    expect(fs.existsSync(path.join(out, 'dev', 'apps', 'api'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'dev', 'argocd', 'application-api.yaml'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'dev', 'apps', 'web'))).toBe(true);
  });

  test('an invalid declaration exits non-zero with the problem and leaves dist/ untouched', async () => {
    const out = path.join(tmp, 'dist');
    synthesize({ platform: testPlatform(), outDir: out });
    fs.writeFileSync(path.join(out, 'marker'), 'kept');
    const before = readTree(out);

    const console = quiet();
    const code = runSynth({ platform: testPlatform({ apps: [service('web', { team: 'nobody' })] }), outDir: out }, console);

    expect(code).toBe(1);
    expect(console.lines.join('\n')).toContain('apps.web.team: names a team that is not declared (received "nobody")');
    expect(console.lines.join('\n')).toContain('Nothing was written');
    expect(readTree(out)).toEqual(before);
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  test('an escape hatch that throws exits non-zero and leaves dist/ untouched', async () => {
    const out = path.join(tmp, 'dist');
    synthesize({ platform: testPlatform(), outDir: out });
    const before = readTree(out);
    const console = quiet();
    const code = runSynth({ platform: testPlatform(), extensions: { web: () => { throw new Error('kaboom'); } }, outDir: out }, console);
    expect(code).toBe(1);
    expect(console.lines.join('\n')).toContain('[dev] extensions.web threw: kaboom');
    expect(readTree(out)).toEqual(before);
  });

  test('a successful run reports each environment with its apps, objects and cloud resources', async () => {
    // GIVEN three apps, one of them disabled in prod
    const spec = pipeline([service('web'), service('api'), cronJob('report')], { prod: { apps: { web: { replicas: 2 }, api: { replicas: 2 }, report: { enabled: false } } } });
    const console = quiet();
    expect(runSynth({ platform: spec, outDir: path.join(tmp, 'dist') }, console)).toBe(0);
    const text = console.lines.join('\n');
    expect(text).toMatch(/dev\s+3 apps\s+\d+ objects\s+\d+ cloud resources\s+-> .*dist\/dev\//);
    expect(text).toMatch(/staging\s+3 apps\s+\d+ objects/);
    expect(text).toMatch(/prod\s+2 apps\s+\d+ objects/);
    expect(text).toMatch(/Rendered 3 environments, \d+ files into .*dist\//);
  });

  test('mirrors the files into the cdk8s CLI\'s output directory when asked', () => {
    synthesize({ platform: testPlatform(), outDir: path.join(tmp, 'dist'), mirrorDir: path.join(tmp, 'cdk8s.out') });
    const kubernetesOnly = new Map([...readTree(path.join(tmp, 'dist'))]
      .filter(([file]) => !file.includes('/terraform/') && !file.endsWith('/PROVENANCE.json') && !file.endsWith('/kustomization.yaml')));
    expect(kubernetesOnly.size).toBeGreaterThan(10);
    expect(readTree(path.join(tmp, 'cdk8s.out'))).toEqual(kubernetesOnly);
  });
});

describe('the atomic writer', () => {
  test('a failure while writing leaves the previous tree and no staging directory', () => {
    const out = path.join(tmp, 'dist');
    writeTreeAtomically(out, new Map([['a.yaml', 'old']]));
    expect(() => writeTreeAtomically(out, new Map([['ok.yaml', 'x'], ['../escape.yaml', 'y']]))).toThrow(/outside the output directory/);
    expect(readTree(out)).toEqual(new Map([['a.yaml', 'old']]));
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  test('restores the previous tree left by a run killed between its two renames', () => {
    const out = path.join(tmp, 'dist');
    // A dead process's leftovers: dist/ already moved aside, staging not yet moved in.
    fs.mkdirSync(path.join(tmp, '.dist-previous-dist-999999999'));
    fs.writeFileSync(path.join(tmp, '.dist-previous-dist-999999999', 'a.yaml'), 'previous');
    fs.mkdirSync(path.join(tmp, '.dist-staging-dist-999999999'));
    expect(() => writeTreeAtomically(out, new Map([['../bad', 'x']]))).toThrow();
    expect(readTree(out)).toEqual(new Map([['a.yaml', 'previous']]));
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });
});
