import { Chart } from 'cdk8s';
import type { ResolvedApp, ResolvedEnvironment, ResolvedPlatform, ResolvedPreviews } from '../model';
import { AppProjectSpec, ArgoAppProject, GroupKind } from './crds';
import { KubeObject } from './kube-object';
import { RESOURCES_FINALIZER, SYNC_WAVE, environmentLabels, previewLabel, teamLabels } from './labels';
import { renderPreviewAdmission } from './preview-admission';

/** The AppProject of preview Applications. */
export const PREVIEW_PROJECT = 'preview';
/** Prefix of preview namespaces: `pr-<number>-<app>`. */
export const PREVIEW_NAMESPACE_PREFIX = 'pr-';

/** Apps that get previews: those with an Application of their own (a migration rides with its app and is left out). */
export function previewableApps(env: ResolvedEnvironment): ResolvedApp[] {
  return env.previews ? env.apps.filter((a) => a.deployedWith === a.name && a.kind !== 'migration') : [];
}

/** A public app's preview host after `pr-<number>-`: `<subdomain>.<previews' domain>`. */
function previewHostSuffix(app: ResolvedApp, previews: ResolvedPreviews): string | undefined {
  return app.exposure.isPublic ? `${app.exposure.host.split('.')[0]}.${previews.domain}` : undefined;
}

/** The namespace a preview is rendered with; each pull request's Application renames it to `pr-<number>-<app>`. */
export function renderedPreviewNamespace(app: ResolvedApp): string {
  return `preview-${app.name}`;
}

/**
 * The app as it runs in a preview: in its own namespace, one replica, no
 * autoscaler, no cloud identity and no secrets (a pull request never reads the
 * environment's secrets), a rolling update, its host under the previews' domain.
 */
export function previewApp(app: ResolvedApp, previews: ResolvedPreviews): ResolvedApp {
  return {
    ...app,
    namespace: renderedPreviewNamespace(app),
    secrets: [],
    identity: undefined,
    // Nor does it reach the environment's databases and other endpoints.
    egress: [],
    replicas: 1,
    autoscaling: undefined,
    // Nor is it scraped: a preview's series would mix with the environment's.
    metrics: undefined,
    calledBy: [],
    calledFrom: [],
    delivery: { kind: 'rolling-update', maxSurge: 1, maxUnavailable: 0 },
    exposure: app.exposure.isPublic
      ? { ...app.exposure, host: `${PREVIEW_NAMESPACE_PREFIX}0-${previewHostSuffix(app, previews)}` }
      : app.exposure,
    exemptions: app.exemptions,
  };
}

/** A JSON 6902 patch as Kustomize reads it inline. */
function replace(path: string, value: string): string {
  return `- op: replace\n  path: ${path}\n  value: ${value}\n`;
}

/** The AppProject of the preview namespaces, synced from the GitOps branch, never from a pull request. */
export const PREVIEW_NAMESPACE_PROJECT = 'preview-namespaces';
/** A preview's two directories, `dist/<env>/previews/<app>/<part>/`. */
export const PREVIEW_NAMESPACE_PART = 'namespace';
export const PREVIEW_APP_PART = 'app';

/**
 * The namespaced kinds of a preview's app (`namespaceResourceWhitelist` of
 * the preview AppProject, which syncs the pull request's files): what the
 * preview renderer writes for an app, and nothing else: no Secrets,
 * ExternalSecrets, Roles, RoleBindings, quotas, network policies (which add
 * up, so one could open what the default deny closes; the app's own is
 * rendered with the namespace) or workloads of other kinds, and no
 * cluster-scoped kind at all. A test holds the rendered previews to it.
 */
export const PREVIEW_KINDS: readonly GroupKind[] = [
  { group: '', kind: 'ConfigMap' },
  { group: '', kind: 'Service' },
  { group: '', kind: 'ServiceAccount' },
  { group: 'apps', kind: 'Deployment' },
  { group: 'batch', kind: 'CronJob' },
  { group: 'networking.k8s.io', kind: 'Ingress' },
  { group: 'policy', kind: 'PodDisruptionBudget' },
];

/** The namespaced kinds of a preview namespace's guardrails (the other AppProject, synced from the GitOps branch). */
export const PREVIEW_NAMESPACE_KINDS: readonly GroupKind[] = [
  { group: '', kind: 'LimitRange' },
  { group: '', kind: 'ResourceQuota' },
  { group: 'cloud.google.com', kind: 'BackendConfig' },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
];

