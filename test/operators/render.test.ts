import { parse } from 'yaml';
import { operatorsPlatform } from './support';
import { TEAM_APP_KINDS, TEAM_ROLLOUT_ACTIONS, WAVES, addonValues } from '../../src/k8s';
import { syncTimeoutSeconds } from '../../src/model/resolve/environment';
import { renderPlatform } from '../../src/synth';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const rendered = renderPlatform({ platform: operatorsPlatform() });
const file = (path: string): Json => {
  const text = rendered.files.get(path);
  if (text === undefined) throw new Error(`${path} is not rendered; rendered: ${[...rendered.files.keys()].filter((f) => f.startsWith(path.split('/')[0])).join(', ')}`);
  return parse(text);
};
const objects = (env: string) => rendered.objects.filter((o) => o.environment === env);
const wave = (o: Json): number => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
const resolvedEnv = (name: string) => rendered.resolved.environments.find((e) => e.name === name)!;

describe('add-on Applications', () => {
  test('each add-on is an Application of its upstream chart at the environment\'s version, under the platform project', () => {
    for (const addon of resolvedEnv('prod').addons) {
      const app = file(`prod/argocd/application-${addon.name}.yaml`);
      expect(app.spec.project).toBe('platform');
      expect(app.spec.source).toEqual({
        repoURL: addon.repoURL,
        chart: addon.chart,
        targetRevision: addon.version,
        helm: { releaseName: addon.releaseName, valuesObject: addonValues(addon, resolvedEnv('prod')) },
      });
      expect(app.spec.destination).toEqual({ name: 'test-prod', namespace: addon.namespace });
      expect(app.spec.syncPolicy.syncOptions).toEqual(expect.arrayContaining(['CreateNamespace=true', 'ServerSideApply=true']));
      expect(app.metadata.finalizers).toBeUndefined();
    }
  });

  test('add-ons sync in a wave after the projects and before the teams\' namespaces and every app', () => {
    const argo = objects('dev').filter((o) => o.file.startsWith('argocd/')).map((o) => o.manifest as Json);
    const addons = argo.filter((o) => o.kind === 'Application' && o.spec.source.chart);
    expect(addons).toHaveLength(3);
    const projects = argo.filter((o) => o.kind === 'AppProject');
    const teamApps = argo.filter((o) => o.kind === 'Application' && o.spec.project !== 'platform');
    expect(Math.max(...projects.map(wave))).toBeLessThan(Math.min(...addons.map(wave)));
    expect(Math.max(...addons.map(wave))).toBeLessThan(wave(file('dev/argocd/application-platform-teams.yaml')));
    expect(Math.max(...addons.map(wave))).toBeLessThan(Math.min(...teamApps.map(wave)));
  });

  test('controllers run two replicas in production and the chart leaves Argo CD\'s ConfigMaps to the platform', () => {
    const values = file('prod/argocd/application-argo-cd.yaml').spec.source.helm.valuesObject;
    expect(values.server.replicas).toBe(2);
    expect(values.configs.cm.create).toBe(false);
    expect(values.configs.rbac.create).toBe(false);
    expect(values.notifications.cm.create).toBe(false);
    expect(values.configs.params['controller.diff.server.side']).toBe('true');
    expect(file('dev/argocd/application-external-secrets.yaml').spec.source.helm.valuesObject.replicaCount).toBe(1);
  });
});

describe('bootstrap', () => {
  test('the bootstrap installs the same argo-cd chart, version and values as the Application that then manages it', () => {
    const kustomization = file('prod/bootstrap/argo-cd/kustomization.yaml');
    const app = file('prod/argocd/application-argo-cd.yaml').spec.source;
    expect(kustomization.helmCharts).toEqual([{
      name: app.chart,
      repo: app.repoURL,
      version: app.targetRevision,
      releaseName: app.helm.releaseName,
      namespace: 'argocd',
      includeCRDs: true,
      valuesInline: app.helm.valuesObject,
    }]);
    expect(kustomization.resources).toEqual(['namespace-argocd.yaml', '../../argocd-config']);
    expect(file('prod/argocd-config/kustomization.yaml').resources).toEqual([
      'configmap-argocd-cm.yaml', 'configmap-argocd-notifications-cm.yaml', 'configmap-argocd-rbac-cm.yaml',
    ]);
  });

  test('the bootstrap\'s kustomization lists the cluster\'s registration, the platform project and the root, applied once Argo CD is', () => {
    expect(file('dev/bootstrap/kustomization.yaml').resources).toEqual([
      'application-root.yaml', 'appproject-platform.yaml', 'secret-cluster-test-dev.yaml',
    ]);
  });

  test('the root Application syncs itself once bootstrapped', () => {
    expect(file('dev/argocd/application-root.yaml').spec).toEqual(file('dev/bootstrap/application-root.yaml').spec);
    expect(file('dev/argocd/application-root.yaml').spec.source.path).toBe('dist/dev/argocd');
  });
});

