import { ApiObject, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { KUBERNETES_RULES, runGuardrails } from '../../src/guardrails';
import { REMOTE_REF_DEFAULTS, RenderError, RenderedObject } from '../../src/k8s';
import { PlatformValidationError } from '../../src/model';
import { renderPlatform } from '../../src/synth';
import {
  DIGEST, cronJob, devEnv, fullPlatform, manifest, manifests, migration, pipeline, platform as testPlatform, prodEnv,
  publicService, render, secretReader, service, stagingEnv, team, worker,
} from '../fixtures';
import { environmentObjects, podTemplates, restrictedProfileProblems, where } from '../properties';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const m = (o: RenderedObject): Json => o.manifest;
/** Long-running workloads: Deployments, and Rollouts where a canary or blue-green is declared. */
const workloads = (list: readonly RenderedObject[]) => list.filter((o) => o.manifest.kind === 'Deployment' || o.manifest.kind === 'Rollout');
const NO_SCHEMA = { validate: () => [] };
const wave = (o: RenderedObject) => Number(m(o).metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);

/** Rendered once: every workload kind, public exposure, secrets, calls, an endpoint, previews; dev, staging and prod. */
const full = render(fullPlatform());
const fullObjects = environmentObjects(full);

describe('workloads', () => {
  test('each workload kind renders its own objects: a Deployment and a Service, a Deployment, a CronJob, a PreSync Job', () => {
    // GIVEN one app of each kind
    const apps = [service('web'), worker('queue'), cronJob('nightly'), migration('web-migrate', 'web')];
    // WHEN rendered
    const out = render(testPlatform({ apps, environments: [devEnv(apps)] }));
    // THEN each has the workload of its kind, under its own name
    const kinds = (app: string) => out.objects
      .filter((o) => m(o).metadata.labels?.['app.kubernetes.io/name'] === app && ['Deployment', 'Service', 'CronJob', 'Job', 'Rollout'].includes(o.manifest.kind))
      .map((o) => `${o.manifest.kind} ${o.manifest.metadata.name}`).sort();
    expect(kinds('web')).toEqual(['Deployment web', 'Service web']);
    expect(kinds('queue')).toEqual(['Deployment queue']);
    expect(kinds('nightly')).toEqual(['CronJob nightly']);
    expect(kinds('web-migrate')).toEqual(['Job web-migrate']);
  });

  test('every pod meets the restricted Pod Security profile', () => {
    expect(podTemplates(full.objects).length).toBeGreaterThanOrEqual(4 * 3);
    expect(restrictedProfileProblems(full.objects)).toEqual([]);
  });

  test('the restricted-profile property notices a pod that breaks it', () => {
    // A check on the check used on the example platform.
    const broken: RenderedObject[] = JSON.parse(JSON.stringify(fullObjects));
    const { pod } = podTemplates(broken)[0];
    pod.hostNetwork = true;
    pod.containers[0].securityContext.capabilities = { drop: ['NET_RAW'], add: ['SYS_ADMIN'] };
    expect(restrictedProfileProblems(broken)).toEqual([
      expect.stringContaining(': hostNetwork'),
      expect.stringContaining('capabilities do not drop ALL'),
      expect.stringContaining('adds capability SYS_ADMIN'),
    ]);
  });

  test('every container runs as a non-root user with a read-only root file system, and sets requests and limits', () => {
    for (const { owner, pod } of podTemplates(full.objects)) {
      for (const c of pod.containers) {
        const context = `${where(owner)} ${c.name}`;
        expect({ context, readOnly: c.securityContext.readOnlyRootFilesystem, privileged: c.securityContext.privileged })
          .toEqual({ context, readOnly: true, privileged: false });
        expect(c.securityContext.runAsUser).toBeGreaterThan(0);
        expect({ context, resources: c.resources }).toEqual({
          context,
          resources: {
            requests: { cpu: expect.any(String), memory: expect.any(String) },
            limits: { cpu: expect.any(String), memory: expect.any(String) },
          },
        });
      }
    }
  });

  test('long-running pods have readiness and liveness probes; job pods run to completion', () => {
    const pods = podTemplates(full.objects);
    expect(new Set(pods.map((p) => p.owner.manifest.kind))).toEqual(new Set(['Deployment', 'Rollout', 'CronJob', 'Job']));
    for (const { owner, pod } of pods) {
      const c = pod.containers[0];
      if (owner.manifest.kind === 'Deployment' || owner.manifest.kind === 'Rollout') {
        expect({ at: where(owner), readiness: !!c.readinessProbe, liveness: !!c.livenessProbe })
          .toEqual({ at: where(owner), readiness: true, liveness: true });
      } else {
        expect({ at: where(owner), restartPolicy: pod.restartPolicy }).toEqual({ at: where(owner), restartPolicy: 'Never' });
      }
    }
  });

  test('images carry the release\'s tag, and in production its digest too', () => {
    // GIVEN web at 1.0.0 in dev, and at 1.0.0 with a digest in prod
    const out = render(testPlatform({ environments: [devEnv(['web']), prodEnv(['web'])] }));
    // THEN dev runs the tag, prod the digest
    const image = (env: string) => manifest(out, env, 'Deployment', 'web').spec.template.spec.containers[0].image;
    expect(image('dev')).toBe('registry.example.com/apps/web:1.0.0');
    expect(image('prod')).toBe(`registry.example.com/apps/web:1.0.0@${DIGEST}`);
  });
});

describe('production', () => {
  const productionReplicas = KUBERNETES_RULES.find((r) => r.id === 'production-replicas')!;
  /** The violations of the guardrail's own production-replicas rule: the one statement of the rule. */
  const replicaViolations = (out: ReturnType<typeof render>) =>
    runGuardrails(out.objects, { platform: out.resolved, rules: [productionReplicas], terraformRules: [], schema: NO_SCHEMA }).violations;

  test('an autoscaled app gets an autoscaler from its minimum to its maximum, which owns the replica count', () => {
    // GIVEN web autoscaled from 3 to 6 in prod
    const out = render(testPlatform({ environments: [prodEnv(['web'], { apps: { web: { autoscaling: { minReplicas: 3, maxReplicas: 6 } } } })] }));
    // THEN an autoscaler targets it, and the Deployment leaves replicas to it (Argo CD must not reset them)
    const hpa = manifest(out, 'prod', 'HorizontalPodAutoscaler', 'web');
    expect(hpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 6, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } });
    expect(manifest(out, 'prod', 'Deployment', 'web').spec.replicas).toBeUndefined();
    expect(replicaViolations(out)).toEqual([]);
  });

  test('a fixed replica count is rendered as declared, and two replicas meet the production-replicas rule', () => {
    // GIVEN web at two replicas in prod, no autoscaling (what the README's add-app how-to leads to)
    const out = render(testPlatform({ environments: [prodEnv(['web'], { apps: { web: { replicas: 2 } } })] }));
    expect(manifest(out, 'prod', 'Deployment', 'web').spec.replicas).toBe(2);
    expect(manifests(out, 'prod', 'HorizontalPodAutoscaler')).toEqual([]);
    expect(replicaViolations(out)).toEqual([]);
  });

  test('one replica in production is refused before anything renders, where it is declared', () => {
    const spec = testPlatform({ environments: [prodEnv(['web'], { apps: { web: { replicas: 1 } } })] });
    expect(() => render(spec)).toThrow(/apps\.web\.replicas in prod: must be at least 2 in production .*\(received 1\)/);
  });

  test('every long-running workload has a disruption budget that selects its pods and allows a disruption', () => {
    const prod = fullObjects.filter((o) => o.environment === 'prod');
    expect(workloads(prod).map((d) => d.manifest.metadata.name).sort()).toEqual(['backend', 'frontend', 'queue-worker']);
    for (const d of workloads(prod)) {
      const pdb = prod.find((p) => p.manifest.kind === 'PodDisruptionBudget' && p.manifest.metadata.name === d.manifest.metadata.name)!;
      expect(m(pdb).spec.selector.matchLabels).toEqual(m(d).spec.selector.matchLabels);
      expect(m(pdb).spec.maxUnavailable).toBeGreaterThanOrEqual(1);
    }
  });

  test('replicas must spread across zones in production; elsewhere they only prefer to', () => {
    const zone = (env: string, kind: string, name: string) => manifest(full, env, kind, name).spec.template.spec.topologySpreadConstraints
      .find((c: Json) => c.topologyKey === 'topology.kubernetes.io/zone');
    for (const [kind, name] of [['Rollout', 'frontend'], ['Rollout', 'backend'], ['Deployment', 'queue-worker']]) {
      expect(zone('prod', kind, name)).toMatchObject({ whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { 'app.kubernetes.io/name': name } } });
    }
    expect(zone('dev', 'Deployment', 'queue-worker').whenUnsatisfiable).toBe('ScheduleAnyway');
  });
});

