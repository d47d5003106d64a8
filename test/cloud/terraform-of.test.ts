import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { App, Fn, TerraformLocal, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { terraformOf } from '../../src/cloud';
import { toJson as toJsonText } from '../../src/synth';

/** A stack with references, a function call, a local, a provider override and nested constructs: the token kinds our stacks use. */
function stack(extra?: (s: TerraformStack) => void): TerraformStack {
  const app = new App({ outdir: 'unused', stackTraces: false, skipValidation: true });
  const s = new TerraformStack(app, 'dev');
  const google = new GoogleProvider(s, 'google', { project: 'p', region: 'europe-west1' });
  google.addOverride('default_labels', { 'managed-by': 'platform' });
  const group = new Construct(s, 'app-web');
  const account = new ServiceAccount(group, 'sa', { accountId: 'web', displayName: 'web', project: 'p' });
  const local = new TerraformLocal(s, 'member', `serviceAccount:${account.email}`);
  new ServiceAccountIamMember(group, 'wi', {
    serviceAccountId: account.name,
    role: 'roles/iam.workloadIdentityUser',
    member: Fn.lower(local.asString),
    dependsOn: [account],
  });
  extra?.(s);
  return s;
}

afterEach(() => jest.restoreAllMocks());

test.each([
  ['by its own single pass', false, undefined],
  ['with a stack-level raw override, by cdktf', true, (s: TerraformStack) => s.addOverride('terraform.required_version', '>= 1.5')],
  ['with an output, by cdktf', true, (s: TerraformStack) => new TerraformOutput(s, 'email', { value: 'x' })],
  ['with a nested stack (not entered), by its own single pass', false, (s: TerraformStack) => new ServiceAccount(new TerraformStack(s, 'inner'), 'other', { accountId: 'other' })],
])('terraformOf(stack) is stack.toTerraform(), %s', (_name, byCdktf, extra) => {
  const cdktf = stack(extra).toTerraform();
  const toTerraform = jest.spyOn(TerraformStack.prototype, 'toTerraform');
  const ours = terraformOf(stack(extra));
  expect(toTerraform).toHaveBeenCalledTimes(byCdktf ? 1 : 0);
  expect(toJsonText(ours)).toBe(toJsonText(cdktf));
  expect(JSON.stringify(ours)).toContain('${google_service_account.app-web_sa_');
  expect(JSON.stringify(ours)).not.toContain('TfToken');
});