describe('Argo CD\'s configuration', () => {
  test('argocd-cm gives Applications a health, so the root waits for each wave', () => {
    const cm = file('dev/argocd-config/configmap-argocd-cm.yaml');
    expect(cm.metadata).toMatchObject({ name: 'argocd-cm', namespace: 'argocd' });
    expect(cm.data['resource.customizations.health.argoproj.io_Application']).toContain('obj.status.health.status');
  });

  test('the platform team administers Argo CD; nobody else gets anything by default', () => {
    const rbac = file('dev/argocd-config/configmap-argocd-rbac-cm.yaml').data;
    expect(rbac['policy.default']).toBe('');
    expect(rbac['policy.csv']).toBe('g, platform@example.com, role:admin\n');
  });

  test('notifications: a trigger and a template for sync failed, degraded, and OutOfSync longer than declared', () => {
    const data = file('dev/argocd-config/configmap-argocd-notifications-cm.yaml').data;
    for (const [trigger, template] of [['on-sync-failed', 'app-sync-failed'], ['on-health-degraded', 'app-health-degraded'], ['on-out-of-sync', 'app-out-of-sync']]) {
      expect(parse(data[`trigger.${trigger}`])[0].send).toEqual([template]);
      expect(parse(data[`template.${template}`]).message.length).toBeGreaterThan(10);
    }
    expect(parse(data['trigger.on-out-of-sync'])[0].when).toContain('.Minutes() >= 30');
    expect(data['service.slack']).toBe('token: $slack-token\n');
  });

  test('only production subscribes the platform team to every Application', () => {
    expect(file('dev/argocd-config/configmap-argocd-notifications-cm.yaml').data.subscriptions).toBeUndefined();
    expect(parse(file('prod/argocd-config/configmap-argocd-notifications-cm.yaml').data.subscriptions)).toEqual([{
      recipients: ['slack:platform'], triggers: ['on-sync-failed', 'on-health-degraded', 'on-out-of-sync'], selector: 'platform.example.com/environment=prod',
    }]);
  });

  test('every Application of a team carries the team\'s subscriptions', () => {
    for (const name of ['webapp', 'report']) {
      expect(file(`dev/argocd/application-${name}.yaml`).metadata.annotations).toMatchObject({
        'notifications.argoproj.io/subscribe.on-sync-failed.slack': 'alpha-alerts',
        'notifications.argoproj.io/subscribe.on-health-degraded.slack': 'alpha-alerts',
        'notifications.argoproj.io/subscribe.on-out-of-sync.slack': 'alpha-alerts',
      });
    }
  });

  test('the notifier\'s token comes from Secret Manager, as the notifications\' own identity, after the apps', () => {
    const es = file('prod/argocd-notifications/externalsecret-argocd-notifications-secret.yaml');
    expect(es.spec.target.name).toBe('argocd-notifications-secret');
    expect(es.spec.data).toEqual([expect.objectContaining({ secretKey: 'slack-token', remoteRef: expect.objectContaining({ key: 'argocd-notifications-slack-token' }) })]);
    const store = file('prod/argocd-notifications/secretstore-argocd-notifications-gcp-secret-manager.yaml');
    expect(store.spec.provider.gcpsm.auth.workloadIdentity.serviceAccountRef).toEqual({ name: 'argocd-notifications-secrets' });
    const sa = file('prod/argocd-notifications/serviceaccount-argocd-notifications-secrets.yaml');
    expect(sa.metadata.annotations['iam.gke.io/gcp-service-account']).toBe('argocd-notifications@test-prod-project.iam.gserviceaccount.com');
    expect(rendered.files.has('prod/bootstrap/argo-cd/externalsecret-argocd-notifications-secret.yaml')).toBe(false);
  });

  test('the notifier\'s credentials and templates sync before any team\'s Application, so that its first sync notifies', () => {
    const notifications = file('prod/argocd/application-argocd-notifications.yaml');
    const teamApps = objects('prod').filter((o) => o.manifest.kind === 'Application' && (o.manifest as Json).spec.project === 'alpha').map((o) => o.manifest);
    expect(teamApps.length).toBeGreaterThan(0);
    expect(wave(notifications)).toBeLessThan(Math.min(...teamApps.map(wave)));
    expect(wave(notifications)).toBeGreaterThan(wave(file('prod/argocd/application-argocd-config.yaml')));
    // A secret value not yet in Secret Manager degrades it, which must not fail the root's sync before the apps.
    expect(notifications.metadata.annotations['platform.example.com/degraded-blocks-waves']).toBe('false');
    const health = file('prod/argocd-config/configmap-argocd-cm.yaml').data['resource.customizations.health.argoproj.io_Application'];
    expect(health).toContain('obj.metadata.annotations["platform.example.com/degraded-blocks-waves"] == "false"');
  });

  test('the apps are the root\'s last wave: gitops-engine does not wait on the health of the last wave', () => {
    const waves = objects('dev').filter((o) => o.file.startsWith('argocd/')).map((o) => wave(o.manifest));
    expect(Math.max(...waves)).toBe(Number(WAVES.apps));
  });

  test('a Suspended child (a Rollout paused for promotion) is Healthy to the root, so no wave waits for a person', () => {
    const health: string = file('dev/argocd-config/configmap-argocd-cm.yaml').data['resource.customizations.health.argoproj.io_Application'];
    expect(health).toMatch(/if hs.status == "Suspended" then\n {2}hs.status = "Healthy"/);
  });

  test('Argo CD ends a sync that runs longer than a fully retried one, so it fails and notifies', () => {
    const params = file('prod/argocd/application-argo-cd.yaml').spec.source.helm.valuesObject.configs.params;
    // Default retry: 5 retries, 10s x2 up to 3m: 20+40+80+160+180 s of waits, and 6 attempts of 300 s.
    expect(params['controller.sync.timeout.seconds']).toBe(String(480 + 6 * 300));
    expect(resolvedEnv('prod').sync.timeoutSeconds).toBe(2280);
  });

  test('without any alert destination, no credential is synced', () => {
    const quiet = renderPlatform({ platform: operatorsPlatform({ alerts: undefined, teams: [{ name: 'alpha', owners: 'alpha@example.com' }] }) });
    expect([...quiet.files.keys()].filter((f) => f.includes('argocd-notifications/'))).toEqual([]);
    expect(quiet.files.has('dev/argocd/application-argocd-notifications.yaml')).toBe(false);
  });
});

