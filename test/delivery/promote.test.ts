import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runPromote } from '../../src/cli/promote';
import { PromotionRefused, planPromotion } from '../../src/delivery/promote';
import { EnvironmentSpec, PlatformSpec, ReleaseEntry } from '../../src/model';
import { readTree, renderPlatform, withProvenance, writeTree } from '../../src/synth';
import { cronJob, devEnv, platform as testPlatform, prodEnv, release, service, stagingEnv } from '../fixtures';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const v = (tag: string, d?: string): ReleaseEntry => (d ? { tag, digest: digest(d) } : { tag });

// GIVEN dev → staging → prod: web and api are newer in staging than in prod, worker is the same, report is disabled in prod
const apps = [service('web'), service('api'), service('worker'), cronJob('report')];
const releases = {
  dev: { web: v('1.2.0', 'c'), api: v('2.1.0', 'd'), worker: v('3.1.0', 'e'), report: v('0.2.0', 'f') },
  staging: { web: v('1.1.0', '1'), api: v('2.0.0', '2'), worker: v('3.0.0', '3'), report: v('0.1.0', '4') },
  prod: { web: v('1.0.0', '5'), api: v('1.9.0', '6'), worker: v('3.0.0', '3') },
};
type Changes = { dev?: Partial<EnvironmentSpec>; staging?: Partial<EnvironmentSpec>; prod?: Partial<EnvironmentSpec> };
function pipelineWith(changes: Changes = {}): PlatformSpec {
  return testPlatform({
    apps,
    environments: [
      devEnv(apps, { release: release('dev', releases.dev), ...changes.dev }),
      stagingEnv(apps, { release: release('staging', releases.staging), ...changes.staging }),
      prodEnv(apps, { release: release('prod', releases.prod), apps: { web: { replicas: 2 }, api: { replicas: 2 }, worker: { replicas: 2 }, report: { enabled: false } }, ...changes.prod }),
    ],
  });
}
const spec = pipelineWith();

let root: string;
let out: string;
/** The fixture rendered once; each test starts from a copy on disk, with its release files. */
const initial = renderPlatform({ platform: spec });
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'promote-'));
  out = path.join(root, 'dist');
  for (const env of spec.environments) {
    fs.mkdirSync(path.join(root, path.dirname(env.release.file)), { recursive: true });
    fs.writeFileSync(path.join(root, env.release.file), `${JSON.stringify(env.release.content, null, 2)}\n`);
  }
  writeTree(out, withProvenance(initial.files, initial.resolved));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function snapshot(): Map<string, string> {
  return readTree(root);
}
function promote(args: { apps?: string[]; to: string; from?: string; version?: string; all?: boolean }, platform: PlatformSpec = spec) {
  const lines: string[] = [];
  const options = { platform, apps: args.apps ?? [], to: args.to, from: args.from, version: args.version, all: args.all, root, outDir: out };
  const code = runPromote(options, { log: (s) => lines.push(s), error: (s) => lines.push(s) });
  return { code, text: lines.join('\n') };
}
function changedFiles(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f)).sort();
}

test('promoting an app changes only the target\'s release file and the target\'s rendered files of that app', () => {
  const before = snapshot();
  const { code } = promote({ apps: ['web'], to: 'prod' });
  expect(code).toBe(0);
  expect(changedFiles(before, snapshot())).toEqual([
    'dist/prod/apps/web/deployment-web.yaml',
    'environments/releases/prod.json',
  ]);
  const written = JSON.parse(fs.readFileSync(path.join(root, 'environments/releases/prod.json'), 'utf8'));
  expect(written.apps.web).toEqual(releases.staging.web);
  expect(written.apps.api).toEqual(releases.prod.api);
});

test('the promotion prints a pull-request body: what, from where, to where, and the review of the change', () => {
  const { text } = promote({ apps: ['web'], to: 'prod' });
  expect(text).toContain('## Promote `web` 1.0.0 → 1.1.0 from staging to prod');
  expect(text).toContain('**production** · prod');
  expect(text).toContain('image of web');
});

test('versions come from the environment just before the target in promotion order', () => {
  // GIVEN dev, then staging: staging receives from dev
  const { code, text } = promote({ apps: ['web'], to: 'staging' });
  expect(code).toBe(0);
  expect(text).toContain('## Promote `web` 1.1.0 → 1.2.0 from dev to staging');
  // AND with a qa environment between staging and prod, prod receives from qa, not staging
  const qa = stagingEnv(apps, { name: 'qa', release: release('qa', { ...releases.staging, web: v('1.1.5', '7') }) });
  const withQa = { ...spec, environments: [spec.environments[0], spec.environments[1], qa, spec.environments[2]] };
  expect(planPromotion(withQa, { apps: ['web'], to: 'prod' })).toMatchObject({ from: 'qa', to: 'prod', promoted: [{ app: 'web', from: v('1.1.5', '7') }] });
  expect(() => planPromotion(withQa, { apps: ['web'], to: 'prod', from: 'staging' })).toThrow(/"prod" receives versions from "qa", not from "staging". Promote to "qa" first/);
});

