import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Tier } from '../../src/model';
import { PROVENANCE_FILE, readTree, renderEnvironmentRepo, synthesize } from '../../src/synth';
import { environment, platform, service } from '../fixtures';

let tmp: string;
let out: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'provenance-test-'));
  out = path.join(tmp, 'dist');
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Fixed versions, so the test does not depend on what is installed. */
const TOOLS = { 'cdk8s': '2.70.0', 'cdk8s-plus-27': '2.9.5', 'yaml': '2.8.0', 'node': '20' };

const spec = platform({
  apps: [service('web'), service('api')],
  environments: [environment('dev', ['web', 'api']), environment('prod', ['web', 'api'], { tier: Tier.PRODUCTION, apps: { web: { replicas: 3 } } })],
});

describe('PROVENANCE.json', () => {
  const read = (env: string) => JSON.parse(fs.readFileSync(path.join(out, env, PROVENANCE_FILE), 'utf8'));

  test('records the environment, its tier and the tool versions; no commit, nothing of the content', () => {
    synthesize({ platform: spec, outDir: out, tools: TOOLS });
    expect(read('prod')).toEqual({
      '//': expect.stringContaining('git log -1 -- dist/prod'),
      'environment': 'prod',
      'tier': 'production',
      'production': true,
      'renderedBy': TOOLS,
    });
  });

  test('does not change when the output changes, so reverting any promotion never conflicts on it', () => {
    synthesize({ platform: spec, outDir: out, tools: TOOLS });
    const before = readTree(out);
    const changed = { ...spec, environments: spec.environments.map((e) => (e.name === 'prod' ? { ...e, apps: { ...e.apps, web: { replicas: 4 } } } : e)) };
    synthesize({ platform: changed, outDir: out, tools: TOOLS });
    const after = readTree(out);
    expect(after.get('prod/apps/web/deployment-web.yaml')).not.toBe(before.get('prod/apps/web/deployment-web.yaml'));
    expect(after.get(`prod/${PROVENANCE_FILE}`)).toBe(before.get(`prod/${PROVENANCE_FILE}`));
  });

  test('keeps the Node.js version while the packages are unchanged, so another Node.js does not rewrite it', () => {
    synthesize({ platform: spec, outDir: out, tools: TOOLS });
    const onNode22 = { ...TOOLS, node: '22' };
    expect(renderEnvironmentRepo({ platform: spec, outDir: out, tools: onNode22 }).files).toEqual(readTree(out));
    // a package upgrade records the new version, and the Node.js that rendered it
    synthesize({ platform: spec, outDir: out, tools: { ...onNode22, cdk8s: '2.71.0' } });
    expect(read('dev').renderedBy).toEqual({ ...TOOLS, cdk8s: '2.71.0', node: '22' });
  });
});
