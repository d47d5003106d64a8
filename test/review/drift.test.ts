import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DRIFT_FIX, runDriftCheck } from '../../src/cli/drift';
import { Tier } from '../../src/model';
import { findDrift } from '../../src/review';
import { PROVENANCE_FILE, synthesize } from '../../src/synth';
import { environment, platform, service } from '../fixtures';
import { TOOLS } from './support';

let tmp: string;
let out: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-test-'));
  out = path.join(tmp, 'dist');
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const spec = platform({
  apps: [service('web'), service('api')],
  environments: [environment('dev', ['web', 'api']), environment('prod', ['web', 'api'], { tier: Tier.PRODUCTION, apps: { web: { replicas: 3 } } })],
});

async function check(options: Partial<Parameters<typeof runDriftCheck>[0]> = {}): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const console = { log: (s: string) => lines.push(s), error: (s: string) => lines.push(s) };
  const code = runDriftCheck({ platform: spec, outDir: out, projectDir: tmp, tools: TOOLS, ...options }, console);
  return { code, text: lines.join('\n') };
}

const edit = (file: string, change: (text: string) => string) => {
  const p = path.join(out, file);
  fs.writeFileSync(p, change(fs.readFileSync(p, 'utf8')));
};

describe('the drift check', () => {
  beforeEach(() => synthesize({ platform: spec, outDir: out, tools: TOOLS }));

  test('passes on a fresh synth', async () => {
    expect(await check()).toEqual({ code: 0, text: expect.stringContaining('dist/ is up to date: its ') });
  });

  test('fails on a hand edit, naming the file, the object, the field and the fix', async () => {
    // WHEN someone edits a rendered Deployment by hand
    edit('prod/apps/web/deployment-web.yaml', (t) => t.replace('replicas: 3', 'replicas: 5'));

    // THEN
    const { code, text } = await check();
    expect(code).toBe(1);
    expect(text).toContain('dist/ differs from what the sources render: 1 file.');
    expect(text).toContain('  changed  dist/prod/apps/web/deployment-web.yaml');
    expect(text).toContain('prod Deployment alpha/web: 1 field differs');
    expect(text).toContain('spec.replicas: dist/ has 5, the sources render 3');
    expect(text).toContain(DRIFT_FIX);
    expect(DRIFT_FIX).toContain('npm run synth');
  });

  test('fails on a stray file and on a missing one', async () => {
    fs.writeFileSync(path.join(out, 'dev', 'apps', 'web', 'extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: alpha\n');
    fs.rmSync(path.join(out, 'dev', 'apps', 'api', 'service-api.yaml'));
    const { code, text } = await check();
    expect(code).toBe(1);
    expect(text).toContain('  missing  dist/dev/apps/api/service-api.yaml\n             dev Service alpha/api: rendered by the sources, missing from dist/');
    expect(text).toContain('  stray    dist/dev/apps/web/extra.yaml\n             dev ConfigMap alpha/extra: in dist/, not rendered by the sources');
  });

  test('fails on a change to a comment only, and on an edited PROVENANCE.json', async () => {
    edit('dev/apps/web/service-web.yaml', (t) => `${t}# note\n`);
    edit(`prod/${PROVENANCE_FILE}`, (t) => t.replace(/"tier": "[a-z]+"/, '"tier": "development"'));
    const { code, text } = await check();
    expect(code).toBe(1);
    expect(text).toContain('  changed  dist/dev/apps/web/service-web.yaml\n             only comments or formatting differ');
    expect(text).toContain(`  changed  dist/prod/${PROVENANCE_FILE}\n             prod PROVENANCE.json: 1 field differs\n               tier: dist/ has "development", the sources render "production"`);
  });

  test('reports a declaration that does not render instead of comparing', async () => {
    const { code, text } = await check({ platform: platform({ apps: [service('web', { team: 'nobody' })] }) });
    expect(code).toBe(1);
    expect(text).toContain('names a team that is not declared');
    expect(text).toContain('cannot be checked');
  });
});

describe('findDrift', () => {
  test('is empty for identical trees and lists files in order otherwise', () => {
    const a = new Map([['dev/a.txt', 'a'], ['dev/b.txt', 'b']]);
    expect(findDrift(a, new Map(a))).toEqual([]);
    expect(findDrift(a, new Map([['dev/b.txt', 'B'], ['dev/c.txt', 'c']])).map((d) => `${d.status} ${d.file}`)).toEqual(['missing dev/a.txt', 'changed dev/b.txt', 'stray dev/c.txt']);
  });
});
