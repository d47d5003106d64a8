import * as fs from 'fs';
import * as path from 'path';
import { appSourcesIn, renderCodeOwners } from '../../src/delivery/codeowners';
import { resolvePlatform } from '../../src/model';
import { platform } from '../../src/platform';

const root = path.join(__dirname, '..', '..');
const resolved = resolvePlatform(platform);
const rendered = renderCodeOwners(resolved, { appSource: appSourcesIn(root) });
/** The owners GitHub would require for a path: the last matching line (patterns here are `*`, files and directories). */
function ownersOf(file: string): string {
  let owners = '';
  for (const line of rendered.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [pattern, ...who] = line.split(/\s+/);
    const matches = pattern === '*' || (pattern.endsWith('/') ? `/${file}`.startsWith(pattern) : `/${file}` === pattern);
    if (matches) owners = who.join(' ');
  }
  return owners;
}

test('the committed .github/CODEOWNERS is what the model renders (run `npm run codeowners` after changing teams or apps)', () => {
  expect(fs.readFileSync(path.join(root, '.github', 'CODEOWNERS'), 'utf8')).toBe(rendered);
});

test('teams own their apps\' declarations and rendered files outside production', () => {
  expect(ownersOf('src/apps/orders-api.ts')).toBe('@acme/orders');
  expect(ownersOf('dist/dev/apps/orders-api/deployment-orders-api.yaml')).toBe('@acme/orders');
  expect(ownersOf('dist/staging/apps/storefront-web/service-storefront-web.yaml')).toBe('@acme/storefront');
  expect(ownersOf('src/apps/orders-db-migrate.ts')).toBe('@acme/orders');
});

test('production declarations, release file and rendered output need the platform owners', () => {
  for (const file of ['environments/prod.ts', 'environments/releases/prod.json', 'dist/prod/apps/orders-api/deployment-orders-api.yaml', 'dist/prod/argocd/appproject-orders.yaml']) {
    expect({ file, owners: ownersOf(file) }).toEqual({ file, owners: '@acme/platform' });
  }
  expect(ownersOf('src/model/platform.ts')).toBe('@acme/platform');
});

test('prod AppProjects declare the environment\'s sync windows; other environments have none', () => {
  const { objects } = require('../../src/synth').renderPlatform({ platform }); // eslint-disable-line @typescript-eslint/no-require-imports
  const projects = objects.filter((o: { manifest: { kind: string; metadata: { name: string } } }) => o.manifest.kind === 'AppProject' && o.manifest.metadata.name === 'orders');
  type Project = { environment: string; manifest: { spec: { syncWindows?: unknown } } };
  const windows = Object.fromEntries(projects.map((p: Project) => [p.environment, p.manifest.spec.syncWindows]));
  expect(windows.dev).toBeUndefined();
  expect(windows.prod).toEqual([{ kind: 'deny', schedule: '0 16 * * 5', duration: '64h', timeZone: 'Europe/Paris', manualSync: true, applications: ['*'] }]);
});