describe('secrets', () => {
  test('no Secret with data is rendered; each environment\'s cluster registration holds only its name and server', () => {
    const secrets = fullObjects.filter((o) => o.manifest.kind === 'Secret');
    expect(secrets.map(where)).toEqual(['dev/bootstrap/secret-cluster-test-dev.yaml', 'staging/bootstrap/secret-cluster-test-staging.yaml', 'prod/bootstrap/secret-cluster-test-prod.yaml']);
    for (const s of secrets) {
      expect(m(s).data).toBeUndefined();
      expect(Object.keys(m(s).stringData).sort()).toEqual(['name', 'server']);
    }
  });

  test('a secret reference becomes an ExternalSecret read through the app\'s own SecretStore and Workload Identity', () => {
    // GIVEN an app that reads db-password
    const out = render(testPlatform({ apps: [secretReader('reader')] }));
    // THEN an ExternalSecret reads the app's Secret Manager secret through a store of its own, as the app's Google account
    const es = manifest(out, 'dev', 'ExternalSecret', 'reader-db-password');
    expect(es.spec.data).toEqual([{ secretKey: 'value', remoteRef: { key: 'reader-db-password', version: 'latest', ...REMOTE_REF_DEFAULTS } }]);
    const store = manifest(out, 'dev', 'SecretStore', es.spec.secretStoreRef.name);
    expect(store.spec.provider.gcpsm).toMatchObject({ projectID: 'test-dev-project', auth: { workloadIdentity: { serviceAccountRef: { name: 'reader' } } } });
    expect(manifest(out, 'dev', 'ServiceAccount', 'reader').metadata.annotations['iam.gke.io/gcp-service-account']).toBe('reader@test-dev-project.iam.gserviceaccount.com');
    // AND the container reads the synced Secret, never a value
    expect(manifest(out, 'dev', 'Deployment', 'reader').spec.template.spec.containers[0].env)
      .toContainEqual({ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'reader-db-password', key: 'value' } } });
  });
});

