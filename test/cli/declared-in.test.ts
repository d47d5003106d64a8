import * as path from 'path';
import { declaredInModules, LoadedModule } from '../../src/cli/declared-in';

const root = path.resolve('/repo');
const at = (file: string) => path.join(root, ...file.split('/'));

describe('the file that declares an object is the module the others import it from', () => {
  const web = { name: 'web' };
  const api = { name: 'api' };
  const alpha = { name: 'alpha' };
  const prod = { name: 'prod' };
  const webModule: LoadedModule = { filename: at('src/apps/shop/web.ts'), exports: { web } };
  const appList = [web, api];
  const apps: LoadedModule = { filename: at('src/apps/index.ts'), exports: { apps: appList, web }, children: [webModule] };
  const teams: LoadedModule = { filename: at('src/teams.ts'), exports: { teams: [alpha] } };
  const prodModule: LoadedModule = { filename: at('environments/prod.ts'), exports: { prod } };
  const platformModule: LoadedModule = { filename: at('src/platform.ts'), exports: { platform: {} }, children: [apps, teams, prodModule] };
  const library: LoadedModule = { filename: at('node_modules/lib/index.js'), exports: { web } };
  const declaredIn = declaredInModules(root, [platformModule, apps, webModule, teams, prodModule, library]);

  test('an app exported by its own file, and re-exported by an index, is declared by its own file', () => {
    expect(declaredIn(web)).toBe('src/apps/shop/web.ts');
  });

  test('an app written inside the list is declared by the file of the list', () => {
    expect(declaredIn(api)).toBe('src/apps/index.ts');
    expect(declaredIn(alpha)).toBe('src/teams.ts');
  });

  test('a list of apps is declared by the module that exports it', () => {
    expect(declaredIn(appList)).toBe('src/apps/index.ts');
  });

  test('an environment by its file; an object no module exports, by none', () => {
    expect(declaredIn(prod)).toBe('environments/prod.ts');
    expect(declaredIn({ name: 'elsewhere' })).toBeUndefined();
  });
});
