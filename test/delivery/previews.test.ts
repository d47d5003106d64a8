import { parse } from 'yaml';
import { previewableApps } from '../../src/k8s/preview';
import { PlatformValidationError, Tier, resolvePlatform } from '../../src/model';
import { renderPlatform } from '../../src/synth';
import {
  cronJob, environment, migration, pipeline, platform as testPlatform, previews, publicService, render, secretReader, service, worker,
} from '../fixtures';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

// GIVEN previews on dev: a public web app with config files calling an autoscaled app that reads a secret and is migrated by a hook, a worker, a cron job
const apps = [
  publicService('web', 'shop', { calls: ['backend'], configFiles: { 'features.yaml': 'beta: true\n' } }),
  secretReader('backend'),
  migration('backend-migrate', 'backend'),
  worker('queue'),
  cronJob('nightly'),
];
const rendered = render(pipeline(apps, {
  dev: { previews: previews(), apps: { backend: { autoscaling: { minReplicas: 1, maxReplicas: 3 } } } },
}));
const files = [...rendered.files.keys()];
const doc = (file: string): Json => parse(rendered.files.get(file)!);
const previewed = previewableApps(rendered.resolved.environments.find((e) => e.name === 'dev')!).map((a) => a.name).sort();

test('every app with an Application of its own gets a preview; a migration rides with its app', () => {
  expect(previewed).toEqual(['backend', 'nightly', 'queue', 'web']);
});

test('previews are rendered for the environment that declares them only, two directories per app (namespace, app), each with a kustomization listing its files', () => {
  const kustomizations = previewed.flatMap((a) => [`dev/previews/${a}/app/kustomization.yaml`, `dev/previews/${a}/namespace/kustomization.yaml`]);
  expect(files.filter((f) => f.includes('/previews/') && f.endsWith('kustomization.yaml')).sort()).toEqual(kustomizations.sort());
  for (const k of kustomizations) {
    const dir = k.slice(0, -'kustomization.yaml'.length);
    const inDir = files.filter((f) => f.startsWith(dir) && !f.endsWith('kustomization.yaml')).map((f) => f.slice(dir.length)).sort();
    expect(doc(k).resources).toEqual(inDir);
  }
  expect(files.some((f) => f.startsWith('staging/previews/') || f.startsWith('prod/previews/'))).toBe(false);
});