describe('names and labels', () => {
  test('objects are named as a person would name them; only an app\'s config map carries a content hash', () => {
    for (const o of fullObjects) {
      const name = o.manifest.metadata.name;
      if (o.manifest.kind === 'ConfigMap' && o.app) expect(name).toMatch(/^[a-z0-9-]+-config-[0-9a-f]{10}$/);
      else expect({ file: where(o), name }).not.toEqual({ file: where(o), name: expect.stringMatching(/-[0-9a-f]{8,}$/) });
      expect(JSON.stringify(o.manifest)).not.toContain('cdk8s.io');
    }
  });

  test('a workload is named after its app, whatever renders it', () => {
    // GIVEN a canary, a blue-green and a worker in prod; THEN their workloads carry the apps' names
    expect(workloads(fullObjects.filter((o) => o.environment === 'prod')).map((d) => `${d.manifest.kind} ${d.manifest.metadata.name}`).sort())
      .toEqual(['Deployment queue-worker', 'Rollout backend', 'Rollout frontend']);
  });

  test('every object carries the managed-by and environment labels; app objects carry the app\'s name and team', () => {
    const domain = full.resolved.labelDomain;
    expect(domain).toBe('platform.example.com');
    for (const o of fullObjects) {
      const labels = (o.manifest.metadata.labels ?? {}) as Record<string, string>;
      expect({ file: where(o), managedBy: labels['app.kubernetes.io/managed-by'], env: labels[`${domain}/environment`] })
        .toEqual({ file: where(o), managedBy: 'platform-definition', env: o.environment });
      if (o.app) {
        const app = full.resolved.environments.find((e) => e.name === o.environment)!.apps.find((a) => a.name === o.app)!;
        expect({ file: where(o), team: labels[`${domain}/team`] }).toEqual({ file: where(o), team: app.team });
        expect(labels['app.kubernetes.io/name']).toEqual(expect.any(String));
      }
    }
  });
});