describe('AppProjects', () => {
  test('a team project admits exactly the kinds the app renderer writes, and no cluster-scoped kind', () => {
    const project = file('prod/argocd/appproject-alpha.yaml').spec;
    expect(project.clusterResourceWhitelist).toEqual([]);
    expect(project.namespaceResourceWhitelist).toEqual(TEAM_APP_KINDS);
    expect(project.namespaceResourceBlacklist).toBeUndefined();
  });

  test('every kind rendered in an app\'s directory is one the team project admits', () => {
    const admitted = new Set(TEAM_APP_KINDS.map((k) => `${k.group}/${k.kind}`));
    const kinds = new Set(rendered.objects.filter((o) => o.file.startsWith('apps/')).map((o) => {
      const v = String(o.manifest.apiVersion);
      return `${v.includes('/') ? v.split('/')[0] : ''}/${o.manifest.kind}`;
    }));
    expect([...kinds].filter((k) => !admitted.has(k))).toEqual([]);
  });

  test('a team\'s developers may promote, abort and retry the Rollouts of their own project only', () => {
    const role = file('prod/argocd/appproject-alpha.yaml').spec.roles[0];
    expect(role.groups).toEqual(['alpha@example.com']);
    for (const action of TEAM_ROLLOUT_ACTIONS) {
      expect(role.policies).toContain(`p, proj:alpha:developers, applications, action/argoproj.io/Rollout/${action}, alpha/*, allow`);
    }
    expect(role.policies.every((p: string) => p.endsWith(', alpha/*, allow'))).toBe(true);
  });

  test('the platform project admits the add-ons\' charts, namespaces and cluster-scoped kinds', () => {
    const project = file('dev/argocd/appproject-platform.yaml').spec;
    expect(project.sourceRepos).toEqual(['https://github.com/example/platform.git', 'https://argoproj.github.io/argo-helm', 'https://charts.external-secrets.io']);
    expect(project.destinations.map((d: Json) => d.namespace)).toEqual(expect.arrayContaining(['argocd', 'argo-rollouts', 'external-secrets', 'alpha']));
    expect(project.clusterResourceWhitelist).toContainEqual({ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' });
  });

  test('orphaned-resource warnings leave out what Kubernetes and Argo CD create themselves', () => {
    const ignore = file('dev/argocd/appproject-platform.yaml').spec.orphanedResources.ignore;
    expect(ignore).toEqual(expect.arrayContaining([
      { group: '', kind: 'ConfigMap', name: 'kube-root-ca.crt' },
      { group: '', kind: 'ServiceAccount', name: 'default' },
      { group: '', kind: 'Secret', name: 'argocd-initial-admin-secret' },
      { group: '', kind: 'Secret', name: 'cluster-test-dev' },
    ]));
    expect(file('dev/argocd/appproject-alpha.yaml').spec.orphanedResources.ignore).toContainEqual({ group: '', kind: 'ConfigMap', name: 'kube-root-ca.crt' });
  });
});

describe('sync timeout', () => {
  test('GIVEN a longer retry WHEN resolved THEN the timeout outlasts every backoff wait and attempt; never below 30 minutes', () => {
    expect(syncTimeoutSeconds({ limit: 10, backoffDuration: '1m', backoffFactor: 2, backoffMaxDuration: '10m' })).toBe(2 * 60 + 4 * 60 + 8 * 60 + 7 * 600 + 11 * 300);
    expect(syncTimeoutSeconds({ limit: 1, backoffDuration: '5s', backoffFactor: 2, backoffMaxDuration: '1m' })).toBe(1800);
  });
});
