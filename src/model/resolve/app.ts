import { createHash } from 'crypto';
import { AppOverride, AppSpec, Delivery, Exposure, Probe, WorkloadKind } from '../app';
import type { EnvironmentSpec } from '../environment';
import type { ReleaseEntry } from '../release';
import type {
  ResolvedDelivery, ResolvedExemption, ResolvedIdentity, ResolvedPeer, ResolvedPort, ResolvedProbe, ResolvedSecret,
} from '../resolved';
import {
  DEFAULT_ANALYSIS, DEFAULT_BLUE_GREEN, DEFAULT_CRON, DEFAULT_METRICS, DEFAULT_MIGRATION, DEFAULT_PROBE_INITIAL_DELAY, DEFAULT_PROBE_TIMING,
  DEFAULT_RESOURCES, DEFAULT_ROLLBACK_WINDOW, DEFAULT_ROLLING_UPDATE, DEFAULT_TARGET_CPU_UTILIZATION,
} from './defaults';
import { type DeclarationIndex, namespaceOf } from '../validate/declarations';
import { callOf } from '../validate/references';
import { recordOr } from '../validate/values';

/** An app in one environment, as the renderers read it: every default and override applied. */
export interface ResolvedApp {
  readonly name: string;
  readonly team: string;
  readonly namespace: string;
  readonly kind: WorkloadKind;
  readonly description?: string;
  readonly imageRepository: string;
  readonly tag: string;
  readonly digest?: string;
  /** `repository:tag` or `repository:tag@digest`. */
  readonly image: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly ports: readonly ResolvedPort[];
  readonly resources: { readonly cpuRequest: string; readonly cpuLimit: string; readonly memoryRequest: string; readonly memoryLimit: string };
  /** Long-running workloads' probes, with their timing; none for jobs. */
  readonly probes: { readonly readiness?: ResolvedProbe; readonly liveness?: ResolvedProbe; readonly startup?: ResolvedProbe };
  /** Sorted by name. */
  readonly env: readonly { readonly name: string; readonly value: string }[];
  /** Sorted by file name. */
  readonly configFiles: readonly { readonly name: string; readonly content: string }[];
  readonly configMountPath: string;
  /** Where the secrets read as files are mounted. */
  readonly secretsMountPath: string;
  /** `<app>-config-<hash of content>`, when the app has config files. */
  readonly configMapName?: string;
  readonly secrets: readonly ResolvedSecret[];
  readonly identity?: ResolvedIdentity;
  readonly serviceAccountName: string;
  readonly exposure: { readonly isPublic: false } | {
    readonly isPublic: true;
    readonly host: string;
    readonly port: ResolvedPort;
    readonly path: string;
    /** The global static IP address of the app's load balancer (created by the cloud layer). */
    readonly addressName: string;
    /** The Google-managed certificate for `host` (created by the cloud layer). */
    readonly certificateName: string;
    /**
     * The load balancer's health check: the readiness probe, which validation holds to an HTTP GET on
     * the exposed port, with its timing.
     */
    readonly healthCheck: {
      readonly path: string;
      readonly periodSeconds: number;
      readonly timeoutSeconds: number;
      readonly failureThreshold: number;
    };
  };
  readonly calls: readonly ResolvedPeer[];
  readonly calledBy: readonly ResolvedPeer[];
  /** Namespaces whose pods may call the app (callers that are not apps of the platform), with the ports they may call. */
  readonly calledFrom: readonly { readonly namespace: string; readonly ports: readonly ResolvedPort[] }[];
  readonly internetEgress: boolean;
  /** Endpoints outside the cluster the app may reach, with this environment's addresses. */
  readonly egress: readonly { readonly name: string; readonly cidr: string; readonly ports: readonly number[] }[];
  readonly replicas: number;
  readonly autoscaling?: { readonly minReplicas: number; readonly maxReplicas: number; readonly targetCpuUtilization: number };
  /** Prometheus metrics scraped from the app's pods (a PodMonitoring), if any. */
  readonly metrics?: { readonly port: ResolvedPort; readonly path: string; readonly interval: string };
  readonly maxUnavailable: number;
  /** Seconds between SIGTERM and SIGKILL. */
  readonly terminationGracePeriodSeconds: number;
  readonly cron?: { readonly schedule: string; readonly timeZone: string; readonly activeDeadlineSeconds: number; readonly backoffLimit: number };
  readonly migration?: { readonly migrates: string; readonly activeDeadlineSeconds: number; readonly backoffLimit: number };
  /** The Argo CD Application (and `dist/<env>/apps/<dir>`) that carries this app's objects: a migration rides with the app it migrates. */
  readonly deployedWith: string;
  /** How a new version replaces the old one here. */
  readonly delivery: ResolvedDelivery;
  /** Guardrail exemptions of this app in this environment. */
  readonly exemptions: readonly ResolvedExemption[];
}

