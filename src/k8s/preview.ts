import { Chart } from 'cdk8s';
import type { ResolvedApp, ResolvedEnvironment, ResolvedPlatform, ResolvedPreviews } from '../model';
import { ArgoAppProject } from './crds';
import { KubeObject } from './kube-object';
import { SYNC_WAVE, environmentLabels, previewLabel, teamLabels } from './labels';

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
    calledBy: [],
    delivery: { kind: 'rolling-update', maxSurge: 1, maxUnavailable: 0 },
    exposure: app.exposure.isPublic
      ? { ...app.exposure, host: `${PREVIEW_NAMESPACE_PREFIX}0-${app.exposure.host.split('.')[0]}.${previews.domain}` }
      : app.exposure,
    exemptions: app.exemptions,
  };
}

/** A JSON 6902 patch as Kustomize reads it inline. */
function replace(path: string, value: string): string {
  return `- op: replace\n  path: ${path}\n  value: ${value}\n`;
}

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
      // A preview creates (and on close deletes) its own namespace.
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
      orphanedResources: { warn: true },
    },
  });
  for (const app of previewableApps(env)) {
    const namespace = `${PREVIEW_NAMESPACE_PREFIX}{{number}}-${app.name}`;
    const patches = [
      { target: { kind: 'Namespace' }, patch: replace('/metadata/name', namespace) },
      ...(app.exposure.isPublic
        ? [{ target: { kind: 'Ingress', name: app.name }, patch: replace('/spec/rules/0/host', `${PREVIEW_NAMESPACE_PREFIX}{{number}}-${app.exposure.host.split('.')[0]}.${previews.domain}`) }]
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
