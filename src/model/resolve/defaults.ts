/**
 * Every default of the model, stated once. Resolvers apply them; validators
 * read them where a check depends on the value that will be used; renderers
 * never apply a model default.
 */

export const DEFAULT_RESOURCES = { cpuRequest: '100m', cpuLimit: '500m', memoryRequest: '128Mi', memoryLimit: '256Mi' } as const;

export const DEFAULT_QUOTA = { requestsCpu: '4', requestsMemory: '8Gi', pods: 50 } as const;

/** Each preview namespace's quota: one small app and its rollout. */
export const DEFAULT_PREVIEW_QUOTA = { requestsCpu: '1', requestsMemory: '2Gi', pods: 10 } as const;

export const DEFAULT_PREVIEW_REQUEUE_SECONDS = 180;

export const DEFAULT_CLUSTER_RANGES = {
  nodesCidr: '10.0.0.0/20',
  podsCidr: '10.4.0.0/14',
  servicesCidr: '10.8.0.0/20',
  controlPlaneCidr: '172.16.0.0/28',
} as const;

export const DEFAULT_MAINTENANCE_START = '03:00';

export const DEFAULT_NODE_POOL = { name: 'general', machineType: 'e2-standard-4', minNodes: 1, maxNodes: 3, diskSizeGb: 100, spot: false } as const;

export const DEFAULT_AUTOMATED_SYNC = { prune: true, selfHeal: true } as const;

export const DEFAULT_RETRY = { limit: 5, backoffDuration: '10s', backoffFactor: 2, backoffMaxDuration: '3m' } as const;

/** Probe timing: an unset initial delay depends on the probe. */
export const DEFAULT_PROBE_TIMING = { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 } as const;
export const DEFAULT_PROBE_INITIAL_DELAY = { readiness: 5, liveness: 15, startup: 0 } as const;

export const DEFAULT_CRON = { timeZone: 'Etc/UTC', activeDeadlineSeconds: 3600, backoffLimit: 2 } as const;
export const DEFAULT_MIGRATION = { activeDeadlineSeconds: 900, backoffLimit: 1 } as const;

export const DEFAULT_ROLLING_UPDATE = { maxSurge: 1, maxUnavailable: 0 } as const;
export const DEFAULT_ANALYSIS = {
  prometheusAddress: 'http://frontend.gmp-system.svc.cluster.local:9090',
  interval: '1m',
  failureLimit: 2,
  initialDelay: '2m',
  inconclusiveLimit: 3,
} as const;
export const DEFAULT_BLUE_GREEN = { autoPromote: false, scaleDownDelaySeconds: 30 } as const;
/** Argo Rollouts' rollback window, in revisions, of a canary or blue-green. */
export const DEFAULT_ROLLBACK_WINDOW = 3;

export const DEFAULT_METRICS = { path: '/metrics', interval: '30s' } as const;
export const DEFAULT_TARGET_CPU_UTILIZATION = 70;
export const DEFAULT_SYNC_WINDOW = { manualSync: true, timeZone: 'UTC' } as const;

/** What private services access serves when the environment does not say: Cloud SQL. */
export const DEFAULT_PRIVATE_SERVICE_APIS = ['sqladmin.googleapis.com'] as const;

/** The namespace Argo CD runs in (and its add-on Application deploys it to). */
export const ARGOCD_NAMESPACE = 'argocd';

/** Pull requests ask for an app's preview with the label `preview:<app>`. */
export const PREVIEW_LABEL_PREFIX = 'preview:';

/**
 * The add-ons' upstream Helm charts and the versions this engine pins, each
 * checked against a published release (docs/operators.md says where):
 * argo-cd 9.2.4 runs Argo CD v3.2.3, external-secrets 2.0.0 runs ESO v2.0.0,
 * argo-rollouts 2.41.1 runs Argo Rollouts v1.9.1.
 */
export const ADDON_CHARTS = {
  'argo-cd': { repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '9.2.4', namespace: 'argocd', releaseName: 'argocd' },
  'external-secrets': {
    repoURL: 'https://charts.external-secrets.io', chart: 'external-secrets', version: '2.0.0', namespace: 'external-secrets', releaseName: 'external-secrets',
  },
  'argo-rollouts': { repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-rollouts', version: '2.41.1', namespace: 'argo-rollouts', releaseName: 'argo-rollouts' },
} as const;

/** Replicas and resources of each add-on's controllers: two of each in production (one may be drained), one elsewhere. */
export const ADDON_SIZING = {
  production: { replicas: 2, resources: { cpuRequest: '250m', cpuLimit: '1', memoryRequest: '512Mi', memoryLimit: '1Gi' } },
  other: { replicas: 1, resources: { cpuRequest: '100m', cpuLimit: '500m', memoryRequest: '256Mi', memoryLimit: '512Mi' } },
} as const;

export const DEFAULT_NOTIFICATIONS = { outOfSyncAfter: '30m', emailPort: 587 } as const;

/** The Argo CD notifications' Google identity and the Secret Manager secrets of the services' credentials. */
export const NOTIFICATIONS_IDENTITY = {
  accountId: 'argocd-notifications',
  serviceAccountName: 'argocd-notifications-secrets',
  secrets: { slack: { key: 'slack-token', secretId: 'argocd-notifications-slack-token' }, email: { key: 'email-password', secretId: 'argocd-notifications-email-password' } },
} as const;

export const DEFAULT_PIPELINE = { terraformVersion: '1.13.4', driftSchedule: '17 5 * * 1-5' } as const;

/** The pipeline's Workload Identity Federation pool, provider and service accounts, in each environment's project. */
export const PIPELINE_IDENTITY = {
  pool: 'platform-pipeline',
  provider: 'github',
  plan: 'terraform-plan',
  apply: 'terraform-apply',
  /** The workflow, and the branch, whose jobs alone may impersonate the apply identity (projenrc/infrastructure.ts writes it). */
  applyWorkflow: '.github/workflows/infrastructure.yml',
  applyRef: 'refs/heads/main',
} as const;
