import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { ResolvedAddon, ResolvedEnvironment, ResolvedPlatform } from '../model';
import { dexValues } from './argocd-sso';
import { ArgoApplication, ArgoSyncPolicy } from './crds';
import { k8s } from './imports';
import { kube } from './kube-object';
import { SYNC_WAVE, environmentLabels } from './labels';

/**
 * The root Application's sync waves: Argo CD applies a wave, waits until it
 * is healthy (Applications too, with argocd-cm's health check), then the next.
 */
export const WAVES = {
  /** AppProjects, the cluster's registration and the root Application itself. */
  projects: '-10',
  /** The controllers: Argo CD, External Secrets Operator, Argo Rollouts (their CRDs first of all). */
  addons: '-9',
  /** Argo CD's ConfigMaps. */
  argocdConfig: '-8',
  /**
   * The notifications' credentials: before any app, so that the apps' first
   * sync already notifies. A missing secret value does not hold the waves
   * (the Application is marked {@link DEGRADED_DOES_NOT_BLOCK}).
   */
  notifications: '-7',
  /** The teams' namespaces and their guardrails. */
  teams: '-1',
  /** The apps: the last wave, which Argo CD does not wait on (gitops-engine pkg/sync/sync_context.go, `finalWave`). */
  apps: '0',
} as const;

/**
 * The annotation (under the platform's label domain) of an Application whose
 * Degraded health must not fail the root's sync at its wave: argocd-cm's
 * Application health check reports it Healthy to the root, with the real
 * status in the message. For credentials whose value a person adds later.
 */
export const DEGRADED_DOES_NOT_BLOCK = 'degraded-blocks-waves';

/** The Application that syncs `dist/<env>/argocd-config/`. */
export const ARGOCD_CONFIG_APPLICATION = 'argocd-config';
/** The Application that syncs `dist/<env>/argocd-notifications/`. */
export const ARGOCD_NOTIFICATIONS_APPLICATION = 'argocd-notifications';

/**
 * Pod Security of the add-ons' namespaces: enforce baseline, warn and audit
 * restricted. The upstream charts set restricted security contexts on their
 * own containers, but a chart upgrade that misses one must not stop the
 * controller that every sync depends on; the warning shows it.
 */
export const ADDON_NAMESPACE_LABELS = {
  'pod-security.kubernetes.io/enforce': 'baseline',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/audit': 'restricted',
} as const;

/**
 * The cluster-scoped kinds the add-ons' charts create: what the platform
 * AppProject admits besides Namespaces (argo-helm charts/argo-cd and
 * charts/argo-rollouts, external-secrets deploy/charts/external-secrets templates).
 */
