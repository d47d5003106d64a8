import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runPromote } from '../../src/cli/promote';
import { PromotionRefused, planPromotion } from '../../src/delivery/promote';
import { PlatformSpec, releaseFile } from '../../src/model';
import { extensions, platform } from '../../src/platform';
import { readTree, renderPlatform, withProvenance, writeTree } from '../../src/synth';

let root: string;
let out: string;
/** The example rendered once; each test starts from a copy on disk. */
const initial = renderPlatform({ platform, extensions });
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'promote-'));
  out = path.join(root, 'dist');
  for (const env of platform.environments) {
    fs.mkdirSync(path.join(root, path.dirname(env.release.file)), { recursive: true });
    fs.writeFileSync(path.join(root, env.release.file), `${JSON.stringify(env.release.content, null, 2)}\n`);
  }
  writeTree(out, withProvenance(initial.files, initial.resolved));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function snapshot(): Map<string, string> {
  return readTree(root);
}
function promote(args: { apps?: string[]; to: string; from?: string; version?: string; all?: boolean }, spec: PlatformSpec = platform) {
  const lines: string[] = [];
  const options = {
    platform: spec, extensions, apps: args.apps ?? [], to: args.to, from: args.from, version: args.version, all: args.all, root, outDir: out,
  };
  const code = runPromote(options, { log: (s) => lines.push(s), error: (s) => lines.push(s) });
  return { code, text: lines.join('\n') };
}
function changedFiles(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f)).sort();
}

test('promoting an app from staging to prod changes only prod\'s release file and prod\'s rendered files of that app', () => {
  const before = snapshot();
  const { code, text } = promote({ apps: ['storefront-web'], to: 'prod' });
  expect(code).toBe(0);
  expect(changedFiles(before, snapshot())).toEqual([
    'dist/prod/apps/storefront-web/rollout-storefront-web.yaml',
    'environments/releases/prod.json',
  ]);
  const release = JSON.parse(fs.readFileSync(path.join(root, 'environments/releases/prod.json'), 'utf8'));
  const staging = platform.environments[1].release.content as { apps: Record<string, unknown> };
  expect(release.apps['storefront-web']).toEqual(staging.apps['storefront-web']);
  // A PR body: what, from where, to where, and the review of the change.
  expect(text).toContain('## Promote `storefront-web` 2.14.0 → 2.14.1 from staging to prod');
  expect(text).toContain('**production** · prod');
  expect(text).toContain('image of storefront-web');
});

test('--all promotes every app whose version differs, and says which were up to date', () => {
  const { code, text } = promote({ all: true, to: 'prod' });
  expect(code).toBe(0);
  expect(text).toMatch(/## Promote .*`catalog-api` 1\.8\.3 → 1\.9\.0.*from staging to prod/);
  expect(text).toContain('Already up to date in prod: orders-api, prometheus-frontend.');
});

test('--all leaves out, and lists, an app that runs on one side only (a dev-only app); naming it is refused', () => {
  // sales-report runs in staging but not in prod; a new dev-only app would be the same one step earlier.
  const devOnly: PlatformSpec = {
    ...platform,
    environments: platform.environments.map((e) => (e.name === 'prod' ? { ...e, apps: { ...e.apps, 'sales-report': { enabled: false } } } : e)),
  };
  const plan = planPromotion(devOnly, { apps: [], all: true, to: 'prod' });
  expect(plan.skipped).toEqual([{ app: 'sales-report', reason: 'disabled in "prod"' }]);
  expect(plan.promoted.map((p) => p.app)).not.toContain('sales-report');
  expect(JSON.parse(plan.releaseText).apps['sales-report']).toEqual((platform.environments[2].release.content as Record<string, Record<string, unknown>>).apps['sales-report']);
  const { code, text } = promote({ all: true, to: 'prod' }, devOnly);
  expect(code).toBe(0);
  expect(text).toContain('Left out: sales-report (disabled in "prod").');
  expect(() => planPromotion(devOnly, { apps: ['sales-report'], to: 'prod' })).toThrow(/"sales-report" is disabled in "prod"/);
});

test('nothing to promote is said, and nothing changes', () => {
  promote({ apps: ['orders-api'], to: 'prod' });
  const before = snapshot();
  expect(promote({ apps: ['orders-api'], to: 'prod' })).toEqual({ code: 0, text: expect.stringContaining('Nothing to promote: orders-api already runs in "prod" what runs in "staging"') });
  expect(snapshot()).toEqual(before);
});

describe('refusals change nothing and say why', () => {
  test.each<[string, Parameters<typeof promote>[0], RegExp]>([
    ['out of order', { apps: ['storefront-web'], to: 'prod', from: 'dev' }, /promotion goes in order dev → staging → prod: "prod" receives versions from "staging", not from "dev"/],
    ['into the first environment', { apps: ['storefront-web'], to: 'dev' }, /"dev" is the first environment: there is nothing to promote from/],
    ['a version not running in the source', { apps: ['storefront-web'], to: 'prod', version: '2.15.0' }, /version 2.15.0 of "storefront-web" is not running in "staging" \(it runs 2.14.1\)/],
    ['an unknown app', { apps: ['storefrnt-web'], to: 'prod' }, /unknown app "storefrnt-web" \(did you mean "storefront-web"\?\)/],
    ['an unknown environment', { apps: ['storefront-web'], to: 'production' }, /unknown environment "production"/],
  ])('%s', (_what, args, reason) => {
    const before = snapshot();
    const { code, text } = promote(args);
    expect(code).toBe(1);
    expect(text).toMatch(reason);
    expect(text).toContain('Nothing was changed.');
    expect(snapshot()).toEqual(before);
  });

  test('a prod version without a digest', () => {
    const noDigest: PlatformSpec = {
      ...platform,
      environments: platform.environments.map((e) => (e.name !== 'staging' ? e : {
        ...e, release: releaseFile(e.release.file, { apps: { ...(e.release.content as { apps: object }).apps, 'storefront-web': { tag: '2.14.1' } } }),
      })),
    };
    const before = snapshot();
    const { code, text } = promote({ apps: ['storefront-web'], to: 'prod' }, noDigest);
    expect(code).toBe(1);
    expect(text).toContain('"storefront-web" 2.14.1 has no digest in environments/releases/staging.json; "prod" is production and runs images by digest only');
    expect(snapshot()).toEqual(before);
  });

  test('an app that is not running in the source environment', () => {
    expect(() => planPromotion({
      ...platform,
      environments: platform.environments.map((e) => (e.name === 'staging' ? { ...e, apps: { ...e.apps, 'sales-report': { enabled: false } } } : e)),
    }, { apps: ['sales-report'], to: 'prod' })).toThrow(new PromotionRefused('"sales-report" is not running in "staging": it has no version in environments/releases/staging.json. Deploy it to "staging" first'));
  });
});

test('a promotion that would break a guardrail is refused before anything is written', () => {
  // A staging version whose tag is "latest" cannot reach prod.
  const latest: PlatformSpec = {
    ...platform,
    environments: platform.environments.map((e) => (e.name !== 'staging' ? e : {
      ...e, release: releaseFile(e.release.file, { apps: { ...(e.release.content as { apps: object }).apps, 'catalog-api': { tag: 'latest', digest: `sha256:${'b'.repeat(64)}` } } }),
    })),
  };
  const before = snapshot();
  const { code, text } = promote({ apps: ['catalog-api'], to: 'prod' }, latest);
  expect(code).toBe(1);
  expect(text).toContain('the promoted platform does not render');
  expect(snapshot()).toEqual(before);
});
