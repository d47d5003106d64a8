import type { AppSpec } from '../app';
import type { EnvironmentSpec } from '../environment';
import type { ValidationIssue } from '../errors';
import { DNS1035_LABEL, DNS1123_LABEL } from '../names';
import type { DeclarationIndex } from './declarations';
import { Report } from './location';
import type { StaleAppName } from './renames';
import { MAX_APP_NAME, isString, listOr } from './values';

/**
 * Apps and environments: each a well-formed name, declared once. A duplicate
 * names both files; an app listed twice, the file of the list; a duplicate
 * in a file named after a name only release files still use, that name.
 */
export function validateNames(index: DeclarationIndex, stale: readonly StaleAppName[] = []): ValidationIssue[] {
  const report = new Report();
  const list = index.fileOf(index.spec.apps) ?? index.fileOf(index.spec);
  const firstApp = new Map<string, AppSpec>();
  listOr(index.spec.apps).forEach((app, i) => {
    const file = index.fileOf(app);
    if (!isString(app?.name) || !DNS1035_LABEL.test(app.name) || app.name.length > MAX_APP_NAME) {
      report.at(`apps[${i}].name`, { file }).issue(
        `must be a DNS-1035 label (a lowercase letter first, then letters, digits and "-") of at most ${MAX_APP_NAME} characters`, app?.name, 'rename the app, e.g. "checkout-api"',
      );
      return;
    }
    const first = firstApp.get(app.name);
    if (first === app) {
      report.at(`apps[${i}]`, { file: list ?? file }).issue(`lists app "${app.name}" a second time`, app.name, `remove the second "${app.name}" from the list`);
      return;
    }
    if (first) {
      const where = index.fileOf(first);
      const meant = stale.find((s) => s.misnamedIn !== undefined && s.misnamedIn === file);
      report.at(`apps.${app.name}`, { file }).issue(
        (where && where !== file ? `is declared twice (first in ${where})` : 'is declared twice')
          + (meant ? `; did you mean "${meant.name}", which ${[...new Set(meant.uses.map((u) => u.file))].join(', ')} still name?` : ''),
        app.name,
        meant ? `name it "${meant.name}" again` : 'give each app a unique name (it names the Deployment, Service and Argo CD Application)',
      );
      return;
    }
    firstApp.set(app.name, app);
  });
  const firstEnv = new Map<string, EnvironmentSpec>();
  listOr(index.spec.environments).forEach((env, i) => {
    const file = index.fileOf(env);
    if (!isString(env?.name) || !DNS1123_LABEL.test(env.name) || env.name.length > 20) {
      report.at(`environments[${i}].name`, { file }).issue('must be a DNS label of at most 20 characters', env?.name, 'use lowercase letters, digits and "-", e.g. "prod"');
      return;
    }
    const first = firstEnv.get(env.name);
    if (first) {
      const where = index.fileOf(first);
      report.at(`environments.${env.name}`, { file }).issue(
        where && where !== file ? `is declared twice (first in ${where})` : 'is declared twice', env.name, 'give each environment a unique name',
      );
      return;
    }
    firstEnv.set(env.name, env);
  });
  return report.issues;
}
