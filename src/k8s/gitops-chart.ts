import { ApiObjectMetadata, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from './imports';
import { kube } from './kube-object';
import type { ResolvedEnvironment, ResolvedPlatform } from '../model';
import { ApplicationSpec, AppProjectSpec, ArgoAppProject, ArgoApplication, ArgoSyncPolicy } from './crds';
import { SYNC_WAVE, environmentLabels, teamLabels } from './labels';
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

function platformProjectSpec(platform: ResolvedPlatform, env: ResolvedEnvironment): AppProjectSpec {
  const namespaces = [platform.gitops.argocdNamespace, ...env.teams.flatMap((t) => t.namespaces)];
  return {
    description: `Platform team: Argo CD objects and team namespaces of ${env.name}`,
    sourceRepos: [platform.gitops.repoURL],
    destinations: namespaces.map((namespace) => ({ name: env.cluster.name, namespace })),
    // With previews, also the admission policies of the preview namespaces (rendered with the previews' ApplicationSets).
    clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }, ...(env.previews ? PREVIEW_ADMISSION_KINDS : [])],
    roles: [{
      name: 'platform-admins',
      description: 'The platform team operates every Application of the environment',
      groups: [platform.platformOwners],
      policies: [`p, proj:${PLATFORM_PROJECT}:platform-admins, applications, *, ${PLATFORM_PROJECT}/*, allow`],
    }],
    orphanedResources: { warn: true },
  };
}

/**
 * What is applied by hand, once, to bootstrap Argo CD on a new cluster
 * (`kubectl apply -f dist/<env>/bootstrap/`): the cluster's registration under
 * its GKE name, the platform AppProject, and the root Application, which then
 * owns everything else. Rendered into `dist/<env>/bootstrap/`.
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
    kube(k8s.KubeSecret, this, 'cluster', {
      metadata: { name: `cluster-${env.cluster.name}`, namespace: ns, labels: { ...labels, 'argocd.argoproj.io/secret-type': 'cluster' } },
      type: 'Opaque',
      stringData: { name: env.cluster.name, server: IN_CLUSTER_SERVER },
    });
    new ArgoAppProject(this, 'platform-project', {
      metadata: { name: PLATFORM_PROJECT, namespace: ns, labels },
      spec: platformProjectSpec(platform, env),
    });
    new ArgoApplication(this, 'root', {
      metadata: { name: ROOT_APPLICATION, namespace: ns, labels },
      spec: {
        project: PLATFORM_PROJECT,
        source: { repoURL: platform.gitops.repoURL, targetRevision: platform.gitops.targetRevision, path: environmentPaths(env).argocd },
        destination: { name: env.cluster.name, namespace: ns },
        syncPolicy: syncPolicy(env),
        revisionHistoryLimit: 10,
      },
    });
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
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    });

    // The platform project, also applied at bootstrap, is owned by Git from then on.
    new ArgoAppProject(this, 'platform-project', {
      metadata: { name: PLATFORM_PROJECT, namespace: ns, labels: environmentLabels(platform, env), annotations: { [SYNC_WAVE]: '-2' } },
      spec: platformProjectSpec(platform, env),
    });

    for (const team of env.teams) {
      new ArgoAppProject(this, `project-${team.name}`, {
        metadata: { name: team.name, namespace: ns, labels: teamLabels(platform, env, team.name), annotations: { [SYNC_WAVE]: '-2' } },
        spec: {
          description: team.description ?? `Apps of team ${team.name}`,
          sourceRepos: [platform.gitops.repoURL],
          destinations: team.namespaces.map((namespace) => ({ name: env.cluster.name, namespace })),
          // Namespaced kinds only; quotas and limits are the platform's.
          clusterResourceWhitelist: [],
          namespaceResourceBlacklist: [
            { group: '', kind: 'ResourceQuota' },
            { group: '', kind: 'LimitRange' },
          ],
          roles: [{
            name: 'developers',
            description: `Engineers of team ${team.name}: see and sync their own apps`,
            groups: [team.owners],
            policies: [
              `p, proj:${team.name}:developers, applications, get, ${team.name}/*, allow`,
              `p, proj:${team.name}:developers, applications, sync, ${team.name}/*, allow`,
            ],
          }],
          orphanedResources: { warn: true },
          syncWindows: env.syncWindows.length > 0 ? env.syncWindows.map((w) => ({ ...w, applications: ['*'] })) : undefined,
        },
      });
    }

    const teamsApp: ApplicationSpec = {
      project: PLATFORM_PROJECT,
      source: { ...source(paths.teams), directory: { recurse: true } },
      destination: { name: env.cluster.name, namespace: ns },
      syncPolicy: syncPolicy(env),
      revisionHistoryLimit: 10,
    };
    new ArgoApplication(this, 'teams', { metadata: metadata(TEAMS_APPLICATION, environmentLabels(platform, env), '-1'), spec: teamsApp });

    renderPreviewGitOps(this, platform, env);

    for (const app of env.apps.filter((a) => a.deployedWith === a.name)) {
      new ArgoApplication(this, `app-${app.name}`, {
        metadata: metadata(app.name, { ...teamLabels(platform, env, app.team), 'app.kubernetes.io/name': app.name }, '0'),
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
