import { parse } from 'yaml';
import { PREVIEW_KINDS } from '../../src/k8s/preview';
import { AppSpec, Exposure } from '../../src/model';
import { renderPlatform } from '../../src/synth';
import { environment, platform, service } from '../fixtures';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/*
 * The admission policies of preview namespaces: what a labelled pull request
 * may put in the kinds the preview AppProject admits. Their CEL was run
 * against a real kube-apiserver 1.34 (see the commit); here, how they are
 * rendered, scoped and tied to the rest of the preview machinery.
 */

const PREVIEWS = { github: { owner: 'example', repo: 'platform', tokenSecret: 'github-token' }, domain: 'preview.example.com' };
const PREVIEW_LABEL = 'platform.example.com/preview';

function rendered(apps: readonly AppSpec[] = [service('web', { exposure: Exposure.public({ subdomain: 'www' }) }), service('api')], previews = true) {
  const env = environment('dev', apps.map((a) => a.name), previews ? { previews: PREVIEWS } : {});
  const out = renderPlatform({ platform: platform({ apps, environments: [env] }) });
  const doc = (file: string): Json => parse(out.files.get(file)!);
  const files = [...out.files.keys()];
  const ofKind = (kind: string) => files.filter((f) => f.endsWith('.yaml') && doc(f)?.kind === kind).map((f) => ({ file: f, ...doc(f) }));
  return { doc, files, ofKind };
}

const policyNamed = (policies: Json[], resource: string) =>
  policies.find((p) => p.spec.matchConstraints.resourceRules.some((r: Json) => r.resources.includes(resource)));
const variable = (policy: Json, name: string) => policy.spec.variables.find((v: Json) => v.name === name).expression;

