import { AppSpec, PlatformValidationError, formatIssue } from '../../src/model';
import { renderPlatform } from '../../src/synth';
import { environment, platform, service } from '../fixtures';
import { referenced, resources } from './helpers';

/** An app's roles on single BigQuery datasets: dataset-level IAM instead of a project-wide role. */

function reporter(identity: AppSpec['identity']): AppSpec {
  return service('reporter', { identity });
}

function stackOf(app: AppSpec) {
  const spec = platform({ apps: [app], environments: [environment('dev', [app.name])] });
  return renderPlatform({ platform: spec }).stacks[0].json;
}

function messagesOf(app: AppSpec): string[] {
  try {
    stackOf(app);
  } catch (err) {
    if (err instanceof PlatformValidationError) return err.issues.map(formatIssue);
    throw err;
  }
  return [];
}

describe('BigQuery dataset roles', () => {
  test('GIVEN datasetRoles THEN each role is granted on its dataset to the app\'s service account, and not on the project', () => {
    const json = stackOf(reporter({ roles: ['roles/bigquery.jobUser'], datasetRoles: [{ dataset: 'sales', role: 'roles/bigquery.dataEditor' }] }));
    const grants = resources(json, 'google_bigquery_dataset_iam_member');
    expect(grants.map((g) => ({ project: g.config.project, dataset: g.config.dataset_id, role: g.config.role }))).toEqual([
      { project: 'test-dev-project', dataset: 'sales', role: 'roles/bigquery.dataEditor' },
    ]);
    const account = referenced(json, grants[0].config.member.replace(/^serviceAccount:/, '')).resource;
    expect(account.config.account_id).toBe('reporter');
    expect(resources(json, 'google_project_iam_member').map((m) => m.config.role)).not.toContain('roles/bigquery.dataEditor');
  });

  test('GIVEN a dataset role naming no dataset id, or an admin role THEN validation refuses each, naming the item', () => {
    const messages = messagesOf(reporter({ datasetRoles: [{ dataset: 'sales-eu', role: 'roles/bigquery.dataViewer' }, { dataset: 'sales', role: 'roles/bigquery.admin' }] }));
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/^apps\.reporter\.identity\.datasetRoles\[0\]\.dataset: is not a BigQuery dataset id/);
    expect(messages[1]).toMatch(/^apps\.reporter\.identity\.datasetRoles\[1\]\.role: grants administrative rights/);
  });
});
