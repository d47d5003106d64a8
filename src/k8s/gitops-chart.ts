import { ApiObjectMetadata, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from './imports';
import { kube } from './kube-object';
import type { ResolvedEnvironment, ResolvedPlatform } from '../model';
import {
  ADDON_CLUSTER_KINDS, ARGOCD_CONFIG_APPLICATION, ARGOCD_CONFIG_DIR, ARGOCD_NOTIFICATIONS_APPLICATION, ARGOCD_NOTIFICATIONS_DIR,
  DEGRADED_DOES_NOT_BLOCK, WAVES,
  renderAddonApplication,
} from './addons';
import { subscriptionAnnotations } from './argocd-config';
import { ARGOCD_SSO_APPLICATION, ARGOCD_SSO_DIR } from './argocd-sso';
import { ApplicationSpec, AppProjectSpec, ArgoAppProject, ArgoApplication, ArgoSyncPolicy, GroupKind } from './crds';
import { RESOURCES_FINALIZER, SYNC_WAVE, environmentLabels, teamLabels } from './labels';
import { renderPreviewGitOps } from './preview';
import { PREVIEW_ADMISSION_KINDS } from './preview-admission';

/** The AppProject of the platform team: namespaces and the Argo CD objects themselves. */
export const PLATFORM_PROJECT = 'platform';
/** The Application that renders teams' namespaces. */
export const TEAMS_APPLICATION = 'platform-teams';
/** The app-of-apps Argo CD is bootstrapped with. */
export const ROOT_APPLICATION = 'root';
/** Argo CD's address for the cluster it runs in. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/** Repository paths of an environment's rendered directories. */
export function environmentPaths(env: ResolvedEnvironment) {
  return {
    argocd: `${env.path}/argocd`,
    teams: `${env.path}/teams`,
    app: (name: string) => `${env.path}/apps/${name}`,
  };
}

function syncPolicy(env: ResolvedEnvironment): ArgoSyncPolicy {
  const { sync } = env;
  return {
    automated: sync.automated ? { prune: sync.prune, selfHeal: sync.selfHeal } : undefined,
    syncOptions: ['PrunePropagationPolicy=foreground', 'PruneLast=true'],
    retry: {
      limit: sync.retry.limit,
      backoff: { duration: sync.retry.backoffDuration, factor: sync.retry.backoffFactor, maxDuration: sync.retry.backoffMaxDuration },
    },
  };
}

/**
 * The namespaced kinds an app's directory may hold (`namespaceResourceWhitelist`
 * of each team's AppProject): what the app renderer writes (src/k8s/app/*),
 * and nothing else: no Role or RoleBinding, quota, Secret or workload of
 * another kind, and no cluster-scoped kind at all. A test holds every
 * rendered app to it, and the guardrail `argocd-project-admits-kind` every
 * object an Application syncs to its project.
 */
export const TEAM_APP_KINDS: readonly GroupKind[] = [
  { group: '', kind: 'ConfigMap' },
  { group: '', kind: 'Service' },
  { group: '', kind: 'ServiceAccount' },
  { group: 'apps', kind: 'Deployment' },
  { group: 'argoproj.io', kind: 'AnalysisTemplate' },
  { group: 'argoproj.io', kind: 'Rollout' },
  { group: 'autoscaling', kind: 'HorizontalPodAutoscaler' },
  { group: 'batch', kind: 'CronJob' },
  { group: 'batch', kind: 'Job' },
  { group: 'cloud.google.com', kind: 'BackendConfig' },
  { group: 'external-secrets.io', kind: 'ExternalSecret' },
  { group: 'external-secrets.io', kind: 'SecretStore' },
  { group: 'monitoring.googleapis.com', kind: 'PodMonitoring' },
  { group: 'networking.gke.io', kind: 'FrontendConfig' },
  { group: 'networking.k8s.io', kind: 'Ingress' },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  { group: 'policy', kind: 'PodDisruptionBudget' },
];

/** The Argo Rollouts actions a team may run on its own Rollouts (argo-cd resource_customizations/argoproj.io/Rollout/actions). */
export const TEAM_ROLLOUT_ACTIONS = ['promote-full', 'resume', 'abort', 'retry'] as const;

/**
 * What no Application creates and Kubernetes puts in every namespace: the
 * cluster's CA bundle (kube-controller-manager's root-ca-cert-publisher) and
 * the `default` ServiceAccount (its serviceaccount controller). Left out of
 * the orphaned-resource warnings, which would otherwise never clear.
 */
const KUBERNETES_NAMESPACE_OBJECTS = [
  { group: '', kind: 'ConfigMap', name: 'kube-root-ca.crt' },
  { group: '', kind: 'ServiceAccount', name: 'default' },
];

/**
 * What Argo CD's own chart creates at run time, outside Git: the initial admin
 * password (argocd-server) and the Redis password (the chart's
 * redis-secret-init hook Job; argo-helm charts/argo-cd/templates/redis-secret-init).
 */
const ARGOCD_RUNTIME_OBJECTS = [
  { group: '', kind: 'Secret', name: 'argocd-initial-admin-secret' },
  { group: '', kind: 'Secret', name: 'argocd-redis' },
];

function platformProjectSpec(platform: ResolvedPlatform, env: ResolvedEnvironment): AppProjectSpec {
  const namespaces = [...new Set([platform.gitops.argocdNamespace, ...env.addons.map((a) => a.namespace)])].sort();
  return {
    description: `Platform team: Argo CD and the add-ons, Argo CD objects and team namespaces of ${env.name}`,
    sourceRepos: [...new Set([platform.gitops.repoURL, ...env.addons.map((a) => a.repoURL)])],
    destinations: [...namespaces, ...env.teams.flatMap((t) => t.namespaces)].map((namespace) => ({ name: env.cluster.name, namespace })),
    // With previews, also the admission policies of the preview namespaces (rendered with the previews' ApplicationSets).
    clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }, ...ADDON_CLUSTER_KINDS, ...(env.previews ? PREVIEW_ADMISSION_KINDS : [])],
    roles: [{
      name: 'platform-admins',
      description: 'The platform team operates every Application of the environment',
      groups: [platform.platformOwners],
      policies: [`p, proj:${PLATFORM_PROJECT}:platform-admins, applications, *, ${PLATFORM_PROJECT}/*, allow`],
    }],
    // The cluster's registration is applied once, at bootstrap, and never changes: no Application syncs it.
    orphanedResources: { warn: true, ignore: [...KUBERNETES_NAMESPACE_OBJECTS, ...ARGOCD_RUNTIME_OBJECTS, { group: '', kind: 'Secret', name: clusterSecretName(env) }] },
  };
}

