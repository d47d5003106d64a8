import { parse } from 'yaml';
import { previewableApps } from '../../src/k8s/preview';
import { PlatformValidationError, Tier, resolvePlatform } from '../../src/model';
import { extensions, platform } from '../../src/platform';
import { renderPlatform } from '../../src/synth';
import { environment, platform as testPlatform, service } from '../fixtures';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const rendered = renderPlatform({ platform, extensions });
const files = [...rendered.files.keys()];
const doc = (file: string): Json => parse(rendered.files.get(file)!);
// Every app with an Application of its own gets a preview (a migration rides with its app): from the model, so that adding an app needs no edit here.
const previewed = previewableApps(rendered.resolved.environments.find((e) => e.name === 'dev')!).map((a) => a.name).sort();

test('the example\'s previewed apps are its apps with an Application of their own', () => {
  expect(previewed).toEqual(expect.arrayContaining(['catalog-api', 'orders-api', 'orders-worker', 'sales-report', 'storefront-web']));
  expect(previewed).not.toContain('orders-db-migrate');
});

test('previews are rendered for the dev cluster only, one directory per app with a kustomization listing its files', () => {
  expect(files.filter((f) => f.includes('/previews/') && f.endsWith('kustomization.yaml'))).toEqual(previewed.map((a) => `dev/previews/${a}/kustomization.yaml`));
  for (const app of previewed) {
    const dir = `dev/previews/${app}/`;
    const inDir = files.filter((f) => f.startsWith(dir) && !f.endsWith('kustomization.yaml')).map((f) => f.slice(dir.length)).sort();
    expect(doc(`${dir}kustomization.yaml`).resources).toEqual(inDir);
  }
  expect(files.some((f) => f.startsWith('staging/previews/') || f.startsWith('prod/previews/'))).toBe(false);
});

