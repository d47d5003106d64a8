/**
 * Every default of the model, stated once. Resolvers apply them; validators
 * read them where a check depends on the value that will be used; renderers
 * never apply a model default.
 */

/**
 * The fewest replicas a long-running workload runs in production (a rollout,
 * a node drain or a zone failure must leave one serving): checked on the
 * declaration by the model and on the rendered objects by the
 * `production-replicas` guardrail.
 */
export const MIN_PRODUCTION_REPLICAS = 2;
export const PRODUCTION_REPLICAS_RULE = 'production-replicas';

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

/**
 * Argo CD's sync timeout (`controller.sync.timeout.seconds`, 0 = none in Argo CD 3.2): at least 30 minutes,
 * and never shorter than a sync retried to its limit, each attempt allowed `attemptSeconds`: the clock runs from
 * the operation's start, across retries (argo-cd controller/appcontroller.go, `syncTimeout`).
 */
export const DEFAULT_SYNC_TIMEOUT = { minimumSeconds: 1800, attemptSeconds: 300 } as const;

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
  'argo-cd': {
    repoURL: 'https://argoproj.github.io/argo-helm',
    chart: 'argo-cd',
    version: '9.2.4',
    namespace: 'argocd',
    releaseName: 'argocd',
    // values.yaml: global.image, dex.image, redis.image (9.x: ecr-public.aws.com, as argocd-redis Deployments of v3.1/3.2 show).
    images: ['quay.io/argoproj/argocd', 'ghcr.io/dexidp/dex', 'ecr-public.aws.com/docker/library/redis'],
  },
  'external-secrets': {
    repoURL: 'https://charts.external-secrets.io',
    chart: 'external-secrets',
    version: '2.0.0',
    namespace: 'external-secrets',
    releaseName: 'external-secrets',
    // image.repository, the default since chart 1.1.0 (it was oci.external-secrets.io, being retired).
    images: ['ghcr.io/external-secrets/external-secrets'],
  },
  'argo-rollouts': {
    repoURL: 'https://argoproj.github.io/argo-helm',
    chart: 'argo-rollouts',
    version: '2.41.1',
    namespace: 'argo-rollouts',
    releaseName: 'argo-rollouts',
    // controller.image (the dashboard, off here, would be the same repository's).
    images: ['quay.io/argoproj/argo-rollouts'],
  },
} as const;

/** Binary Authorization when the cluster does not say. */
export const DEFAULT_BINARY_AUTHORIZATION = 'audit' as const;

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

/**
 * Argo CD's single sign-on credentials: the Secret Manager secrets, the Kubernetes Secret ESO writes them into
 * (referenced from argocd-cm as `$<secret>:<key>`), and the identity that alone reads them.
 */
export const ARGOCD_SSO = {
  accountId: 'argocd-sso',
  serviceAccountName: 'argocd-sso-secrets',
  kubernetesSecret: 'argocd-sso',
  clientSecret: { key: 'client-secret', secretId: 'argocd-sso-client-secret' },
  dexServiceAccountKey: { key: 'google-service-account-key', secretId: 'argocd-dex-google-service-account-key' },
  /** Where Argo CD's Dex reads the key (mounted from the Secret). */
  dexKeyFile: '/etc/dex/google/google-service-account.json',
  oidcScopes: ['openid', 'profile', 'email', 'groups'],
  oidcName: 'SSO',
  urlHost: 'argocd',
} as const;