/**
 * One role per team with previewable apps in a preview AppProject: the
 * team's group may run `grants` on its own apps' previews,
 * `<project>/pr-*-<app><suffix>`. Argo CD matches RBAC objects as globs
 * (argo-cd util/rbac/rbac.go) and `*` spans dashes, so `pr-*-web` would also
 * match another team's app `shop-web`: such names are denied explicitly
 * (a deny wins over an allow: argo-cd assets/model.conf).
 */
export function previewRoles(env: ResolvedEnvironment, project: string, suffix: string, grants: readonly string[]): AppProjectSpec['roles'] {
  const apps = previewableApps(env);
  const roles = env.teams.flatMap((team) => {
    const own = apps.filter((a) => a.team === team.name).map((a) => a.name);
    if (own.length === 0) return [];
    const role = `proj:${project}:${team.name}`;
    const others = apps.filter((a) => a.team !== team.name && own.some((o) => a.name.endsWith(`-${o}`))).map((a) => a.name);
    return [{
      name: team.name,
      description: `Team ${team.name}: ${grants.join('; ')} on the previews of its own apps`,
      groups: [team.owners],
      policies: [
        ...own.flatMap((app) => grants.map((g) => `p, ${role}, ${g}, ${project}/${PREVIEW_NAMESPACE_PREFIX}*-${app}${suffix}, allow`)),
        ...others.flatMap((app) => grants.map((g) => `p, ${role}, ${g}, ${project}/${PREVIEW_NAMESPACE_PREFIX}*-${app}${suffix}, deny`)),
      ],
    }];
  });
  return roles.length > 0 ? roles : undefined;
}

/**
 * What previews add to the environment's root Application. Per app, for
 * every open pull request labelled `preview:<app>`, two Applications:
 * - `pr-<number>-<app>.namespace` renders `dist/<env>/previews/<app>/namespace`
 *   **from the GitOps branch**: the namespace `pr-<number>-<app>` (its Pod
 *   Security labels, the preview mark), its quota, default limits, role
 *   binding and default-deny network policy. Nothing in the pull request
 *   reaches it, so it cannot loosen them.
 * - `pr-<number>-<app>` renders `dist/<env>/previews/<app>/app` **at the pull
 *   request's head commit** into that namespace, with the host
 *   `pr-<number>-<subdomain>.<domain>`. Its AppProject admits only the kinds
 *   in {@link PREVIEW_KINDS} and no cluster-scoped kind, so the pull
 *   request's files cannot create or change a namespace, a quota or a role.
 * Until the namespace exists, the app's sync fails and is retried. Closing the
 * pull request deletes both Applications, and their finalizers everything
 * they created, the namespace included. What the admitted kinds may hold is
 * enforced by the API server: see {@link renderPreviewAdmission}.
 */