/**
 * One valid app in one valid environment, with every default and override
 * applied: plain data the renderers read as it is. `calledBy` is filled in
 * by the environment, which sees every caller.
 */
export function resolveApp(app: AppSpec, env: EnvironmentSpec, version: ReleaseEntry, index: DeclarationIndex): ResolvedApp {
  const o = recordOr<AppOverride>(env.apps)[app.name] ?? {};
  const namespace = namespaceOf(app, index);
  const ports = (app.ports ?? []).map(resolvePort);
  const envVars = { ...app.env, ...o.env };
  const configFiles = Object.entries(app.configFiles ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, content]) => ({ name, content }));
  const secrets = [...(app.secrets ?? [])]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((s) => ({ name: s.name, envVar: s.envVar, file: s.file, secretId: `${app.name}-${s.name}`, kubernetesSecretName: `${app.name}-${s.name}` }));
  const accountId = app.identity?.accountId ?? app.name;
  const identity = app.identity !== undefined || secrets.length > 0
    ? {
      accountId,
      email: `${accountId}@${env.gcpProject}.iam.gserviceaccount.com`,
      roles: [...new Set(app.identity?.roles ?? [])].sort(),
      datasetRoles: (app.identity?.datasetRoles ?? [])
        .map((g) => ({ dataset: g.dataset, role: g.role }))
        .sort((a, b) => a.dataset.localeCompare(b.dataset) || a.role.localeCompare(b.role)),
      workloadIdentityMember: `serviceAccount:${env.gcpProject}.svc.id.goog[${namespace}/${app.name}]`,
    }
    : undefined;
  const replicas = o.replicas ?? app.replicas ?? 1;
  const autoscaling = o.autoscaling ?? app.autoscaling;
  const { cron, migration } = app.workload;
  return {
    name: app.name,
    team: app.team,
    namespace,
    kind: app.workload.kind,
    description: app.description,
    imageRepository: app.image,
    tag: version.tag,
    digest: version.digest,
    image: `${app.image}:${version.tag}${version.digest ? `@${version.digest}` : ''}`,
    command: app.command,
    args: app.args,
    ports,
    resources: { ...DEFAULT_RESOURCES, ...app.resources, ...o.resources },
    probes: resolveProbes(app),
    env: Object.entries(envVars).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, value]) => ({ name, value })),
    configFiles,
    configMountPath: app.configMountPath ?? `/etc/${app.name}`,
    secretsMountPath: app.secretsMountPath ?? `/var/run/secrets/${app.name}`,
    configMapName: configFiles.length > 0 ? `${app.name}-config-${contentHash(configFiles)}` : undefined,
    secrets,
    identity,
    serviceAccountName: app.name,
    exposure: resolveExposure(app, env, o, ports),
    calls: resolveCalls(app, index),
    calledBy: [],
    calledFrom: (app.calledFrom ?? []).map((c) => ({
      namespace: c.namespace,
      ports: ports.filter((p) => c.ports === undefined || c.ports.includes(p.name)),
    })),
    internetEgress: app.internetEgress ?? false,
    egress: [...new Set(app.egress ?? [])].sort().map((name) => {
      const endpoint = recordOr(env.endpoints)[name];
      return { name, cidr: endpoint.cidr, ports: [...endpoint.ports] };
    }),
    replicas: autoscaling ? (autoscaling.minReplicas ?? replicas) : replicas,
    autoscaling: autoscaling
      ? {
        minReplicas: autoscaling.minReplicas ?? replicas,
        maxReplicas: autoscaling.maxReplicas,
        targetCpuUtilization: autoscaling.targetCpuUtilization ?? DEFAULT_TARGET_CPU_UTILIZATION,
      }
      : undefined,
    maxUnavailable: o.maxUnavailable ?? app.maxUnavailable ?? 1,
    terminationGracePeriodSeconds: app.terminationGracePeriodSeconds ?? 30,
    metrics: app.metrics
      ? {
        port: ports.find((p) => p.name === app.metrics!.port)!,
        path: app.metrics.path ?? DEFAULT_METRICS.path,
        interval: app.metrics.interval ?? DEFAULT_METRICS.interval,
      }
      : undefined,
    cron: cron
      ? {
        schedule: o.schedule ?? cron.schedule,
        timeZone: cron.timeZone ?? DEFAULT_CRON.timeZone,
        activeDeadlineSeconds: cron.activeDeadlineSeconds ?? DEFAULT_CRON.activeDeadlineSeconds,
        backoffLimit: cron.backoffLimit ?? DEFAULT_CRON.backoffLimit,
      }
      : undefined,
    migration: migration
      ? {
        migrates: migration.migrates,
        activeDeadlineSeconds: migration.activeDeadlineSeconds ?? DEFAULT_MIGRATION.activeDeadlineSeconds,
        backoffLimit: migration.backoffLimit ?? DEFAULT_MIGRATION.backoffLimit,
      }
      : undefined,
    deployedWith: migration ? migration.migrates : app.name,
    delivery: resolveDelivery(app.name, o.delivery ?? app.delivery ?? Delivery.rollingUpdate()),
    exemptions: (app.exemptions ?? [])
      .filter((x) => !x.environments || x.environments.includes(env.name))
      .map((x) => ({ rule: x.rule, reason: x.reason.trim(), expires: x.expires })),
  };
}

