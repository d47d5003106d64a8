import { Chart } from 'cdk8s';
import type { ResolvedApp, ResolvedEnvironment, ResolvedPlatform, ResolvedPreviews } from '../model';
import { ArgoAppProject } from './crds';
import { KubeObject } from './kube-object';
import { SYNC_WAVE, environmentLabels, namespaceLabels, previewLabel, teamLabels } from './labels';

/** The AppProject of preview Applications. */
export const PREVIEW_PROJECT = 'preview';
/** Prefix of preview namespaces: `pr-<number>-<app>`. */
export const PREVIEW_NAMESPACE_PREFIX = 'pr-';

/** Apps that get previews: those with an Application of their own (a migration rides with its app and is left out). */
export function previewableApps(env: ResolvedEnvironment): ResolvedApp[] {
  return env.previews ? env.apps.filter((a) => a.deployedWith === a.name && a.kind !== 'migration') : [];
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
    delivery: { kind: 'rolling-update', maxSurge: 1, maxUnavailable: 0 },
    exposure: app.exposure.isPublic
      ? { ...app.exposure, host: `${PREVIEW_NAMESPACE_PREFIX}0-${app.exposure.host.split('.')[0]}.${previews.domain}` }
      : app.exposure,
    exemptions: app.exemptions,
  };
}

/** A JSON 6902 patch as Kustomize reads it inline (`value`: a scalar as is, anything else as JSON, which YAML reads too). */
function jsonPatch(op: 'replace' | 'add', path: string, value: unknown): string {
  return `- op: ${op}\n  path: ${path}\n  value: ${typeof value === 'string' ? value : JSON.stringify(value)}\n`;
}

/**
 * The kinds a preview may hold (`namespaceResourceWhitelist` of the preview
 * AppProject): what the preview renderer writes, and nothing else, so that a
 * pull request cannot add Secrets, ExternalSecrets, Roles or workloads of
 * other kinds to the dev cluster. A test holds the rendered previews to it.
 */
export const PREVIEW_KINDS: ReadonlyArray<{ readonly group: string; readonly kind: string }> = [
  { group: '', kind: 'ConfigMap' },
  { group: '', kind: 'LimitRange' },
  { group: '', kind: 'ResourceQuota' },
  { group: '', kind: 'Service' },
  { group: '', kind: 'ServiceAccount' },
  { group: 'apps', kind: 'Deployment' },
  { group: 'batch', kind: 'CronJob' },
  { group: 'networking.k8s.io', kind: 'Ingress' },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  { group: 'policy', kind: 'PodDisruptionBudget' },
  { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
];

/**
 * What previews add to the environment's root Application: the preview
 * AppProject, and per app an ApplicationSet whose pull-request generator gives
 * every open pull request labelled `preview:<app>` an Application that renders
 * `dist/<env>/previews/<app>` at the pull request's head commit into namespace
 * `pr-<number>-<app>`, with the host `pr-<number>-<subdomain>.<domain>`.
 * Closing the pull request deletes the Application, and its finalizer deletes
 * everything it created, the namespace included.
 */
export function renderPreviewGitOps(scope: Chart, platform: ResolvedPlatform, env: ResolvedEnvironment): void {
  const previews = env.previews;
  if (!previews) return;
  const ns = platform.gitops.argocdNamespace;
  new ArgoAppProject(scope, 'preview-project', {
    metadata: { name: PREVIEW_PROJECT, namespace: ns, labels: environmentLabels(platform, env), annotations: { [SYNC_WAVE]: '-2' } },
    spec: {
      description: `Pull-request previews on ${env.cluster.name}: namespaces ${PREVIEW_NAMESPACE_PREFIX}<number>-<app> only`,
      sourceRepos: [platform.gitops.repoURL],
      destinations: [{ name: env.cluster.name, namespace: `${PREVIEW_NAMESPACE_PREFIX}*` }],
      // A preview creates (and on close deletes) its own namespace; its labels are set by the ApplicationSet, not the pull request.
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
      namespaceResourceWhitelist: PREVIEW_KINDS,
      orphanedResources: { warn: true },
    },
  });
  for (const app of previewableApps(env)) {
    const namespace = `${PREVIEW_NAMESPACE_PREFIX}{{number}}-${app.name}`;
    const patches = [
      {
        target: { kind: 'Namespace' },
        // The labels come from here (main), whatever the pull request's files say: Pod Security admission's
        // restricted profile, and the preview mark that callees' network policies admit.
        patch: jsonPatch('replace', '/metadata/name', namespace)
          + jsonPatch('add', '/metadata/labels', namespaceLabels(platform, env, app.team, true)),
      },
      ...(app.exposure.isPublic
        ? [{ target: { kind: 'Ingress', name: app.name }, patch: jsonPatch('replace', '/spec/rules/0/host', `${PREVIEW_NAMESPACE_PREFIX}{{number}}-${app.exposure.host.split('.')[0]}.${previews.domain}`) }]
        : []),
    ];
    new KubeObject(scope, `preview-${app.name}`, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: `preview-${app.name}`, namespace: ns, labels: { ...teamLabels(platform, env, app.team), 'app.kubernetes.io/name': app.name } },
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
            name: `${PREVIEW_NAMESPACE_PREFIX}{{number}}-${app.name}`,
            labels: { ...teamLabels(platform, env, app.team), [previewLabel(platform)]: 'true', 'app.kubernetes.io/name': app.name },
            finalizers: ['resources-finalizer.argocd.argoproj.io'],
          },
          spec: {
            project: PREVIEW_PROJECT,
            source: {
              repoURL: platform.gitops.repoURL,
              targetRevision: '{{head_sha}}',
              path: `${env.path}/previews/${app.name}`,
              kustomize: {
                namespace,
                commonAnnotations: { [`${platform.labelDomain}/pull-request`]: '{{number}}', [`${platform.labelDomain}/head-sha`]: '{{head_sha}}' },
                patches,
              },
            },
            destination: { name: env.cluster.name, namespace },
            syncPolicy: {
              automated: { prune: true, selfHeal: true },
              syncOptions: ['PrunePropagationPolicy=foreground'],
              retry: { limit: 3, backoff: { duration: '10s', factor: 2, maxDuration: '2m' } },
            },
          },
        },
      },
    });
  }
}

/**
 * The `kustomization.yaml` of each preview directory, listing its files:
 * each pull request's Application renders it with its own namespace and host.
 */
export function previewKustomizations(files: Iterable<string>): Map<string, unknown> {
  const byDir = new Map<string, string[]>();
  for (const file of files) {
    const m = /^([^/]+\/previews\/[^/]+)\/([^/]+\.yaml)$/.exec(file);
    if (!m) continue;
    byDir.set(m[1], [...(byDir.get(m[1]) ?? []), m[2]]);
  }
  return new Map([...byDir].map(([dir, resources]) => [
    `${dir}/kustomization.yaml`,
    { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: resources.sort() },
  ]));
}
