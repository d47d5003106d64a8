import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { appSourcesIn, renderCodeOwners } from '../../src/delivery/codeowners';
import { resolvePlatform } from '../../src/model';
import { manifest, migration, pipeline, previews, render, service, team } from '../fixtures';

// GIVEN teams alpha (web) and beta (api and its migration; its own GitHub handle), dev (with previews), staging and prod
const spec = pipeline([service('web'), service('api', { team: 'beta' }), migration('api-migrate', 'api', { team: 'beta' })], {
  teams: [team('alpha'), team('beta', { codeOwners: '@example/beta-owners' })],
  dev: { previews: previews() },
});
/** Apps' declarations in src/apps/<app>.ts, except api, which is declared in a file of another name. */
const sources: Record<string, string> = { 'web': 'src/apps/web.ts', 'api': 'src/apps/beta/api-service.ts', 'api-migrate': 'src/apps/api-migrate.ts' };
const rendered = renderCodeOwners(resolvePlatform(spec), { appSource: (app) => sources[app] });

/** The owners GitHub would require for a path: the last matching line (patterns here are `*`, files and directories). */
function ownersOf(file: string, codeOwners = rendered): string {
  let owners = '';
  for (const line of codeOwners.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [pattern, ...who] = line.split(/\s+/);
    const matches = pattern === '*' || (pattern.endsWith('/') ? `/${file}`.startsWith(pattern) : `/${file}` === pattern);
    if (matches) owners = who.join(' ');
  }
  return owners;
}

test('teams own their apps\' declarations and rendered files outside production', () => {
  expect(ownersOf('src/apps/web.ts')).toBe('@test/alpha');
  expect(ownersOf('dist/dev/apps/web/deployment-web.yaml')).toBe('@test/alpha');
  expect(ownersOf('dist/staging/apps/web/service-web.yaml')).toBe('@test/alpha');
  expect(ownersOf('dist/dev/previews/web/app/deployment-web.yaml')).toBe('@test/alpha');
});

test('a team\'s declared GitHub handle owns its apps, wherever their declaration file is', () => {
  expect(ownersOf('src/apps/beta/api-service.ts')).toBe('@example/beta-owners');
  expect(ownersOf('dist/staging/apps/api/deployment-api.yaml')).toBe('@example/beta-owners');
});

test('a migration\'s declaration belongs to its team; its rendered files are its app\'s', () => {
  expect(ownersOf('src/apps/api-migrate.ts')).toBe('@example/beta-owners');
  expect(ownersOf('dist/dev/apps/api/job-api-migrate.yaml')).toBe('@example/beta-owners');
  expect(rendered).not.toContain('/api-migrate/');
});

test('an app without a declaration file of its own has only its rendered files owned by its team', () => {
  const withoutSources = renderCodeOwners(resolvePlatform(spec), { appSource: () => undefined });
  expect(withoutSources).not.toContain('/src/apps/');
  expect(ownersOf('dist/dev/apps/web/deployment-web.yaml', withoutSources)).toBe('@test/alpha');
});

test('by convention, an app\'s declaration is src/apps/<app>.ts when that file exists', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'codeowners-'));
  try {
    fs.mkdirSync(path.join(root, 'src', 'apps'), { recursive: true });
    fs.writeFileSync(path.join(root, 'src', 'apps', 'web.ts'), '');
    expect(appSourcesIn(root)('web')).toBe('src/apps/web.ts');
    expect(appSourcesIn(root)('api')).toBeUndefined();
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('any team may bump versions outside production', () => {
  for (const file of ['environments/releases/dev.json', 'environments/releases/staging.json']) {
    expect({ file, owners: ownersOf(file) }).toEqual({ file, owners: '@example/beta-owners @test/alpha @test/platform' });
  }
});

test('production declarations, release file and rendered output need the platform owners', () => {
  for (const file of ['environments/prod.ts', 'environments/releases/prod.json', 'dist/prod/apps/web/deployment-web.yaml', 'dist/prod/argocd/appproject-alpha.yaml']) {
    expect({ file, owners: ownersOf(file) }).toEqual({ file, owners: '@test/platform' });
  }
  expect(ownersOf('src/model/platform.ts')).toBe('@test/platform');
});

test('prod AppProjects declare the environment\'s sync windows; other environments have none', () => {
  // GIVEN a deny window in prod
  const window = { kind: 'deny' as const, schedule: '0 16 * * 5', duration: '64h', timeZone: 'Europe/Paris', manualSync: true };
  const out = render(pipeline([service('web')], { prod: { syncWindows: [window] } }));
  // THEN each of prod's team projects carries it, for every application
  expect(manifest(out, 'dev', 'AppProject', 'alpha').spec.syncWindows).toBeUndefined();
  expect(manifest(out, 'staging', 'AppProject', 'alpha').spec.syncWindows).toBeUndefined();
  expect(manifest(out, 'prod', 'AppProject', 'alpha').spec.syncWindows).toEqual([{ ...window, applications: ['*'] }]);
});
