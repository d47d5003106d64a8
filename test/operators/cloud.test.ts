import { operatorsPlatform } from './support';
import { INFRASTRUCTURE_WORKFLOW, infrastructureWorkflow } from '../../projenrc/infrastructure';
import { renderPlatform } from '../../src/synth';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const rendered = renderPlatform({ platform: operatorsPlatform() });
const tf = (env: string): Json => rendered.stacks.find((s) => s.environment === env)!.json;
const resources = (env: string, type: string): Record<string, Json> => tf(env).resource?.[type] ?? {};

test('the notifications\' secrets are declared without a value, readable by their own service account alone', () => {
  const secrets = resources('prod', 'google_secret_manager_secret');
  const secret = Object.entries(secrets).find(([, s]) => s.secret_id === 'argocd-notifications-slack-token');
  expect(secret).toBeDefined();
  expect(resources('prod', 'google_secret_manager_secret_version')).toEqual({});
  const accessors = Object.values(resources('prod', 'google_secret_manager_secret_iam_member')).filter((a) => String(a.secret_id).includes(secret![0]));
  expect(accessors.map((a) => [a.role, a.member])).toEqual([['roles/secretmanager.secretAccessor', '${google_service_account.argocd-notifications_service-account.member}']]);
  const binding = resources('prod', 'google_service_account_iam_member')['argocd-notifications_workload-identity'];
  expect(binding.member).toBe('serviceAccount:test-prod-project.svc.id.goog[argocd/argocd-notifications-secrets]');
});

test('the pipeline\'s provider admits this repository\'s tokens only, by the ids of the repository and its owner', () => {
  const provider = Object.values(resources('dev', 'google_iam_workload_identity_pool_provider'))[0];
  expect(provider.attribute_condition).toBe('assertion.repository_id == \'600000001\' && assertion.repository_owner_id == \'600000002\'');
  expect(provider.attribute_condition).not.toContain('assertion.repository ==');
  expect(provider.oidc.issuer_uri).toBe('https://token.actions.githubusercontent.com');
  expect(provider.workload_identity_pool_provider_id).toBe('github');
});

test('plan may be impersonated by the repository\'s workflows (by id), apply only by infrastructure.yml on main in the GitHub environment of the same name', () => {
  const bindings = resources('prod', 'google_service_account_iam_member');
  const pool = 'principalSet://iam.googleapis.com/projects/100000000002/locations/global/workloadIdentityPools/platform-pipeline';
  expect(bindings['pipeline_plan-workload-identity'].member).toBe(`${pool}/attribute.repository_id/600000001`);
  expect(bindings['pipeline_apply-workload-identity'].member).toBe(`${pool}/attribute.apply_job/repo:example/platform:environment:prod`);
  // apply_job is the token's subject only for a job of the generated infrastructure workflow, on the branch it runs on.
  const mapping = Object.values(resources('prod', 'google_iam_workload_identity_pool_provider'))[0].attribute_mapping;
  const workflow = infrastructureWorkflow({ terraformVersion: '1.13.4', driftSchedule: '0 5 * * *', environments: [] }) as Json;
  expect(workflow.on.push.branches).toEqual(['main']);
  expect(mapping['attribute.apply_job']).toBe(
    `(assertion.job_workflow_ref == 'example/platform/${INFRASTRUCTURE_WORKFLOW}@refs/heads/main' && assertion.ref == 'refs/heads/main') ? assertion.sub : 'none'`);
  expect(mapping['attribute.repository_id']).toBe('assertion.repository_id');
});

test('plan reads, apply manages; both reach the state bucket', () => {
  const roles = Object.values(resources('dev', 'google_project_iam_member'));
  const of = (who: string) => roles.filter((r) => r.member.includes(`pipeline_${who}-service-account`)).map((r) => r.role).sort();
  expect(of('plan')).toContain('roles/iam.securityReviewer');
  // Predefined read roles, and the custom read role (its permissions are checked in test/cloud/pipeline-roles.test.ts).
  expect(of('plan').every((r) => /(viewer|reader|Viewer|securityReviewer)$/.test(r) || r.includes('google_project_iam_custom_role'))).toBe(true);
  expect(of('apply')).toContain('roles/container.clusterAdmin');
  const state = Object.values(resources('dev', 'google_storage_bucket_iam_member'));
  expect(state.map((b) => [b.bucket, b.role]).sort()).toEqual([['test-dev-project-tfstate', 'roles/storage.admin'], ['test-dev-project-tfstate', 'roles/storage.objectViewer']]);
});

test('no key is created for any service account', () => {
  for (const env of ['dev', 'prod']) expect(resources(env, 'google_service_account_key')).toEqual({});
});