export const ADDON_CLUSTER_KINDS = [
  { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' },
] as const;

/** A container's requests and limits as the charts' `resources` values take them. */
function resources(addon: ResolvedAddon) {
  const r = addon.resources;
  return { requests: { cpu: r.cpuRequest, memory: r.memoryRequest }, limits: { cpu: r.cpuLimit, memory: r.memoryLimit } };
}

/**
 * The Helm values of an add-on's chart, from the resolved model: replicas and
 * resources by tier, CRDs installed and kept, and for Argo CD, the
 * ConfigMaps and the notifications Secret left to us. Keys as the charts'
 * values.yaml names them (argo-helm charts/argo-cd, charts/argo-rollouts;
 * external-secrets deploy/charts/external-secrets).
 */
export function addonValues(addon: ResolvedAddon, env: ResolvedEnvironment): Record<string, unknown> {
  const sized = { replicas: addon.replicas, resources: resources(addon) };
  // Two controllers of one kind must take turns (charts' defaults elect no leader).
  const elect = addon.replicas > 1;
  switch (addon.name) {
    case 'argo-cd':
      return {
        crds: { install: true, keep: true },
        configs: {
          // Rendered by us into dist/<env>/argocd-config (and applied at bootstrap), not by the chart.
          cm: { create: false },
          rbac: { create: false },
          // Server-side diff: what the API server defaults (ESO's list fields, say) is no difference (argo-cd docs/user-guide/diff-strategies.md).
          params: {
            'controller.diff.server.side': 'true',
            'applicationsetcontroller.enable.leader.election': String(elect),
            // A sync still running this long ends Failed (and notifies) instead of holding its Application for ever: 0, none, is Argo CD's default.
            'controller.sync.timeout.seconds': String(env.sync.timeoutSeconds),
          },
        },
        notifications: { cm: { create: false }, secret: { create: false }, resources: resources(addon) },
        // Dex runs only for a Dex connector (SSO through Google); OIDC needs none.
        dex: dexValues(env, resources(addon)),
        // One controller: more would shard clusters, and there is one cluster.
        controller: { replicas: 1, resources: resources(addon) },
        server: sized,
        repoServer: sized,
        applicationSet: sized,
        redis: { resources: resources(addon) },
      };
    case 'external-secrets':
      return {
        installCRDs: true,
        replicaCount: addon.replicas,
        leaderElect: elect,
        resources: resources(addon),
        webhook: { replicaCount: addon.replicas, resources: resources(addon) },
        certController: { replicaCount: addon.replicas, resources: resources(addon) },
      };
    case 'argo-rollouts':
      return {
        installCRDs: true,
        keepCRDs: true,
        controller: sized,
        dashboard: { enabled: false },
      };
  }
}

/** The sync policy of the add-ons: the environment's, with the namespace created (and labelled) and applied server-side. */
function addonSyncPolicy(env: ResolvedEnvironment): ArgoSyncPolicy {
  const { sync } = env;
  return {
    automated: sync.automated ? { prune: sync.prune, selfHeal: sync.selfHeal } : undefined,
    // Server-side apply: Argo CD's own CRDs are too large for the last-applied annotation (argo-cd docs/operator-manual/upgrading/2.3-2.4.md).
    syncOptions: ['CreateNamespace=true', 'ServerSideApply=true', 'PrunePropagationPolicy=foreground'],
    managedNamespaceMetadata: { labels: { ...ADDON_NAMESPACE_LABELS } },
    retry: {
      limit: sync.retry.limit,
      backoff: { duration: sync.retry.backoffDuration, factor: sync.retry.backoffFactor, maxDuration: sync.retry.backoffMaxDuration },
    },
  };
}

/** One add-on's Application: its upstream chart at the environment's version, under the platform project. */
export function renderAddonApplication(
  scope: Construct, platform: ResolvedPlatform, env: ResolvedEnvironment, addon: ResolvedAddon, project: string,
): void {
  new ArgoApplication(scope, `addon-${addon.name}`, {
    metadata: {
      name: addon.name,
      namespace: platform.gitops.argocdNamespace,
      labels: { ...environmentLabels(platform, env), 'app.kubernetes.io/name': addon.name, 'app.kubernetes.io/version': addon.version },
      annotations: { [SYNC_WAVE]: WAVES.addons },
      // No resources finalizer: deleting this Application must never uninstall the controller the platform runs on.
    },
    spec: {
      project,
      source: {
        repoURL: addon.repoURL,
        chart: addon.chart,
        targetRevision: addon.version,
        helm: { releaseName: addon.releaseName, valuesObject: addonValues(addon, env) },
      },
      destination: { name: env.cluster.name, namespace: addon.namespace },
      syncPolicy: addonSyncPolicy(env),
      revisionHistoryLimit: 10,
    },
  });
}

/** The directory of an environment (relative to it) that bootstraps Argo CD, and its part that installs Argo CD alone. */
export const BOOTSTRAP_DIR = 'bootstrap';
export const BOOTSTRAP_ARGOCD_DIR = `${BOOTSTRAP_DIR}/argo-cd`;
/** Argo CD's ConfigMaps, relative to the environment directory. */
export const ARGOCD_CONFIG_DIR = 'argocd-config';
export const ARGOCD_NOTIFICATIONS_DIR = 'argocd-notifications';

/** The Argo CD namespace, created at bootstrap with the add-ons' Pod Security labels. Rendered into `dist/<env>/bootstrap/argo-cd/`. */
export class BootstrapArgoCdChart extends Chart {
  constructor(scope: Construct, id: string, props: { readonly platform: ResolvedPlatform; readonly env: ResolvedEnvironment }) {
    const { platform, env } = props;
    super(scope, id, { disableResourceNameHashes: true });
    kube(k8s.KubeNamespace, this, 'namespace', {
      metadata: { name: platform.gitops.argocdNamespace, labels: { ...environmentLabels(platform, env), ...ADDON_NAMESPACE_LABELS } },
    });
  }
}

interface Kustomization {
  readonly apiVersion: 'kustomize.config.k8s.io/v1beta1';
  readonly kind: 'Kustomization';
  readonly [key: string]: unknown;
}

/**
 * The Kustomize configurations of each environment's bootstrap, from the
 * rendered files (paths relative to `dist/`) and the platform:
 * - `<env>/bootstrap/argo-cd/kustomization.yaml`: the argo-cd chart (same
 *   chart, version, release and values as the argo-cd Application, so what
 *   bootstrap installs is what Argo CD then manages), the namespace and
 *   Argo CD's ConfigMaps (`../../argocd-config`);
 * - `<env>/argocd-config/kustomization.yaml`: the ConfigMaps, so that the
 *   bootstrap can use them as a base (Argo CD builds it alike);
 * - `<env>/bootstrap/kustomization.yaml`: the cluster's registration, the
 *   platform AppProject and the root Application, applied once Argo CD's CRDs
 *   exist (`kubectl apply -k`, no Helm needed).
 * Kustomize renders the chart with `kubectl kustomize --enable-helm` (docs/new-cluster.md).
 */
export function bootstrapKustomizations(platform: ResolvedPlatform, files: Iterable<string>): Map<string, Kustomization> {
  const byDir = new Map<string, string[]>();
  for (const file of files) {
    const m = /^([^/]+)\/(bootstrap|bootstrap\/argo-cd|argocd-config)\/([^/]+\.yaml)$/.exec(file);
    if (!m || m[3] === 'kustomization.yaml') continue;
    const dir = `${m[1]}/${m[2]}`;
    byDir.set(dir, [...(byDir.get(dir) ?? []), m[3]]);
  }
  const out = new Map<string, Kustomization>();
  for (const env of platform.environments) {
    const argocd = env.addons.find((a) => a.name === 'argo-cd')!;
    const list = (dir: string) => [...(byDir.get(`${env.name}/${dir}`) ?? [])].sort();
    out.set(`${env.name}/${ARGOCD_CONFIG_DIR}/kustomization.yaml`, { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: list(ARGOCD_CONFIG_DIR) });
    out.set(`${env.name}/${BOOTSTRAP_ARGOCD_DIR}/kustomization.yaml`, {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: [...list(BOOTSTRAP_ARGOCD_DIR), `../../${ARGOCD_CONFIG_DIR}`],
      helmCharts: [{
        name: argocd.chart,
        repo: argocd.repoURL,
        version: argocd.version,
        releaseName: argocd.releaseName,
        namespace: argocd.namespace,
        includeCRDs: true,
        valuesInline: addonValues(argocd, env),
      }],
    });
    out.set(`${env.name}/${BOOTSTRAP_DIR}/kustomization.yaml`, {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: list(BOOTSTRAP_DIR),
    });
  }
  return out;
}
