import { k8s } from 'cdk8s-plus-27';
import { operatorsPlatform } from './support';
import { GuardrailError } from '../../src/guardrails';
import { GcpSecretStore } from '../../src/k8s';
import { renderPlatform } from '../../src/synth';

/** The guardrail errors of a render with these escape hatches, one line each (rule, object, path, message). */
function errorsWith(extensions: Parameters<typeof renderPlatform>[0]['extensions']): string[] {
  try {
    renderPlatform({ platform: operatorsPlatform(), extensions });
    return [];
  } catch (err) {
    if (!(err instanceof GuardrailError)) throw err;
    return err.report.violations.filter((v) => v.environment === 'dev').map((v) => `${v.rule} ${v.kind} ${v.name} ${v.path}: ${v.message}`);
  }
}

test('the example fixture passes both rules', () => {
  expect(errorsWith({})).toEqual([]);
});

/** An escape hatch adding a SecretStore to app webapp that authenticates as `account`. */
const storeAs = (account: string) => ({
  webapp: (scope: Parameters<NonNullable<Parameters<typeof renderPlatform>[0]['extensions']>[string]>[0]) => {
    new GcpSecretStore(scope, 'borrowed', {
      metadata: { name: 'borrowed', labels: { 'app.kubernetes.io/name': 'webapp' }, annotations: { 'argocd.argoproj.io/sync-wave': '-1' } },
      projectId: 'test-dev-project',
      clusterName: 'test-dev',
      clusterLocation: 'europe-west1',
      serviceAccountName: account,
    });
  },
});

test('a SecretStore that authenticates as another app\'s ServiceAccount (the migration\'s) is refused', () => {
  expect(errorsWith(storeAs('webapp-migrate'))).toEqual([
    'secret-store-own-service-account SecretStore borrowed spec.provider.gcpsm.auth.workloadIdentity.serviceAccountRef.name: names the ServiceAccount of app webapp-migrate, not of app webapp',
  ]);
});

test('a SecretStore that names a ServiceAccount nothing renders is refused', () => {
  expect(errorsWith(storeAs('default'))).toEqual([
    'secret-store-own-service-account SecretStore borrowed spec.provider.gcpsm.auth.workloadIdentity.serviceAccountRef.name: names a ServiceAccount that is not rendered in its namespace',
  ]);
});

test('an escape hatch cannot add a kind the team\'s AppProject does not admit (a RoleBinding, a cluster-scoped kind)', () => {
  const errors = errorsWith({
    report: (scope) => {
      new k8s.KubeRoleBinding(scope, 'sneaky', {
        metadata: { name: 'sneaky' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
        subjects: [{ kind: 'Group', name: 'everyone@example.com', apiGroup: 'rbac.authorization.k8s.io' }],
      });
      new k8s.KubeClusterRole(scope, 'wide', { metadata: { name: 'wide' }, rules: [] });
    },
  });
  expect(errors).toEqual(expect.arrayContaining([
    'argocd-project-admits-kind RoleBinding sneaky kind: is not admitted by AppProject alpha, which Application report syncs this directory with',
    'argocd-project-admits-kind ClusterRole wide kind: is not admitted by AppProject alpha, which Application report syncs this directory with',
  ]));
});

test('a NetworkPolicy in an app\'s directory that selects every pod of the namespace is refused', () => {
  const errors = errorsWith({
    report: (scope) => {
      new k8s.KubeNetworkPolicy(scope, 'open', {
        metadata: { name: 'open-everything' },
        spec: { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] },
      });
    },
  });
  expect(errors).toEqual([
    'network-policy-own-pods NetworkPolicy open-everything spec.podSelector.matchLabels.app.kubernetes.io/name: must name an app of apps/report/ (report), so that the policy opens no other pod',
  ]);
});
