import { ApiObject, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { REMOTE_REF_DEFAULTS, RenderError, RenderedObject } from '../../src/k8s';
import { PlatformValidationError } from '../../src/model';
import { extensions, platform } from '../../src/platform';
import { renderPlatform } from '../../src/synth';
import { platform as testPlatform, service } from '../fixtures';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const rendered = renderPlatform({ platform, extensions });
/** The environments' own objects; pull-request previews are tested in test/delivery/previews.test.ts. */
const objects = rendered.objects.filter((o) => !o.file.startsWith('previews/'));
const inEnv = (env: string) => objects.filter((o) => o.environment === env);
const ofKind = (list: readonly RenderedObject[], kind: string) => list.filter((o) => o.manifest.kind === kind);
const m = (o: RenderedObject): Json => o.manifest;
/** Long-running workloads: Deployments, and Rollouts where a canary or blue-green is declared. */
const workloads = (list: readonly RenderedObject[]) => list.filter((o) => o.manifest.kind === 'Deployment' || o.manifest.kind === 'Rollout');

/** Every pod template with the object it belongs to. */
function podTemplates(list: readonly RenderedObject[]): { owner: RenderedObject; pod: Json }[] {
  return list.flatMap((o) => {
    const spec = m(o).spec;
    switch (o.manifest.kind) {
      case 'Deployment': case 'Rollout': case 'Job': return [{ owner: o, pod: spec.template.spec }];
      case 'CronJob': return [{ owner: o, pod: spec.jobTemplate.spec.template.spec }];
      default: return [];
    }
  });
}

const where = (o: RenderedObject) => `${o.environment}/${o.file}`;

describe('the example platform', () => {
  test('renders dev, staging and prod, each with at least five apps of every workload kind', () => {
    expect(rendered.resolved.environments.map((e) => e.name)).toEqual(['dev', 'staging', 'prod']);
    for (const env of rendered.resolved.environments) {
      expect(env.apps.length).toBeGreaterThanOrEqual(5);
      expect(new Set(env.apps.map((a) => a.kind))).toEqual(new Set(['service', 'worker', 'cron-job', 'migration']));
      expect(new Set(env.apps.map((a) => a.team)).size).toBeGreaterThanOrEqual(2);
    }
  });

  test('every pod meets the restricted profile and has requests and limits', () => {
    const pods = podTemplates(objects);
    expect(pods.length).toBeGreaterThan(10);
    for (const { owner, pod } of pods) {
      const context = where(owner);
      expect({ context, hostNetwork: pod.hostNetwork, hostPID: pod.hostPID, hostIPC: pod.hostIPC }).toEqual({ context });
      expect({ context, sc: pod.securityContext }).toMatchObject({ context, sc: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } });
      expect((pod.volumes ?? []).filter((v: Json) => v.hostPath)).toEqual([]);
      for (const c of pod.containers) {
        expect({ context, sc: c.securityContext }).toEqual({
          context,
          sc: expect.objectContaining({
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          }),
        });
        expect(c.securityContext.runAsUser).toBeGreaterThan(0);
        expect({ context, resources: c.resources }).toEqual({
          context,
          resources: {
            requests: { cpu: expect.any(String), memory: expect.any(String) },
            limits: { cpu: expect.any(String), memory: expect.any(String) },
          },
        });
        expect((c.ports ?? []).filter((p: Json) => p.hostPort)).toEqual([]);
        expect(c.image).toMatch(/:[\w.-]+(@sha256:[a-f0-9]{64})?$/);
        expect(c.image).not.toMatch(/:latest(@|$)/);
      }
    }
  });

  test('every long-running pod has readiness and liveness probes; job pods run to completion', () => {
    for (const { owner, pod } of podTemplates(objects)) {
      for (const c of pod.containers) {
        if (owner.manifest.kind === 'Deployment' || owner.manifest.kind === 'Rollout') {
          const probes = { at: where(owner), readiness: !!c.readinessProbe, liveness: !!c.livenessProbe };
          expect(probes).toEqual({ at: where(owner), readiness: true, liveness: true });
        } else {
          expect({ at: where(owner), restartPolicy: pod.restartPolicy }).toEqual({ at: where(owner), restartPolicy: 'Never' });
        }
      }
    }
  });

  test('prod images are pinned to digests', () => {
    for (const { owner, pod } of podTemplates(inEnv('prod'))) {
      const image = { at: where(owner), image: pod.containers[0].image };
      expect(image).toEqual({ at: where(owner), image: expect.stringMatching(/@sha256:[a-f0-9]{64}$/) });
    }
  });

  test('prod runs at least two replicas of every service and worker, with an autoscaler, a disruption budget and zone spread', () => {
    const prod = inEnv('prod');
    const deployments = workloads(prod);
    expect(deployments.length).toBeGreaterThanOrEqual(4);
    for (const d of deployments) {
      const name = d.manifest.metadata.name;
      const hpa = ofKind(prod, 'HorizontalPodAutoscaler').find((h) => m(h).spec.scaleTargetRef.name === name);
      expect({ name, minReplicas: hpa && m(hpa).spec.minReplicas >= 2 }).toEqual({ name, minReplicas: true });
      // The autoscaler owns the replica count: Argo CD must not reset it.
      expect(m(d).spec.replicas).toBeUndefined();
      const pdb = ofKind(prod, 'PodDisruptionBudget').find((p) => p.manifest.metadata.name === name);
      expect(m(pdb!).spec.selector.matchLabels).toEqual(m(d).spec.selector.matchLabels);
      expect(m(pdb!).spec.maxUnavailable).toBeGreaterThanOrEqual(1);
      const spread = m(d).spec.template.spec.topologySpreadConstraints;
      expect(spread).toContainEqual(expect.objectContaining({ topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' }));
    }
  });

  test('no Secret with data is rendered except the credential-free cluster registration', () => {
    const secrets = ofKind(objects, 'Secret');
    expect(secrets.map(where)).toEqual([
      'dev/bootstrap/secret-cluster-acme-dev.yaml', 'staging/bootstrap/secret-cluster-acme-staging.yaml', 'prod/bootstrap/secret-cluster-acme-prod.yaml',
    ]);
    for (const s of secrets) {
      expect(m(s).data).toBeUndefined();
      expect(Object.keys(m(s).stringData).sort()).toEqual(['name', 'server']);
    }
  });

  test('every secret reference becomes an ExternalSecret read through the app\'s own SecretStore and identity', () => {
    const ordersApi = rendered.resolved.environments[0].apps.find((a) => a.name === 'orders-api')!;
    expect(ordersApi.secrets.length).toBeGreaterThan(0);
    for (const env of rendered.resolved.environments) {
      for (const app of env.apps) {
        for (const secret of app.secrets) {
          const es = objects.find((o) => o.environment === env.name && o.manifest.kind === 'ExternalSecret' && o.manifest.metadata.name === secret.kubernetesSecretName)!;
          expect(m(es).spec.data).toEqual([{ secretKey: 'value', remoteRef: { key: secret.secretId, version: 'latest', ...REMOTE_REF_DEFAULTS } }]);
          const store = objects.find((o) => o.environment === env.name && o.manifest.kind === 'SecretStore' && o.manifest.metadata.name === m(es).spec.secretStoreRef.name)!;
          expect(m(store).spec.provider.gcpsm.auth.workloadIdentity.serviceAccountRef.name).toBe(app.serviceAccountName);
          expect(m(store).spec.provider.gcpsm.projectID).toBe(env.gcpProject);
          const sa = objects.find((o) => o.environment === env.name && o.manifest.kind === 'ServiceAccount' && o.manifest.metadata.name === app.serviceAccountName)!;
          expect(m(sa).metadata.annotations['iam.gke.io/gcp-service-account']).toBe(app.identity!.email);
        }
      }
    }
  });

  test('names are the ones a person would write; only the config map carries a hash', () => {
    for (const o of objects) {
      const name = o.manifest.metadata.name;
      if (o.manifest.kind === 'ConfigMap' && !o.file.startsWith('argocd-config/')) {
        expect(name).toMatch(/^[a-z0-9-]+-config-[0-9a-f]{10}$/);
      } else {
        expect({ file: where(o), name }).not.toEqual({ file: where(o), name: expect.stringMatching(/-[0-9a-f]{8,}$/) });
      }
      expect(JSON.stringify(o.manifest)).not.toContain('cdk8s.io');
    }
    expect(workloads(inEnv('prod')).map((d) => d.manifest.metadata.name).sort()).toEqual(['catalog-api', 'orders-api', 'orders-worker', 'prometheus-frontend', 'storefront-web']);
  });

  test('every object carries the managed-by and environment labels; app objects carry app.kubernetes.io/name and team', () => {
    for (const o of objects) {
      const labels = (o.manifest.metadata.labels ?? {}) as Record<string, string>;
      expect({ file: where(o), managedBy: labels['app.kubernetes.io/managed-by'], env: labels['platform.acme.example/environment'] })
        .toEqual({ file: where(o), managedBy: 'platform-definition', env: o.environment });
      if (o.app) {
        expect({ file: where(o), name: typeof labels['app.kubernetes.io/name'], team: typeof labels['platform.acme.example/team'] })
          .toEqual({ file: where(o), name: 'string', team: 'string' });
      }
    }
  });

  test('every Service selects the pods of a workload in its namespace', () => {
    for (const svc of ofKind(objects, 'Service')) {
      const selector = m(svc).spec.selector;
      const match = workloads(inEnv(svc.environment)).find((d) => d.manifest.metadata.namespace === svc.manifest.metadata.namespace
        && Object.entries(selector).every(([k, v]) => m(d).spec.template.metadata.labels[k] === v));
      expect({ service: where(svc), matched: !!match }).toEqual({ service: where(svc), matched: true });
    }
  });

  test('every pod is selected by its namespace\'s default deny and by its own NetworkPolicy', () => {
    for (const { owner } of podTemplates(objects)) {
      const env = inEnv(owner.environment);
      const ns = owner.manifest.metadata.namespace;
      const policies = ofKind(env, 'NetworkPolicy').filter((p) => p.manifest.metadata.namespace === ns);
      expect(policies.some((p) => p.manifest.metadata.name === 'default-deny' && Object.keys(m(p).spec.podSelector).length === 0)).toBe(true);
      const labels = owner.manifest.kind === 'CronJob' ? m(owner).spec.jobTemplate.spec.template.metadata.labels : m(owner).spec.template.metadata.labels;
      const own = policies.find((p) => p.manifest.metadata.name === owner.manifest.metadata.name)!;
      expect(Object.entries(m(own).spec.podSelector.matchLabels).every(([k, v]) => labels[k] === v)).toBe(true);
    }
  });

  test('declared calls are allowed on both sides, and nothing else between apps', () => {
    // staging: no pull-request previews (in dev, callees also admit their callers' previews: test/delivery/previews.test.ts)
    const staging = inEnv('staging');
    const policy = (name: string) => m(ofKind(staging, 'NetworkPolicy').find((p) => p.manifest.metadata.name === name)!).spec;
    const egressTo = (name: string) => policy(name).egress?.flatMap((r: Json) => r.to.map((t: Json) => t.podSelector?.matchLabels?.['app.kubernetes.io/name'])).filter(Boolean) ?? [];
    const ingressFrom = (name: string) => policy(name).ingress?.flatMap((r: Json) => r.from.map((t: Json) => t.podSelector?.matchLabels?.['app.kubernetes.io/name'])).filter(Boolean) ?? [];
    expect(egressTo('storefront-web').sort()).toEqual(['catalog-api', 'orders-api']);
    expect(ingressFrom('orders-api').sort()).toEqual(['orders-worker', 'sales-report', 'storefront-web']);
    expect(ingressFrom('catalog-api')).toEqual(['storefront-web']);
    expect(ingressFrom('orders-worker')).toEqual([]);
  });

  test('a call limited to some ports is allowed on those ports only; callers of the same ports share one ingress rule', () => {
    const api = service('api', { ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }] });
    const spec = testPlatform({
      apps: [
        api,
        service('admin', { calls: ['api'] }),
        service('batch', { calls: [{ app: 'api', ports: ['http'] }] }),
        service('web', { calls: [{ app: 'api', ports: ['http'] }] }),
      ],
    });
    const out = renderPlatform({ platform: spec, today: '2026-11-22' });
    const policy = (name: string) => m(out.objects.find((o) => o.manifest.kind === 'NetworkPolicy' && o.manifest.metadata.name === name)!).spec;
    const from = (rule: Json) => rule.from.map((f: Json) => f.podSelector.matchLabels['app.kubernetes.io/name']);
    const callerRules = policy('api').ingress.filter((r: Json) => r.from.some((f: Json) => f.podSelector));
    expect(callerRules.map((r: Json) => ({ from: from(r), ports: r.ports.map((p: Json) => p.port) }))).toEqual([
      { from: ['admin'], ports: [8080, 9090] },
      { from: ['batch', 'web'], ports: [8080] },
    ]);
    const egressToApi = (name: string) => policy(name).egress.find((r: Json) => r.to[0].podSelector?.matchLabels['app.kubernetes.io/name'] === 'api');
    expect(egressToApi('web').ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    expect(egressToApi('admin').ports.map((p: Json) => p.port)).toEqual([8080, 9090]);
  });

  test('an app reaches the endpoints it declares, with each environment\'s address, and nothing else outside the cluster', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const egress = (name: string) => m(ofKind(inEnv(env), 'NetworkPolicy').find((p) => p.manifest.metadata.name === name)!).spec.egress ?? [];
      expect(egress('orders-api')).toContainEqual({ to: [{ ipBlock: { cidr: '10.60.0.0/24' } }], ports: [{ port: 5432, protocol: 'TCP' }] });
      expect(JSON.stringify(egress('orders-worker'))).not.toContain('10.60.0.0/24');
    }
    const preview = rendered.objects.find((o) => o.file === 'previews/orders-api/namespace/networkpolicy-orders-api.yaml')!;
    expect(JSON.stringify(m(preview).spec.egress ?? [])).not.toContain('10.60.0.0/24');
  });

  test('the public web app has its own host in every environment', () => {
    const hosts = ofKind(objects, 'Ingress').map((i) => `${i.environment}:${m(i).spec.rules[0].host}`);
    expect(hosts).toEqual(['dev:shop.dev.acme.example', 'staging:shop.staging.acme.example', 'prod:shop.acme.example']);
  });

  test('a config change renames the config map, and the pods follow it', () => {
    const web = ofKind(inEnv('dev'), 'Deployment').find((d) => d.manifest.metadata.name === 'storefront-web')!;
    const cm = ofKind(inEnv('dev'), 'ConfigMap').find((c) => c.app === 'storefront-web')!;
    expect(m(web).spec.template.spec.volumes).toContainEqual({ name: 'config', configMap: { name: cm.manifest.metadata.name } });
    expect(m(cm).immutable).toBe(true);
    expect(m(cm).data['features.yaml']).toContain('recommendations: true');
  });

  test('the schema migration is a PreSync hook in the Application of the app it migrates, with its support objects', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const hookObjects = inEnv(env).filter((o) => m(o).metadata.labels?.['app.kubernetes.io/name'] === 'orders-db-migrate');
      expect(hookObjects.map((o) => o.manifest.kind).sort()).toEqual(['ExternalSecret', 'Job', 'NetworkPolicy', 'SecretStore', 'ServiceAccount']);
      for (const o of hookObjects) {
        expect(o.file.startsWith('apps/orders-api/')).toBe(true);
        expect((o.manifest.metadata as Json).annotations['argocd.argoproj.io/hook']).toBe('PreSync');
        // Recreated for each sync; deleted when the sync succeeded (the migration's credentials do not stay), kept when it failed.
        expect((o.manifest.metadata as Json).annotations['argocd.argoproj.io/hook-delete-policy'].split(',').sort()).toEqual(['BeforeHookCreation', 'HookSucceeded']);
      }
      const job = hookObjects.find((o) => o.manifest.kind === 'Job')!;
      expect(Number((job.manifest.metadata as Json).annotations['argocd.argoproj.io/sync-wave']))
        .toBeGreaterThan(Math.max(...hookObjects.filter((o) => o !== job).map((o) => Number((o.manifest.metadata as Json).annotations['argocd.argoproj.io/sync-wave']))));
    }
    expect(ofKind(objects, 'Application').map((a) => a.manifest.metadata.name)).not.toContain('orders-db-migrate');
  });

  test('namespaces and config come before workloads (sync waves)', () => {
    const wave = (o: RenderedObject) => Number((o.manifest.metadata as Json).annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
    const teamObjects = objects.filter((x) => x.file.startsWith('apps/') || x.file.startsWith('teams/'));
    for (const o of teamObjects.filter((x) => !(x.manifest.metadata as Json).annotations?.['argocd.argoproj.io/hook'])) {
      if (['Namespace', 'ServiceAccount', 'ConfigMap', 'SecretStore', 'ExternalSecret'].includes(o.manifest.kind)) expect(wave(o)).toBeLessThan(0);
      if (['Deployment', 'Rollout', 'CronJob'].includes(o.manifest.kind)) expect(wave(o)).toBe(0);
    }
    const argo = inEnv('prod').filter((o) => o.file.startsWith('argocd/'));
    const projects = argo.filter((o) => o.manifest.kind === 'AppProject').map(wave);
    expect(projects.length).toBeGreaterThan(1);
    const teamsApp = argo.find((o) => o.manifest.metadata.name === 'platform-teams')!;
    const apps = argo.filter((o) => o.manifest.kind === 'Application' && m(o).spec.project !== 'platform').map(wave);
    expect(Math.max(...projects)).toBeLessThan(wave(teamsApp));
    expect(wave(teamsApp)).toBeLessThan(Math.min(...apps));
  });

  test('one Application per app per environment, on that environment\'s cluster, path and sync policy', () => {
    for (const env of rendered.resolved.environments) {
      const apps = ofKind(inEnv(env.name), 'Application').filter((a) => a.file.startsWith('argocd/') && m(a).spec.project !== 'platform');
      const expected = env.apps.filter((a) => a.kind !== 'migration');
      expect(apps.map((a) => a.manifest.metadata.name).sort()).toEqual(expected.map((a) => a.name).sort());
      for (const a of apps) {
        const app = expected.find((x) => x.name === a.manifest.metadata.name)!;
        expect(m(a).spec).toMatchObject({
          project: app.team,
          source: { path: `dist/${env.name}/apps/${app.name}`, repoURL: 'https://github.com/acme/platform.git' },
          destination: { name: env.cluster.name, namespace: app.namespace },
          syncPolicy: { automated: { prune: true, selfHeal: true }, retry: { limit: expect.any(Number), backoff: expect.any(Object) } },
        });
        expect(rendered.files.has(`${env.name}/apps/${app.name}/serviceaccount-${app.name}.yaml`)).toBe(true);
      }
    }
  });

  test('team AppProjects are restricted to this repo, their namespaces on their cluster, and namespaced kinds', () => {
    for (const p of ofKind(objects, 'AppProject').filter((o) => !['platform', 'preview', 'preview-namespaces'].includes(o.manifest.metadata.name))) {
      const env = rendered.resolved.environments.find((e) => e.name === p.environment)!;
      const team = env.teams.find((t) => t.name === p.manifest.metadata.name)!;
      expect(m(p).spec.sourceRepos).toEqual(['https://github.com/acme/platform.git']);
      expect(m(p).spec.destinations).toEqual(team.namespaces.map((namespace) => ({ name: env.cluster.name, namespace })));
      expect(m(p).spec.clusterResourceWhitelist).toEqual([]);
      expect(JSON.stringify(m(p).spec.destinations)).not.toContain('*');
    }
    for (const a of ofKind(objects, 'Application')) expect(m(a).spec.project).not.toBe('default');
  });

  test('the root Application points Argo CD at dist/<env>/argocd', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const root = inEnv(env).find((o) => o.file === 'bootstrap/application-root.yaml')!;
      expect(m(root).spec.source.path).toBe(`dist/${env}/argocd`);
      expect(m(root).spec.project).toBe('platform');
    }
  });

  test('each team namespace has a quota, container defaults, its group\'s role and default deny; prod teams only view', () => {
    for (const env of rendered.resolved.environments) {
      for (const team of env.teams) {
        for (const ns of team.namespaces) {
          const dir = `${env.name}/teams/${team.name}/${ns}/`;
          const files = [...rendered.files.keys()].filter((f) => f.startsWith(dir)).map((f) => f.slice(dir.length)).sort();
          expect(files).toEqual([
            'limitrange-container-defaults.yaml', `namespace-${ns}.yaml`, 'networkpolicy-allow-dns.yaml', 'networkpolicy-default-deny.yaml',
            'resourcequota-team-quota.yaml', `rolebinding-${team.name}-${env.tier.isProduction ? 'view' : 'edit'}.yaml`,
          ]);
        }
      }
    }
  });
});