describe('network policy', () => {
  test('every Service selects the pods of a workload in its namespace', () => {
    const services = fullObjects.filter((o) => o.manifest.kind === 'Service');
    expect(services.length).toBeGreaterThan(3);
    for (const svc of services) {
      const selector = m(svc).spec.selector;
      const match = workloads(fullObjects.filter((o) => o.environment === svc.environment))
        .find((d) => d.manifest.metadata.namespace === svc.manifest.metadata.namespace
        && Object.entries(selector).every(([k, v]) => m(d).spec.template.metadata.labels[k] === v));
      expect({ service: where(svc), matched: !!match }).toEqual({ service: where(svc), matched: true });
    }
  });

  test('every pod is selected by its namespace\'s default deny and by its own NetworkPolicy', () => {
    for (const { owner, labels } of podTemplates(fullObjects)) {
      const policies = fullObjects.filter((p) => p.environment === owner.environment && p.manifest.kind === 'NetworkPolicy' && p.manifest.metadata.namespace === owner.manifest.metadata.namespace);
      expect(policies.some((p) => p.manifest.metadata.name === 'default-deny' && Object.keys(m(p).spec.podSelector).length === 0)).toBe(true);
      const own = policies.find((p) => p.manifest.metadata.name === owner.manifest.metadata.name)!;
      const selected = Object.entries(m(own).spec.podSelector.matchLabels).every(([k, v]) => labels[k] === v);
      expect({ at: where(owner), selected }).toEqual({ at: where(owner), selected: true });
    }
  });

  test('declared calls are allowed on both sides, and nothing else between apps', () => {
    // GIVEN web calling api and catalog's http port, and a worker calling api (no previews)
    const apps = [
      service('api'),
      service('catalog', { ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }] }),
      service('web', { calls: ['api', { app: 'catalog', ports: ['http'] }] }),
      worker('queue', { calls: ['api'] }),
    ];
    const out = render(testPlatform({ apps, environments: [stagingEnv(apps)] }));
    const policy = (name: string) => manifest(out, 'staging', 'NetworkPolicy', name).spec;
    const egressTo = (name: string) => (policy(name).egress ?? []).flatMap((r: Json) => r.to.map((t: Json) => t.podSelector?.matchLabels?.['app.kubernetes.io/name'])).filter(Boolean);
    const ingressFrom = (name: string) => (policy(name).ingress ?? []).flatMap((r: Json) => r.from.map((t: Json) => t.podSelector?.matchLabels?.['app.kubernetes.io/name'])).filter(Boolean);
    // THEN each side admits exactly the declared calls
    expect(egressTo('web').sort()).toEqual(['api', 'catalog']);
    expect(egressTo('queue')).toEqual(['api']);
    expect(egressTo('api')).toEqual([]);
    expect(ingressFrom('api').sort()).toEqual(['queue', 'web']);
    expect(ingressFrom('catalog')).toEqual(['web']);
    expect(ingressFrom('web')).toEqual([]);
    expect(ingressFrom('queue')).toEqual([]);
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

  test('an app reaches the endpoints it declares, at each environment\'s address; other apps and its preview do not', () => {
    // GIVEN backend declaring egress to "database", at a different address in each environment (fullPlatform)
    const egress = (env: string, name: string) => JSON.stringify(manifest(full, env, 'NetworkPolicy', name).spec.egress ?? []);
    for (const [env, cidr] of [['dev', '10.10.0.0/24'], ['staging', '10.20.0.0/24'], ['prod', '10.30.0.0/24']]) {
      expect(JSON.parse(egress(env, 'backend'))).toContainEqual({ to: [{ ipBlock: { cidr } }], ports: [{ port: 5432, protocol: 'TCP' }] });
      expect(egress(env, 'queue-worker')).not.toContain('10.');
    }
    expect(egress('prod', 'backend')).not.toContain('10.10.0.0/24');
    const preview = full.objects.find((o) => o.file === 'previews/backend/namespace/networkpolicy-backend.yaml')!;
    expect(JSON.stringify(m(preview).spec.egress ?? [])).not.toContain('10.10.0.0/24');
  });
});

describe('exposure', () => {
  test('a public app is served at <subdomain>.<environment domain>, or at the host an environment sets', () => {
    // GIVEN a public app "shop" in dev and prod, prod overriding the host
    const apps = [publicService('web', 'shop'), service('api')];
    const out = render(testPlatform({ apps, environments: [devEnv(apps), prodEnv(apps, { apps: { web: { replicas: 2, host: 'shop.example.com' } } })] }));
    // THEN one Ingress per environment, for the public app only
    const hosts = out.objects.filter((o) => o.manifest.kind === 'Ingress').map((i) => `${i.environment}:${m(i).metadata.name}:${m(i).spec.rules[0].host}`);
    expect(hosts).toEqual(['dev:web:shop.dev.example.com', 'prod:web:shop.example.com']);
  });
});