export function resolvePort(p: { name: string; port: number; protocol?: 'TCP' | 'UDP' }): ResolvedPort {
  return { name: p.name, port: p.port, protocol: p.protocol ?? 'TCP' };
}

function resolveProbes(app: AppSpec): ResolvedApp['probes'] {
  const probes: { readiness?: ResolvedProbe; liveness?: ResolvedProbe; startup?: ResolvedProbe } = {};
  if (!app.workload.isLongRunning) return probes;
  for (const which of ['readiness', 'liveness', 'startup'] as const) {
    const p = app.probes?.[which];
    if (p instanceof Probe) probes[which] = resolveProbe(p, DEFAULT_PROBE_INITIAL_DELAY[which]);
  }
  return probes;
}

function resolveProbe(p: Probe, initialDelaySeconds: number): ResolvedProbe {
  const timing = {
    initialDelaySeconds: p.timing.initialDelaySeconds ?? initialDelaySeconds,
    periodSeconds: p.timing.periodSeconds ?? DEFAULT_PROBE_TIMING.periodSeconds,
    timeoutSeconds: p.timing.timeoutSeconds ?? DEFAULT_PROBE_TIMING.timeoutSeconds,
    failureThreshold: p.timing.failureThreshold ?? DEFAULT_PROBE_TIMING.failureThreshold,
  };
  switch (p.check.type) {
    case 'http':
      return { type: 'http', path: p.check.path, port: p.check.port, ...timing };
    case 'tcp':
      return { type: 'tcp', port: p.check.port, ...timing };
    case 'exec':
      return { type: 'exec', command: [...p.check.command], ...timing };
  }
}

