import * as fs from 'fs';
import * as path from 'path';
import { APPLY_ROLES, PIPELINE_ACCESS, PLAN_CUSTOM, PLAN_CUSTOM_ROLE, PLAN_ROLES, STATE_BUCKET_ROLES } from '../../src/cloud/pipeline-roles';
import { renderPlatform } from '../../src/synth';
import { operatorsPlatform } from '../operators/support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const cloudDir = path.join(__dirname, '..', '..', 'src', 'cloud');

/** Every Terraform resource type the cloud renderer can declare: the provider classes src/cloud imports, by their Terraform name. */
function importedResourceTypes(): string[] {
  const types = fs.readdirSync(cloudDir).filter((f) => f.endsWith('.ts'))
    .flatMap((f) => [...fs.readFileSync(path.join(cloudDir, f), 'utf8').matchAll(/@cdktf\/provider-google\/lib\/([a-z0-9-]+)'/g)].map((m) => m[1]))
    .filter((name) => name !== 'provider')
    .map((name) => `google_${name.replace(/-/g, '_')}`);
  return [...new Set(types)].sort();
}

const rendered = renderPlatform({ platform: operatorsPlatform() });
const tf = (env: string): Json => rendered.stacks.find((s) => s.environment === env)!.json;

describe('the pipeline identities\' roles', () => {
  test('cover every resource type the renderer can declare, and no other', () => {
    const types = importedResourceTypes();
    expect(types).toContain('google_container_cluster');
    expect(types.filter((t) => !(t in PIPELINE_ACCESS))).toEqual([]);
    expect(Object.keys(PIPELINE_ACCESS).filter((t) => !types.includes(t))).toEqual([]);
  });

  test('cover every resource type a fixture renders', () => {
    const types = Object.keys(tf('prod').resource);
    expect(types.length).toBeGreaterThan(10);
    expect(types.filter((t) => !(t in PIPELINE_ACCESS))).toEqual([]);
  });

  test('each type is read by plan and managed by apply, in the project or, said where, elsewhere', () => {
    for (const [type, access] of Object.entries(PIPELINE_ACCESS)) {
      if (access.elsewhere === undefined || access.plan.length + access.apply.length > 0) {
        expect([type, access.plan.length > 0]).toEqual([type, true]);
      }
      if (access.elsewhere === undefined) expect([type, access.apply.length > 0]).toEqual([type, true]);
    }
  });

  test('plan\'s roles read only; apply\'s are not primitive', () => {
    expect(PLAN_ROLES.filter((r) => !/(viewer|Viewer|reader|Reviewer)$/.test(r))).toEqual([]);
    expect(PLAN_CUSTOM_ROLE.permissions.every((p) => /\.(get|list)$/.test(p))).toBe(true);
    expect(APPLY_ROLES.filter((r) => /^roles\/(owner|editor|viewer)$/.test(r))).toEqual([]);
  });

  test('are the roles the rendered Terraform grants, on the project and the state bucket', () => {
    const members = Object.values(tf('dev').resource.google_project_iam_member as Record<string, Json>);
    const of = (who: string) => members.filter((m) => m.member === `\${google_service_account.pipeline_${who}-service-account.member}`).map((m) => m.role).sort();
    expect(of('plan')).toEqual([...PLAN_ROLES, '${google_project_iam_custom_role.pipeline_plan-role.name}'].sort());
    expect(of('apply')).toEqual([...APPLY_ROLES].sort());
    const custom = tf('dev').resource.google_project_iam_custom_role['pipeline_plan-role'];
    expect(custom.permissions).toEqual(PLAN_CUSTOM_ROLE.permissions);
    expect(PIPELINE_ACCESS.google_service_networking_connection.plan).toContain(PLAN_CUSTOM);
    const state = Object.values(tf('dev').resource.google_storage_bucket_iam_member as Record<string, Json>).map((b) => b.role).sort();
    expect(state).toEqual([STATE_BUCKET_ROLES.apply, STATE_BUCKET_ROLES.plan].sort());
  });
});