export function renderPreviewGitOps(scope: Chart, platform: ResolvedPlatform, env: ResolvedEnvironment): void {
  const previews = env.previews;
  if (!previews) return;
  const ns = platform.gitops.argocdNamespace;
  const project = (name: string, id: string, description: string, kinds: Pick<AppProjectSpec, 'clusterResourceWhitelist' | 'namespaceResourceWhitelist' | 'roles'>) => new ArgoAppProject(scope, id, {
    metadata: { name, namespace: ns, labels: environmentLabels(platform, env), annotations: { [SYNC_WAVE]: '-2' } },
    spec: {
      description,
      sourceRepos: [platform.gitops.repoURL],
      destinations: [{ name: env.cluster.name, namespace: `${PREVIEW_NAMESPACE_PREFIX}*` }],
      orphanedResources: { warn: true },
      ...kinds,
    },
  });
  project(PREVIEW_NAMESPACE_PROJECT, 'preview-namespaces-project',
    `Pull-request preview namespaces on ${env.cluster.name} (${PREVIEW_NAMESPACE_PREFIX}<number>-<app>), from ${platform.gitops.targetRevision} only`, {
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
      namespaceResourceWhitelist: PREVIEW_NAMESPACE_KINDS,
      roles: previewRoles(env, PREVIEW_NAMESPACE_PROJECT, '.namespace', ['applications, get']),
    });
  project(PREVIEW_PROJECT, 'preview-project',
    `Pull-request previews on ${env.cluster.name}: the app's objects in namespaces ${PREVIEW_NAMESPACE_PREFIX}<number>-<app> only`, {
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: PREVIEW_KINDS,
      roles: previewRoles(env, PREVIEW_PROJECT, '', ['applications, get', 'applications, sync', 'applications, delete', 'logs, get']),
    });
  for (const app of previewableApps(env)) {
    const namespace = `${PREVIEW_NAMESPACE_PREFIX}{{number}}-${app.name}`;
    const labels = { ...teamLabels(platform, env, app.team), [previewLabel(platform)]: 'true', 'app.kubernetes.io/name': app.name };
    const annotations = { [`${platform.labelDomain}/pull-request`]: '{{number}}', [`${platform.labelDomain}/head-sha`]: '{{head_sha}}' };
    const applicationSet = (name: string, part: {
      readonly project: string; readonly revision: string; readonly dir: string; readonly patches: readonly unknown[];
    }) => new KubeObject(scope, name, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name, namespace: ns, labels: { ...teamLabels(platform, env, app.team), 'app.kubernetes.io/name': app.name } },
      spec: {
        generators: [{
          pullRequest: {
            github: {
              owner: previews.owner,
              repo: previews.repo,
              labels: [`${previews.labelPrefix}${app.name}`],
              tokenRef: previews.tokenSecret ? { secretName: previews.tokenSecret, key: 'token' } : undefined,
            },
            requeueAfterSeconds: previews.requeueAfterSeconds,
          },
        }],
        template: {
          metadata: {
            name: name.replace(/^preview-/, `${PREVIEW_NAMESPACE_PREFIX}{{number}}-`), // pr-<number>-<app>[.namespace]
            labels,
            finalizers: [RESOURCES_FINALIZER],
          },
          spec: {
            project: part.project,
            source: {
              repoURL: platform.gitops.repoURL,
              targetRevision: part.revision,
              path: `${env.path}/previews/${app.name}/${part.dir}`,
              kustomize: { namespace, commonAnnotations: annotations, patches: part.patches.length > 0 ? part.patches : undefined },
            },
            destination: { name: env.cluster.name, namespace },
            syncPolicy: {
              automated: { prune: true, selfHeal: true },
              // Neither Application may take over an object the other one manages (the pull request cannot replace the default deny).
              syncOptions: ['PrunePropagationPolicy=foreground', 'FailOnSharedResource=true'],
              // The app's first syncs fail until its namespace exists: enough retries to outwait the other Application.
              retry: { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '2m' } },
            },
          },
        },
      },
    });
    // A dot, which no app name holds: apps "x" and "x-namespace" cannot collide.
    applicationSet(`preview-${app.name}.namespace`, {
      project: PREVIEW_NAMESPACE_PROJECT,
      revision: platform.gitops.targetRevision,
      dir: PREVIEW_NAMESPACE_PART,
      patches: [{ target: { kind: 'Namespace' }, patch: replace('/metadata/name', namespace) }],
    });
    applicationSet(`preview-${app.name}`, {
      project: PREVIEW_PROJECT,
      revision: '{{head_sha}}',
      dir: PREVIEW_APP_PART,
      patches: app.exposure.isPublic
        ? [{ target: { kind: 'Ingress', name: app.name }, patch: replace('/spec/rules/0/host', `${PREVIEW_NAMESPACE_PREFIX}{{number}}-${previewHostSuffix(app, previews)}`) }]
        : [],
    });
  }

  // What the kinds above may hold, enforced by the API server in every preview namespace (a chart of its own: cluster-scoped).
  const apps = previewableApps(env);
  renderPreviewAdmission(new Chart(scope, 'preview-admission'), {
    labels: environmentLabels(platform, env),
    previewNamespaceLabels: { [previewLabel(platform)]: 'true' },
    namespacePrefix: PREVIEW_NAMESPACE_PREFIX,
    hostSuffixes: Object.fromEntries(apps.flatMap((a) => {
      const suffix = previewHostSuffix(a, previews);
      return suffix ? [[a.name, suffix]] : [];
    })),
    imagePrefixes: previewImagePrefixes(env),
  });
}

/**
 * What a preview's images may start with: the repository directories the environment's apps
 * are pulled from (for Artifact Registry, the repository: `europe-docker.pkg.dev/<project>/<repo>/`).
 */
export function previewImagePrefixes(env: ResolvedEnvironment): string[] {
  return [...new Set(env.apps.map((a) => a.imageRepository.slice(0, a.imageRepository.lastIndexOf('/') + 1)))].sort();
}

/**
 * The `kustomization.yaml` of each preview directory, listing its files:
 * each pull request's Application renders it with its own namespace and host.
 */
export function previewKustomizations(files: Iterable<string>): Map<string, unknown> {
  const byDir = new Map<string, string[]>();
  for (const file of files) {
    const m = /^([^/]+\/previews\/[^/]+\/(?:namespace|app))\/([^/]+\.yaml)$/.exec(file);
    if (!m) continue;
    byDir.set(m[1], [...(byDir.get(m[1]) ?? []), m[2]]);
  }
  return new Map([...byDir].map(([dir, resources]) => [
    `${dir}/kustomization.yaml`,
    { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: resources.sort() },
  ]));
}