describe('config files', () => {
  test('a config change renames the immutable config map, and the pods follow it', () => {
    const withConfig = (content: string) => render(testPlatform({ apps: [service('web', { configFiles: { 'features.yaml': content } })] }));
    const [before, after] = [withConfig('beta: false\n'), withConfig('beta: true\n')];
    const cm = (out: ReturnType<typeof render>) => manifests(out, 'dev', 'ConfigMap')[0];
    expect(cm(before).metadata.name).not.toBe(cm(after).metadata.name);
    for (const out of [before, after]) {
      expect(cm(out).immutable).toBe(true);
      expect(manifest(out, 'dev', 'Deployment', 'web').spec.template.spec.volumes).toContainEqual({ name: 'config', configMap: { name: cm(out).metadata.name } });
    }
    expect(cm(after).data['features.yaml']).toBe('beta: true\n');
  });
});

describe('migrations', () => {
  // GIVEN api, and its migration reading a secret and reaching the database
  const apps = [service('api'), migration('api-migrate', 'api', { secrets: [{ name: 'admin-password', envVar: 'PASSWORD' }] })];
  const out = render(testPlatform({ apps, environments: [devEnv(apps), prodEnv(apps)] }));

  test('a migration is a PreSync hook in the Application of the app it migrates, with its support objects, deleted when it succeeds', () => {
    for (const env of ['dev', 'prod']) {
      const hooks = out.objects.filter((o) => o.environment === env && m(o).metadata.labels?.['app.kubernetes.io/name'] === 'api-migrate');
      expect(hooks.map((o) => o.manifest.kind).sort()).toEqual(['ExternalSecret', 'Job', 'NetworkPolicy', 'SecretStore', 'ServiceAccount']);
      for (const o of hooks) {
        expect(o.file.startsWith('apps/api/')).toBe(true);
        expect(m(o).metadata.annotations['argocd.argoproj.io/hook']).toBe('PreSync');
        // Recreated for each sync; deleted when the sync succeeded (the migration's credentials do not stay), kept when it failed.
        expect(m(o).metadata.annotations['argocd.argoproj.io/hook-delete-policy'].split(',').sort()).toEqual(['BeforeHookCreation', 'HookSucceeded']);
      }
      const job = hooks.find((o) => o.manifest.kind === 'Job')!;
      expect(wave(job)).toBeGreaterThan(Math.max(...hooks.filter((o) => o !== job).map(wave)));
    }
  });

  test('a migration has no Application of its own', () => {
    expect(out.objects.filter((o) => o.manifest.kind === 'Application').map((a) => a.manifest.metadata.name)).not.toContain('api-migrate');
  });

  test('a migration runs the version of the app it migrates', () => {
    const image = manifest(out, 'prod', 'Job', 'api-migrate').spec.template.spec.containers[0].image;
    expect(image).toBe(`registry.example.com/apps/api:1.0.0@${DIGEST}`);
  });
});