describe('the escape hatch', () => {
  const spec = testPlatform({ apps: [service('web')] });

  test('adds an app\'s own constructs to its directory, in its namespace', () => {
    const out = renderPlatform({
      platform: spec,
      extensions: { web: (scope) => { new k8s.KubeConfigMap(scope, 'extra', { metadata: { name: 'web-extra' }, data: { a: 'b' } }); } },
    });
    const extra = out.objects.find((o) => o.manifest.metadata.name === 'web-extra')!;
    expect(extra.file).toBe('apps/web/configmap-web-extra.yaml');
    expect(extra.manifest.metadata.namespace).toBe('alpha');
    expect(extra.source).toBe('app-web/extra');
  });

  test('can patch and label the objects the renderer declares', () => {
    const out = renderPlatform({
      platform: spec,
      extensions: {
        web: (scope) => {
          const deployment = scope.node.findChild('deployment') as ApiObject;
          deployment.addJsonPatch(JsonPatch.add('/spec/minReadySeconds', 10));
          deployment.metadata.addLabel('example.com/tier', 'gold');
        },
      },
    });
    const deployment = out.objects.find((o) => o.environment === 'dev' && o.manifest.kind === 'Deployment')!.manifest as Json;
    expect(deployment.spec.minReadySeconds).toBe(10);
    expect(deployment.metadata.labels['example.com/tier']).toBe('gold');
    expect(deployment.spec.template.spec.containers).toHaveLength(1);
  });

  test('an extension that throws fails the render with the environment and the app', () => {
    expect(() => renderPlatform({ platform: spec, extensions: { web: () => { throw new Error('boom'); } } }))
      .toThrow(new RenderError(['[dev] extensions.web threw: boom']));
  });

  test('an object without a name is refused with its construct path', () => {
    expect(() => renderPlatform({ platform: spec, extensions: { web: (scope) => { new k8s.KubeConfigMap(scope, 'nameless', { metadata: { name: '' } }); } } }))
      .toThrow(/\[dev\] app-web\/nameless: every object needs a kind and metadata.name/);
  });

  test('two objects with one name are refused', () => {
    expect(() => renderPlatform({ platform: spec, extensions: { web: (scope) => { new k8s.KubeServiceAccount(scope, 'again', { metadata: { name: 'web' } }); } } }))
      .toThrow(/ServiceAccount "web" is rendered twice/);
  });

  test('an extension for an unknown app is refused with a suggestion', () => {
    expect(() => renderPlatform({ platform: spec, extensions: { wbe: () => undefined } })).toThrow(PlatformValidationError);
    expect(() => renderPlatform({ platform: spec, extensions: { wbe: () => undefined } })).toThrow(/extensions.wbe: extends an app that is not deployed in any environment \(received "wbe"\); fix the key \(did you mean "web"\?\)/);
  });
});