function clusterSecretName(env: ResolvedEnvironment): string {
  return `cluster-${env.cluster.name}`;
}

/** The Secret that registers the cluster Argo CD runs in, under its GKE name. Holds no credential. */
function renderClusterSecret(scope: Construct, platform: ResolvedPlatform, env: ResolvedEnvironment): void {
  const ns = platform.gitops.argocdNamespace;
  kube(k8s.KubeSecret, scope, 'cluster', {
    metadata: {
      name: clusterSecretName(env),
      namespace: ns,
      labels: { ...environmentLabels(platform, env), 'argocd.argoproj.io/secret-type': 'cluster' },
    },
    type: 'Opaque',
    stringData: { name: env.cluster.name, server: IN_CLUSTER_SERVER },
  });
}

/** The app-of-apps, which syncs `dist/<env>/argocd` (itself included, once bootstrapped). */
function renderRootApplication(scope: Construct, platform: ResolvedPlatform, env: ResolvedEnvironment, wave?: string): void {
  const ns = platform.gitops.argocdNamespace;
  new ArgoApplication(scope, 'root', {
    metadata: {
      name: ROOT_APPLICATION, namespace: ns, labels: environmentLabels(platform, env), annotations: wave ? { [SYNC_WAVE]: wave } : undefined,
    },
    spec: {
      project: PLATFORM_PROJECT,
      source: { repoURL: platform.gitops.repoURL, targetRevision: platform.gitops.targetRevision, path: environmentPaths(env).argocd },
      destination: { name: env.cluster.name, namespace: ns },
      syncPolicy: syncPolicy(env),
      revisionHistoryLimit: 10,
    },
  });
}

