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

/** Pull requests ask for an app's preview with the label `preview:<app>`. */
export const PREVIEW_LABEL_PREFIX = 'preview:';