describe('admission policies of preview namespaces', () => {
  test('GIVEN previews THEN every kind a pull request may create but ConfigMap has a policy, and pods whatever makes them', () => {
    const policies = rendered().ofKind('ValidatingAdmissionPolicy');
    const covered = new Set(policies.flatMap((p) => p.spec.matchConstraints.resourceRules.flatMap((r: Json) => r.resources)));
    const plural = (kind: string) => `${kind.toLowerCase()}${kind.endsWith('s') ? 'es' : 's'}`;
    const admitted = PREVIEW_KINDS.map((k) => plural(k.kind)).filter((r) => r !== 'configmaps');
    expect(admitted.filter((r) => !covered.has(r))).toEqual([]);
    expect([...covered]).toEqual(expect.arrayContaining(['pods', 'pods/ephemeralcontainers']));
  });

  test('GIVEN previews THEN each policy fails closed, and its binding denies, in namespaces with the preview label only', () => {
    const { ofKind } = rendered();
    const policies = ofKind('ValidatingAdmissionPolicy');
    const bindings = ofKind('ValidatingAdmissionPolicyBinding');
    expect(bindings.map((b) => b.spec.policyName).sort()).toEqual(policies.map((p) => p.metadata.name).sort());
    const bySelector = { matchLabels: { [PREVIEW_LABEL]: 'true' } };
    for (const p of policies) {
      expect({ name: p.metadata.name, failurePolicy: p.spec.failurePolicy, selector: p.spec.matchConstraints.namespaceSelector })
        .toEqual({ name: p.metadata.name, failurePolicy: 'Fail', selector: bySelector });
    }
    for (const b of bindings) {
      expect({ name: b.metadata.name, actions: b.spec.validationActions, selector: b.spec.matchResources.namespaceSelector })
        .toEqual({ name: b.metadata.name, actions: ['Deny'], selector: bySelector });
    }
  });

  test('GIVEN previews THEN the preview namespaces carry the label the policies select, and nothing selects by name', () => {
    const { ofKind } = rendered();
    const namespaces = ofKind('Namespace').filter((n) => n.file.includes('/previews/'));
    expect(namespaces.length).toBeGreaterThan(0);
    for (const n of namespaces) expect(n.metadata.labels[PREVIEW_LABEL]).toBe('true');
    const policies = [...ofKind('ValidatingAdmissionPolicy'), ...ofKind('ValidatingAdmissionPolicyBinding')];
    expect(JSON.stringify(policies.map((p) => [p.spec.matchConstraints, p.spec.matchResources]))).not.toContain('kubernetes.io/metadata.name');
  });

  test('GIVEN previews THEN the policies are rendered with the environment, synced by the root Application in the platform project, which admits them', () => {
    const { doc, ofKind } = rendered();
    const files = [...ofKind('ValidatingAdmissionPolicy'), ...ofKind('ValidatingAdmissionPolicyBinding')].map((p) => p.file);
    expect(files.every((f) => f.startsWith('dev/argocd/'))).toBe(true);
    const root = doc('dev/bootstrap/application-root.yaml');
    expect(root.spec.source.path).toBe('dist/dev/argocd');
    const project = doc('dev/argocd/appproject-platform.yaml');
    expect(root.spec.project).toBe(project.metadata.name);
    expect(project.spec.clusterResourceWhitelist).toEqual(expect.arrayContaining([
      { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy' },
      { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicyBinding' },
    ]));
  });

  test('GIVEN no previews THEN no policy, and the platform project admits no admission kind', () => {
    const { doc, ofKind } = rendered(undefined, false);
    expect(ofKind('ValidatingAdmissionPolicy')).toEqual([]);
    expect(doc('dev/argocd/appproject-platform.yaml').spec.clusterResourceWhitelist.filter((k: { group: string; kind: string }) => k.group === 'admissionregistration.k8s.io' && k.kind !== 'ValidatingWebhookConfiguration' && k.kind !== 'MutatingWebhookConfiguration')).toEqual([]);
  });

  test('GIVEN apps from two repositories THEN a preview\'s images may come from those repositories only', () => {
    const apps = [service('web', { image: 'europe-docker.pkg.dev/test-artifacts/apps/web' }), service('api', { image: 'ghcr.io/example/tools/api' })];
    const policies = rendered(apps).ofKind('ValidatingAdmissionPolicy');
    for (const resource of ['deployments', 'cronjobs', 'pods']) {
      expect(variable(policyNamed(policies, resource), 'imagePrefixes')).toBe('[\'europe-docker.pkg.dev/test-artifacts/apps/\', \'ghcr.io/example/tools/\']');
    }
  });

  test('GIVEN a public app THEN its preview\'s Ingress may serve only the host its ApplicationSet patches in', () => {
    const { doc, ofKind } = rendered();
    const ingresses = policyNamed(ofKind('ValidatingAdmissionPolicy'), 'ingresses');
    const patch = parse(doc('dev/argocd/applicationset-preview-web.yaml').spec.template.spec.source.kustomize.patches[0].patch)[0].value as string;
    // The patch's host is pr-{{number}}-<suffix>; the policy rebuilds it from the namespace pr-<number>-<app>.
    const suffix = patch.replace(/^pr-\{\{number\}\}-/, '');
    expect(variable(ingresses, 'hostSuffixes')).toBe(`{'web': '${suffix}'}`);
  });

  test('GIVEN previews THEN the environment-only Ingress annotations the policy refuses are the ones the renderer gives environments', () => {
    const { ofKind } = rendered();
    const environmentIngress = ofKind('Ingress').find((i) => i.file.startsWith('dev/apps/'));
    const given = Object.keys(environmentIngress.metadata.annotations).filter((a) => !['kubernetes.io/ingress.class', 'kubernetes.io/ingress.allow-http'].includes(a));
    const refused = JSON.parse(variable(policyNamed(ofKind('ValidatingAdmissionPolicy'), 'ingresses'), 'environmentAnnotations').replace(/'/g, '"'));
    expect(refused).toEqual(expect.arrayContaining(given));
  });
});