/**
 * What bootstraps Argo CD on a new cluster, once (docs/new-cluster.md), besides
 * Argo CD itself (`bootstrap/argo-cd/`): the cluster's registration under its
 * GKE name, the platform AppProject, and the root Application, which then
 * owns everything, these included. Rendered into `dist/<env>/bootstrap/`.
 */
export class BootstrapChart extends Chart {
  constructor(scope: Construct, id: string, props: { readonly platform: ResolvedPlatform; readonly env: ResolvedEnvironment }) {
    const { platform, env } = props;
    const ns = platform.gitops.argocdNamespace;
    super(scope, id, { namespace: ns, disableResourceNameHashes: true });
    const labels = environmentLabels(platform, env);

    // Registers the cluster Argo CD runs in under its GKE name, so every
    // Application names the cluster it targets. Holds no credential: Argo CD
    // reaches its own cluster with its own service account.
    renderClusterSecret(this, platform, env);
    new ArgoAppProject(this, 'platform-project', {
      metadata: { name: PLATFORM_PROJECT, namespace: ns, labels },
      spec: platformProjectSpec(platform, env),
    });
    renderRootApplication(this, platform, env);
  }
}

/**
 * What the root Application syncs: one AppProject per team, the platform's
 * Application for namespaces, and one Application per app. Rendered into
 * `dist/<env>/argocd/`.
 */