test('per app, two ApplicationSets give each labelled PR its namespace (from main) and its app (from the PR\'s head commit)', () => {
  const generator = (app: string) => [{
    pullRequest: { github: { owner: 'example', repo: 'platform', labels: [`preview:${app}`], tokenRef: { secretName: 'github-token', key: 'token' } }, requeueAfterSeconds: 180 },
  }];
  const ns = doc('dev/argocd/applicationset-preview-web.namespace.yaml');
  const app = doc('dev/argocd/applicationset-preview-web.yaml');
  expect(ns.spec.generators).toEqual(generator('web'));
  expect(app.spec.generators).toEqual(generator('web'));
  for (const set of [ns, app]) expect(set.spec.template.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io/foreground']);
  expect(ns.spec.template.metadata.name).toBe('pr-{{number}}-web.namespace');
  expect(app.spec.template.metadata.name).toBe('pr-{{number}}-web');
  const destination = { name: 'test-dev', namespace: 'pr-{{number}}-web' };
  expect(ns.spec.template.spec).toMatchObject({
    project: 'preview-namespaces',
    destination,
    source: { targetRevision: 'main', path: 'dist/dev/previews/web/namespace', kustomize: { namespace: 'pr-{{number}}-web' } },
  });
  expect(app.spec.template.spec).toMatchObject({
    project: 'preview',
    destination,
    source: { targetRevision: '{{head_sha}}', path: 'dist/dev/previews/web/app', kustomize: { namespace: 'pr-{{number}}-web' } },
  });
  const patches = (set: Json) => set.spec.template.spec.source.kustomize.patches.map((p: Json) => ({ target: p.target, ops: parse(p.patch) }));
  expect(patches(ns)).toEqual([{ target: { kind: 'Namespace' }, ops: [{ op: 'replace', path: '/metadata/name', value: 'pr-{{number}}-web' }] }]);
  expect(patches(app)).toEqual([{ target: { kind: 'Ingress', name: 'web' }, ops: [{ op: 'replace', path: '/spec/rules/0/host', value: 'pr-{{number}}-shop.preview.example.com' }] }]);
});

test('a pull request\'s files reach only its app: no namespace, quota, role or kind the preview renderer does not write', () => {
  const kindsIn = (part: string) => {
    const kinds = new Set<string>();
    for (const f of files.filter((x) => new RegExp(`^dev/previews/[^/]+/${part}/`).test(x) && !x.endsWith('kustomization.yaml'))) {
      const { apiVersion, kind } = doc(f);
      kinds.add(`${apiVersion.includes('/') ? apiVersion.split('/')[0] : ''}/${kind}`);
    }
    return [...kinds].sort();
  };
  const listed = (project: Json, field: string) => (project.spec[field] as Json[]).map((k) => `${k.group}/${k.kind}`).sort();
  // The project of the pull request's Applications: exactly the app's kinds, none cluster-scoped.
  const prProject = doc('dev/argocd/appproject-preview.yaml');
  expect(prProject.spec.clusterResourceWhitelist).toEqual([]);
  expect(listed(prProject, 'namespaceResourceWhitelist')).toEqual(kindsIn('app'));
  // Network policies add up: one from the pull request could open what the default deny closes. The app's own comes from main.
  for (const forbidden of ['/Namespace', '/ResourceQuota', '/LimitRange', 'rbac.authorization.k8s.io/RoleBinding', 'networking.k8s.io/NetworkPolicy', '/Secret',
    'external-secrets.io/ExternalSecret', '/Pod', 'apps/DaemonSet']) {
    expect(listed(prProject, 'namespaceResourceWhitelist')).not.toContain(forbidden);
  }
  // The namespace's project: the namespace and its guardrails, synced from main only.
  const nsProject = doc('dev/argocd/appproject-preview-namespaces.yaml');
  expect(nsProject.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
  expect(['/Namespace', ...listed(nsProject, 'namespaceResourceWhitelist')].sort()).toEqual(kindsIn('namespace'));
  expect(files).toContain('dev/previews/web/namespace/networkpolicy-web.yaml');
  for (const app of previewed) {
    // Neither Application may take over an object of the other (a default-deny of the pull request's own, say).
    for (const set of [`${app}.namespace`, app]) {
      expect(doc(`dev/argocd/applicationset-preview-${set}.yaml`).spec.template.spec.syncPolicy.syncOptions).toContain('FailOnSharedResource=true');
    }
    expect(doc(`dev/argocd/applicationset-preview-${app}.namespace.yaml`).spec.template.spec).toMatchObject({ project: 'preview-namespaces', source: { targetRevision: 'main' } });
    expect(doc(`dev/argocd/applicationset-preview-${app}.yaml`).spec.template.spec).toMatchObject({ project: 'preview', source: { targetRevision: '{{head_sha}}' } });
  }
});

test('a preview has no secrets, no cloud identity, no autoscaler, no migration; one replica, a small quota and its namespace\'s guardrails', () => {
  const dir = 'dev/previews/backend/';
  const kinds = files.filter((f) => f.startsWith(dir) && !f.endsWith('kustomization.yaml')).map((f) => doc(f).kind);
  // What the app has in dev itself, the preview leaves out.
  expect(files).toContain('dev/apps/backend/horizontalpodautoscaler-backend.yaml');
  expect(files).toContain('dev/apps/backend/job-backend-migrate.yaml');
  expect(kinds).not.toContain('ExternalSecret');
  expect(kinds).not.toContain('SecretStore');
  expect(kinds).not.toContain('HorizontalPodAutoscaler');
  expect(kinds).not.toContain('Job');
  expect(kinds).toEqual(expect.arrayContaining(['Namespace', 'ResourceQuota', 'LimitRange', 'NetworkPolicy', 'Deployment', 'Service']));
  expect(doc(`${dir}app/serviceaccount-backend.yaml`).metadata.annotations?.['iam.gke.io/gcp-service-account']).toBeUndefined();
  const deployment = doc(`${dir}app/deployment-backend.yaml`);
  expect(deployment.spec.replicas).toBe(1);
  expect(JSON.stringify(deployment)).not.toContain('secretKeyRef');
  expect(doc(`${dir}namespace/resourcequota-team-quota.yaml`).spec.hard).toMatchObject({ 'requests.cpu': '1', 'requests.memory': '2Gi', 'pods': 10 });
  expect(doc(`${dir}namespace/namespace-preview-backend.yaml`).metadata.labels).toMatchObject({ 'platform.example.com/preview': 'true', 'pod-security.kubernetes.io/enforce': 'restricted' });
});

test('a preview\'s Ingress has its own host and no static address or certificate', () => {
  const ingress = doc('dev/previews/web/app/ingress-web.yaml');
  expect(ingress.metadata.annotations).toBeUndefined();
});

test('in the previews\' environment, the apps a preview calls admit it; elsewhere they do not', () => {
  const from = (env: string) => doc(`${env}/apps/backend/networkpolicy-backend.yaml`).spec.ingress[0].from;
  expect(from('dev')).toContainEqual({
    namespaceSelector: { matchLabels: { 'platform.example.com/preview': 'true' } },
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
  });
  expect(JSON.stringify(from('staging'))).not.toContain('preview');
  expect(JSON.stringify(from('prod'))).not.toContain('preview');
});

test('the preview AppProjects admit only pr- namespaces on the previews\' cluster, through a listed built-in exemption', () => {
  for (const name of ['preview', 'preview-namespaces']) {
    expect(doc(`dev/argocd/appproject-${name}.yaml`).spec.destinations).toEqual([{ name: 'test-dev', namespace: 'pr-*' }]);
  }
  expect(rendered.guardrails.exempted.filter((e) => e.rule === 'argocd-project-no-wildcards').map((e) => `${e.environment}/${e.name}`).sort())
    .toEqual(['dev/preview', 'dev/preview-namespaces']);
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

test('apps named x and x-namespace both get previews (the namespace part is named with a dot, which no app name holds)', () => {
  const spec = testPlatform({
    apps: [service('web'), service('web-namespace')],
    environments: [environment('dev', ['web', 'web-namespace'], { previews: { github: { owner: 'acme', repo: 'platform', tokenSecret: 'gh' }, domain: 'preview.example.com' } })],
  });
  const names = renderPlatform({ platform: spec }).objects.filter((o) => o.manifest.kind === 'ApplicationSet').map((o) => o.manifest.metadata.name).sort();
  expect(names).toEqual(['preview-web', 'preview-web-namespace', 'preview-web-namespace.namespace', 'preview-web.namespace']);
});