test('each app has an ApplicationSet whose pull-request generator and template give each labelled PR its own namespace and host', () => {
  const set = doc('dev/argocd/applicationset-preview-storefront-web.yaml');
  expect(set.spec.generators).toEqual([{
    pullRequest: { github: { owner: 'acme', repo: 'platform', labels: ['preview:storefront-web'], tokenRef: { secretName: 'github-token', key: 'token' } }, requeueAfterSeconds: 180 },
  }]);
  const t = set.spec.template;
  expect(t.metadata.name).toBe('pr-{{number}}-storefront-web');
  expect(t.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
  expect(t.spec).toMatchObject({
    project: 'preview',
    destination: { name: 'acme-dev', namespace: 'pr-{{number}}-storefront-web' },
    source: { targetRevision: '{{head_sha}}', path: 'dist/dev/previews/storefront-web', kustomize: { namespace: 'pr-{{number}}-storefront-web' } },
  });
  const patches = t.spec.source.kustomize.patches.map((p: Json) => ({ target: p.target, ops: parse(p.patch) }));
  expect(patches).toEqual([
    {
      target: { kind: 'Namespace' },
      ops: [
        { op: 'replace', path: '/metadata/name', value: 'pr-{{number}}-storefront-web' },
        // RFC 6902 add replaces an existing member: whatever labels the pull request's files give the namespace.
        { op: 'add', path: '/metadata/labels', value: doc('dev/previews/storefront-web/namespace-preview-storefront-web.yaml').metadata.labels },
      ],
    },
    { target: { kind: 'Ingress', name: 'storefront-web' }, ops: [{ op: 'replace', path: '/spec/rules/0/host', value: 'pr-{{number}}-shop.preview.dev.acme.example' }] },
  ]);
});

test('a pull request cannot loosen its preview namespace\'s Pod Security labels, nor add kinds the preview renderer does not write', () => {
  for (const app of previewed) {
    const set = doc(`dev/argocd/applicationset-preview-${app}.yaml`);
    const labels = parse(set.spec.template.spec.source.kustomize.patches[0].patch)[1].value;
    expect(labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.27', 'platform.acme.example/preview': 'true' });
  }
  const project = doc('dev/argocd/appproject-preview.yaml');
  expect(project.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
  // Exactly the namespaced kinds the previews hold: none missing (a preview would not sync), none extra.
  const kinds = new Set<string>();
  for (const f of files.filter((x) => x.includes('/previews/') && !x.endsWith('kustomization.yaml'))) {
    const { apiVersion, kind } = doc(f);
    if (kind !== 'Namespace') kinds.add(`${apiVersion.includes('/') ? apiVersion.split('/')[0] : ''}/${kind}`);
  }
  expect(project.spec.namespaceResourceWhitelist.map((k: Json) => `${k.group}/${k.kind}`).sort()).toEqual([...kinds].sort());
  for (const forbidden of ['/Secret', 'external-secrets.io/ExternalSecret', 'rbac.authorization.k8s.io/Role', '/Pod', 'apps/DaemonSet']) {
    expect(project.spec.namespaceResourceWhitelist.map((k: Json) => `${k.group}/${k.kind}`)).not.toContain(forbidden);
  }
});

test('a preview has no secrets, no cloud identity, one replica, a small quota and its namespace\'s guardrails', () => {
  const dir = 'dev/previews/orders-api/';
  const kinds = files.filter((f) => f.startsWith(dir)).map((f) => doc(f).kind);
  expect(kinds).not.toContain('ExternalSecret');
  expect(kinds).not.toContain('SecretStore');
  expect(kinds).not.toContain('HorizontalPodAutoscaler');
  expect(kinds).not.toContain('Job');
  expect(kinds).toEqual(expect.arrayContaining(['Namespace', 'ResourceQuota', 'LimitRange', 'NetworkPolicy', 'Deployment', 'Service']));
  expect(doc(`${dir}serviceaccount-orders-api.yaml`).metadata.annotations?.['iam.gke.io/gcp-service-account']).toBeUndefined();
  const deployment = doc(`${dir}deployment-orders-api.yaml`);
  expect(deployment.spec.replicas).toBe(1);
  expect(JSON.stringify(deployment)).not.toContain('secretKeyRef');
  expect(doc(`${dir}resourcequota-team-quota.yaml`).spec.hard).toMatchObject({ 'requests.cpu': '1', 'requests.memory': '2Gi', 'pods': 10 });
  expect(doc(`${dir}namespace-preview-orders-api.yaml`).metadata.labels).toMatchObject({ 'platform.acme.example/preview': 'true', 'pod-security.kubernetes.io/enforce': 'restricted' });
});

test('a preview\'s Ingress has its own host and no static address or certificate', () => {
  const ingress = doc('dev/previews/storefront-web/ingress-storefront-web.yaml');
  expect(ingress.metadata.annotations).toEqual({ 'kubernetes.io/ingress.class': 'gce' });
});

test('in dev, the apps a preview calls admit it; elsewhere they do not', () => {
  const from = (env: string) => doc(`${env}/apps/catalog-api/networkpolicy-catalog-api.yaml`).spec.ingress[0].from;
  expect(from('dev')).toContainEqual({
    namespaceSelector: { matchLabels: { 'platform.acme.example/preview': 'true' } },
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'storefront-web' } },
  });
  expect(JSON.stringify(from('prod'))).not.toContain('preview');
});

test('the preview AppProject admits only pr- namespaces on the dev cluster, through a listed built-in exemption', () => {
  const project = doc('dev/argocd/appproject-preview.yaml');
  expect(project.spec.destinations).toEqual([{ name: 'acme-dev', namespace: 'pr-*' }]);
  expect(rendered.guardrails.exempted.filter((e) => e.rule === 'argocd-project-no-wildcards').map((e) => `${e.environment}/${e.name}`)).toEqual(['dev/preview']);
});

test('previews on a production environment are refused', () => {
  const spec = testPlatform({
    environments: [environment('prod', ['web'], { tier: Tier.PRODUCTION, previews: { github: { owner: 'acme', repo: 'platform' }, domain: 'preview.example.com' } })],
    apps: [service('web')],
  });
  expect(() => resolvePlatform(spec)).toThrow(PlatformValidationError);
  expect(() => resolvePlatform(spec)).toThrow(/previews in prod: are declared on a production environment/);
});

test('an app whose preview label would be longer than GitHub allows is refused where previews are declared', () => {
  const long = 'a'.repeat(43); // preview:<43 characters> is 51
  const spec = testPlatform({
    environments: [environment('dev', ['web', long], { previews: { github: { owner: 'acme', repo: 'platform' }, domain: 'preview.example.com' } })],
    apps: [service('web'), service(long)],
  });
  expect(() => resolvePlatform(spec)).toThrow(
    `previews in dev: would ask for app "${long}"'s preview with the pull-request label "preview:${long}" (51 characters), longer than GitHub allows (50)`,
  );
  const fits = testPlatform({
    environments: [environment('dev', ['web', long.slice(1)], { previews: { github: { owner: 'acme', repo: 'platform' }, domain: 'preview.example.com' } })],
    apps: [service('web'), service(long.slice(1))],
  });
  expect(() => resolvePlatform(fits)).not.toThrow();
});