export class GitOpsChart extends Chart {
  constructor(scope: Construct, id: string, props: { readonly platform: ResolvedPlatform; readonly env: ResolvedEnvironment }) {
    const { platform, env } = props;
    const ns = platform.gitops.argocdNamespace;
    super(scope, id, { namespace: ns, disableResourceNameHashes: true });
    const paths = environmentPaths(env);
    const source = (path: string) => ({ repoURL: platform.gitops.repoURL, targetRevision: platform.gitops.targetRevision, path });
    const metadata = (name: string, labels: Record<string, string>, wave: string): ApiObjectMetadata => ({
      name,
      namespace: ns,
      labels,
      annotations: { [SYNC_WAVE]: wave },
      // Deleting an Application (an app removed from the platform) deletes what it deployed.
      finalizers: [RESOURCES_FINALIZER],
    });

    // The bootstrap's platform project and root Application are owned by Git from then on (the root syncs itself).
    new ArgoAppProject(this, 'platform-project', {
      metadata: { name: PLATFORM_PROJECT, namespace: ns, labels: environmentLabels(platform, env), annotations: { [SYNC_WAVE]: WAVES.projects } },
      spec: platformProjectSpec(platform, env),
    });
    renderRootApplication(this, platform, env, WAVES.projects);

    for (const team of env.teams) {
      new ArgoAppProject(this, `project-${team.name}`, {
        metadata: { name: team.name, namespace: ns, labels: teamLabels(platform, env, team.name), annotations: { [SYNC_WAVE]: WAVES.projects } },
        spec: {
          description: team.description ?? `Apps of team ${team.name}`,
          sourceRepos: [platform.gitops.repoURL],
          destinations: team.namespaces.map((namespace) => ({ name: env.cluster.name, namespace })),
          // Exactly the kinds the app renderer writes, all namespaced: no Role, quota or policy of the platform's.
          clusterResourceWhitelist: [],
          namespaceResourceWhitelist: TEAM_APP_KINDS,
          roles: [{
            name: 'developers',
            description: `Engineers of team ${team.name}: see, sync and read the logs of their own apps, promote, abort and retry their own Rollouts`,
            groups: [team.owners],
            policies: [
              `p, proj:${team.name}:developers, applications, get, ${team.name}/*, allow`,
              `p, proj:${team.name}:developers, applications, sync, ${team.name}/*, allow`,
              // Argo CD 3 checks `logs, get` for pod logs (no longer implied by `applications, get`): argo-cd docs/operator-manual/rbac.md.
              `p, proj:${team.name}:developers, logs, get, ${team.name}/*, allow`,
              ...TEAM_ROLLOUT_ACTIONS.map((a) => `p, proj:${team.name}:developers, applications, action/argoproj.io/Rollout/${a}, ${team.name}/*, allow`),
            ],
          }],
          orphanedResources: { warn: true, ignore: KUBERNETES_NAMESPACE_OBJECTS },
          syncWindows: env.syncWindows.length > 0 ? env.syncWindows.map((w) => ({ ...w, applications: ['*'] })) : undefined,
        },
      });
    }

    for (const addon of env.addons) renderAddonApplication(this, platform, env, addon, PLATFORM_PROJECT);
    const platformApp = (
      construct: string, name: string, path: string, wave: string, annotations: Record<string, string> = {},
    ) => new ArgoApplication(this, construct, {
      metadata: { name, namespace: ns, labels: environmentLabels(platform, env), annotations: { [SYNC_WAVE]: wave, ...annotations } },
      spec: {
        project: PLATFORM_PROJECT,
        source: source(path),
        destination: { name: env.cluster.name, namespace: ns },
        syncPolicy: syncPolicy(env),
        revisionHistoryLimit: 10,
      },
    });
    platformApp('argocd-config', ARGOCD_CONFIG_APPLICATION, `${env.path}/${ARGOCD_CONFIG_DIR}`, WAVES.argocdConfig);
    if (env.argocd.sso) {
      // With the add-ons: Dex (part of argo-cd) needs the key before it starts, and the argo-cd Application waits for Dex.
      // Its first syncs fail until ESO's CRDs exist, and are retried.
      platformApp('argocd-sso', ARGOCD_SSO_APPLICATION, `${env.path}/${ARGOCD_SSO_DIR}`, WAVES.addons,
        { [`${platform.labelDomain}/${DEGRADED_DOES_NOT_BLOCK}`]: 'false' });
    }
    if (env.notifications.identity) {
      // Before the apps, without holding them when a secret's value is not yet in Secret Manager.
      platformApp('argocd-notifications', ARGOCD_NOTIFICATIONS_APPLICATION, `${env.path}/${ARGOCD_NOTIFICATIONS_DIR}`, WAVES.notifications,
        { [`${platform.labelDomain}/${DEGRADED_DOES_NOT_BLOCK}`]: 'false' });
    }

    const teamsApp: ApplicationSpec = {
      project: PLATFORM_PROJECT,
      source: { ...source(paths.teams), directory: { recurse: true } },
      destination: { name: env.cluster.name, namespace: ns },
      syncPolicy: syncPolicy(env),
      revisionHistoryLimit: 10,
    };
    new ArgoApplication(this, 'teams', { metadata: metadata(TEAMS_APPLICATION, environmentLabels(platform, env), WAVES.teams), spec: teamsApp });

    renderPreviewGitOps(this, platform, env);

    const alertsOf = new Map(env.teams.map((t) => [t.name, subscriptionAnnotations(t.alerts)]));
    for (const app of env.apps.filter((a) => a.deployedWith === a.name)) {
      const meta = metadata(app.name, { ...teamLabels(platform, env, app.team), 'app.kubernetes.io/name': app.name }, WAVES.apps);
      new ArgoApplication(this, `app-${app.name}`, {
        // The team's alert subscriptions (argo-cd docs/operator-manual/notifications/subscriptions.md).
        metadata: { ...meta, annotations: { ...meta.annotations, ...alertsOf.get(app.team) } },
        spec: {
          project: app.team,
          source: source(paths.app(app.name)),
          destination: { name: env.cluster.name, namespace: app.namespace },
          syncPolicy: syncPolicy(env),
          revisionHistoryLimit: 10,
        },
      });
    }
  }
}