function resolveExposure(app: AppSpec, env: EnvironmentSpec, o: AppOverride, ports: readonly ResolvedPort[]): ResolvedApp['exposure'] {
  if (!app.exposure?.isPublic) return { isPublic: false };
  // Validation holds a public app's readiness probe to an HTTP GET on the exposed port.
  const readiness = resolveProbes(app).readiness as Extract<ResolvedProbe, { type: 'http' }>;
  const host = o.host ?? `${app.exposure.subdomain}.${env.domain}`;
  return {
    isPublic: true,
    host,
    port: ports.find((p) => p.name === (app.exposure as Exposure).port) ?? ports[0],
    path: app.exposure.path ?? '/',
    addressName: `${app.name}-ip`,
    certificateName: certificateName(app.name, host),
    healthCheck: {
      path: readiness.path,
      periodSeconds: readiness.periodSeconds,
      timeoutSeconds: readiness.timeoutSeconds,
      failureThreshold: readiness.failureThreshold,
    },
  };
}

function resolveCalls(app: AppSpec, index: DeclarationIndex): ResolvedPeer[] {
  const calls: ResolvedPeer[] = [];
  for (const entry of app.calls ?? []) {
    const call = callOf(entry)!;
    const target = index.apps.get(call.app)!;
    calls.push({
      app: call.app,
      namespace: namespaceOf(target, index),
      ports: (target.ports ?? []).filter((p) => call.ports === undefined || call.ports.includes(p.name)).map(resolvePort),
    });
  }
  return calls.sort((a, b) => a.app.localeCompare(b.app));
}

export function resolveDelivery(app: string, d: Delivery): ResolvedDelivery {
  switch (d.kind) {
    case 'canary':
      return {
        kind: 'canary',
        rollbackWindow: d.rollbackWindow ?? DEFAULT_ROLLBACK_WINDOW,
        steps: (d.steps ?? []).map((s) => (s.weight !== undefined
          ? { setWeight: s.weight }
          : { pause: s.pauseDuration ? { duration: s.pauseDuration } : {} })),
        analysis: d.analysis
          ? {
            templateName: `${app}-canary-analysis`,
            query: d.analysis.query,
            successCondition: d.analysis.successCondition,
            prometheusAddress: d.analysis.prometheusAddress ?? DEFAULT_ANALYSIS.prometheusAddress,
            interval: d.analysis.interval ?? DEFAULT_ANALYSIS.interval,
            failureLimit: d.analysis.failureLimit ?? DEFAULT_ANALYSIS.failureLimit,
            initialDelay: d.analysis.initialDelay ?? DEFAULT_ANALYSIS.initialDelay,
            inconclusiveLimit: d.analysis.inconclusiveLimit ?? DEFAULT_ANALYSIS.inconclusiveLimit,
          }
          : undefined,
      };
    case 'blue-green':
      return {
        kind: 'blue-green',
        rollbackWindow: d.rollbackWindow ?? DEFAULT_ROLLBACK_WINDOW,
        previewService: `${app}-preview`,
        autoPromote: d.autoPromote ?? DEFAULT_BLUE_GREEN.autoPromote,
        scaleDownDelaySeconds: d.scaleDownDelaySeconds ?? DEFAULT_BLUE_GREEN.scaleDownDelaySeconds,
      };
    default:
      return { kind: 'rolling-update', maxSurge: d.maxSurge ?? DEFAULT_ROLLING_UPDATE.maxSurge, maxUnavailable: d.maxUnavailable ?? DEFAULT_ROLLING_UPDATE.maxUnavailable };
  }
}

/**
 * `<app>-cert-<first 6 hex of the SHA-256 of the host>` (at most 63 characters): a
 * managed certificate cannot change its domains, so a new host is a new certificate,
 * created beside the old one while the load balancer still serves it.
 */
export function certificateName(app: string, host: string): string {
  return `${app.slice(0, 51)}-cert-${createHash('sha256').update(host).digest('hex').slice(0, 6)}`;
}

/** First 10 hex characters of the SHA-256 of config files (names and contents). */
export function contentHash(files: readonly { name: string; content: string }[]): string {
  const hash = createHash('sha256');
  for (const f of files) {
    hash.update(f.name).update('\0').update(f.content).update('\0');
  }
  return hash.digest('hex').slice(0, 10);
}