test('--all promotes every app whose version differs, and says which were up to date', () => {
  const { code, text } = promote({ all: true, to: 'prod' });
  expect(code).toBe(0);
  expect(text).toMatch(/## Promote `api` 1\.9\.0 → 2\.0\.0, `web` 1\.0\.0 → 1\.1\.0 from staging to prod/);
  expect(text).toContain('Already up to date in prod: worker.');
});

test('--all leaves out, and lists, an app that runs on one side only; naming it is refused', () => {
  // report runs in staging but is disabled in prod
  const plan = planPromotion(spec, { apps: [], all: true, to: 'prod' });
  expect(plan.skipped).toEqual([{ app: 'report', reason: 'disabled in "prod"' }]);
  expect(plan.promoted.map((p) => p.app)).not.toContain('report');
  expect(JSON.parse(plan.releaseText).apps.report).toBeUndefined();
  const { code, text } = promote({ all: true, to: 'prod' });
  expect(code).toBe(0);
  expect(text).toContain('Left out: report (disabled in "prod").');
  expect(() => planPromotion(spec, { apps: ['report'], to: 'prod' })).toThrow(/"report" is disabled in "prod"/);
});

test('nothing to promote is said, and nothing changes', () => {
  const before = snapshot();
  expect(promote({ apps: ['worker'], to: 'prod' })).toEqual({ code: 0, text: expect.stringContaining('Nothing to promote: worker already runs in "prod" what runs in "staging"') });
  expect(snapshot()).toEqual(before);
});

describe('refusals change nothing and say why', () => {
  test.each<[string, Parameters<typeof promote>[0], RegExp]>([
    ['out of order', { apps: ['web'], to: 'prod', from: 'dev' }, /promotion goes in order dev → staging → prod: "prod" receives versions from "staging", not from "dev"/],
    ['into the first environment', { apps: ['web'], to: 'dev' }, /"dev" is the first environment: there is nothing to promote from/],
    ['a version not running in the source', { apps: ['web'], to: 'prod', version: '1.2.0' }, /version 1.2.0 of "web" is not running in "staging" \(it runs 1.1.0\)/],
    ['an unknown app', { apps: ['wbe'], to: 'prod' }, /unknown app "wbe" \(did you mean "web"\?\)/],
    ['an unknown environment', { apps: ['web'], to: 'production' }, /unknown environment "production"/],
  ])('%s', (_what, args, reason) => {
    const before = snapshot();
    const { code, text } = promote(args);
    expect(code).toBe(1);
    expect(text).toMatch(reason);
    expect(text).toContain('Nothing was changed.');
    expect(snapshot()).toEqual(before);
  });

  test('a production version without a digest', () => {
    const noDigest = pipelineWith({ staging: { release: release('staging', { ...releases.staging, web: v('1.1.0') }) } });
    const before = snapshot();
    const { code, text } = promote({ apps: ['web'], to: 'prod' }, noDigest);
    expect(code).toBe(1);
    expect(text).toContain('"web" 1.1.0 has no digest in environments/releases/staging.json; "prod" is production and runs images by digest only');
    expect(snapshot()).toEqual(before);
  });

  test('an app that is not running in the source environment', () => {
    const notInStaging = pipelineWith({ staging: { apps: { api: { enabled: false } } }, prod: {} });
    expect(() => planPromotion(notInStaging, { apps: ['api'], to: 'prod' }))
      .toThrow(new PromotionRefused('"api" is not running in "staging": it has no version in environments/releases/staging.json. Deploy it to "staging" first'));
  });

  test('a renamed app: the refusal names the old name its release file still uses', () => {
    const renamed = { ...spec, apps: spec.apps.map((a) => (a.name === 'api' ? { ...a, name: 'orders-api' } : a)) };
    expect(() => planPromotion(renamed, { apps: ['orders-api'], to: 'prod' })).toThrow(new PromotionRefused(
      '"orders-api" is not running in "staging": it has no version in environments/releases/staging.json, which still names "api", an app no longer declared. '
      + 'If you renamed "orders-api", rename its entries in every release file and override first (npm run synth lists them)'));
  });
});

test('a promotion that would break a guardrail is refused before anything is written', () => {
  // A staging version whose tag is "latest" cannot reach prod.
  const latest = pipelineWith({ staging: { release: release('staging', { ...releases.staging, api: { tag: 'latest', digest: digest('b') } }) } });
  const before = snapshot();
  const { code, text } = promote({ apps: ['api'], to: 'prod' }, latest);
  expect(code).toBe(1);
  expect(text).toContain('the promoted platform does not render');
  expect(snapshot()).toEqual(before);
});