describe('GitOps shape', () => {
  test('the teams\' namespaces and config come before their workloads (sync waves)', () => {
    const teamObjects = fullObjects.filter((x) => x.file.startsWith('apps/') || x.file.startsWith('teams/'));
    expect(teamObjects.length).toBeGreaterThan(50);
    for (const o of teamObjects.filter((x) => !m(x).metadata.annotations?.['argocd.argoproj.io/hook'])) {
      if (['Namespace', 'ServiceAccount', 'ConfigMap', 'SecretStore', 'ExternalSecret'].includes(o.manifest.kind)) expect({ at: where(o), before: wave(o) < 0 }).toEqual({ at: where(o), before: true });
      if (['Deployment', 'Rollout', 'CronJob'].includes(o.manifest.kind)) expect({ at: where(o), wave: wave(o) }).toEqual({ at: where(o), wave: 0 });
    }
  });

  test('AppProjects come before the teams\' Application, which comes before the apps\' Applications', () => {
    const argo = fullObjects.filter((o) => o.environment === 'prod' && o.file.startsWith('argocd/'));
    const projects = argo.filter((o) => o.manifest.kind === 'AppProject').map(wave);
    expect(projects.length).toBeGreaterThan(1);
    const teamsApp = argo.find((o) => o.manifest.metadata.name === 'platform-teams')!;
    const apps = argo.filter((o) => o.manifest.kind === 'Application' && m(o).spec.project !== 'platform').map(wave);
    expect(apps.length).toBe(4);
    expect(Math.max(...projects)).toBeLessThan(wave(teamsApp));
    expect(wave(teamsApp)).toBeLessThan(Math.min(...apps));
  });

  test('one Application per app per environment, on that environment\'s cluster, path and sync policy', () => {
    for (const env of full.resolved.environments) {
      const apps = fullObjects.filter((a) => a.environment === env.name && a.manifest.kind === 'Application' && a.file.startsWith('argocd/') && m(a).spec.project !== 'platform');
      expect(apps.map((a) => a.manifest.metadata.name).sort()).toEqual(['backend', 'frontend', 'nightly-report', 'queue-worker']);
      for (const a of apps) {
        const app = env.apps.find((x) => x.name === a.manifest.metadata.name)!;
        expect(m(a).spec).toMatchObject({
          project: app.team,
          source: { path: `dist/${env.name}/apps/${app.name}`, repoURL: 'https://git.example.com/platform.git' },
          destination: { name: `test-${env.name}`, namespace: app.namespace },
          syncPolicy: { automated: { prune: true, selfHeal: true }, retry: { limit: expect.any(Number), backoff: expect.any(Object) } },
        });
        expect(full.files.has(`${env.name}/apps/${app.name}/serviceaccount-${app.name}.yaml`)).toBe(true);
      }
    }
  });

  test('an app disabled in an environment has no Application and no files there', () => {
    // GIVEN api disabled in prod
    const apps = [service('web'), service('api')];
    const out = render(pipeline(apps, { prod: { apps: { web: { replicas: 2 }, api: { enabled: false } } } }));
    // THEN it runs in dev and staging only
    const runsIn = (name: string) => out.objects.filter((o) => o.manifest.kind === 'Application' && o.manifest.metadata.name === name).map((o) => o.environment);
    expect(runsIn('api')).toEqual(['dev', 'staging']);
    expect(runsIn('web')).toEqual(['dev', 'staging', 'prod']);
    expect([...out.files.keys()].filter((f) => f.startsWith('prod/apps/api/'))).toEqual([]);
  });

  test('team AppProjects are restricted to this repo, their namespaces on their cluster, and namespaced kinds', () => {
    const teams = [team('alpha', { namespaces: ['alpha', 'alpha-jobs'] }), team('beta')];
    const out = render(testPlatform({ teams, apps: [service('web'), service('api', { team: 'beta' })], environments: [devEnv(['web', 'api'])] }));
    for (const name of ['alpha', 'beta']) {
      const project = manifest(out, 'dev', 'AppProject', name);
      expect(project.spec.sourceRepos).toEqual(['https://git.example.com/platform.git']);
      expect(project.spec.clusterResourceWhitelist).toEqual([]);
    }
    expect(manifest(out, 'dev', 'AppProject', 'alpha').spec.destinations).toEqual([{ name: 'test-dev', namespace: 'alpha' }, { name: 'test-dev', namespace: 'alpha-jobs' }]);
    expect(manifest(out, 'dev', 'AppProject', 'beta').spec.destinations).toEqual([{ name: 'test-dev', namespace: 'beta' }]);
    for (const a of manifests(out, 'dev', 'Application')) expect(a.spec.project).not.toBe('default');
  });

  test('the root Application points Argo CD at dist/<env>/argocd, in the platform project', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const root = fullObjects.find((o) => o.environment === env && o.file === 'bootstrap/application-root.yaml')!;
      expect(m(root).spec.source.path).toBe(`dist/${env}/argocd`);
      expect(m(root).spec.project).toBe('platform');
    }
  });

  test('each team namespace has a quota, container defaults, its group\'s role and default deny; production teams only view', () => {
    for (const env of full.resolved.environments) {
      for (const t of env.teams) {
        for (const ns of t.namespaces) {
          const dir = `${env.name}/teams/${t.name}/${ns}/`;
          const files = [...full.files.keys()].filter((f) => f.startsWith(dir)).map((f) => f.slice(dir.length)).sort();
          expect(files).toEqual([
            'limitrange-container-defaults.yaml', `namespace-${ns}.yaml`, 'networkpolicy-allow-dns.yaml', 'networkpolicy-default-deny.yaml',
            'resourcequota-team-quota.yaml', `rolebinding-${t.name}-${env.name === 'prod' ? 'view' : 'edit'}.yaml`,
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
