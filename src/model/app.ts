/** The kind of workload an app runs; each renders to a different Kubernetes workload. */
export class Workload {
  /** A long-running server behind a Service (Deployment + Service). */
  public static service(): Workload {
    return new Workload('service');
  }

  /** A long-running background worker with no Service (Deployment). */
  public static worker(): Workload {
    return new Workload('worker');
  }

  /**
   * A scheduled job (CronJob).
   * @param options.schedule cron expression, five fields, in `timeZone`
   */
  public static cronJob(options: CronJobOptions): Workload {
    return new Workload('cron-job', { cron: optionsObject('Workload.cronJob', options, '{ schedule: "0 2 * * *" }') });
  }

  /**
   * A one-off migration Job that runs as an Argo CD PreSync hook of the app it
   * migrates: it runs, and must succeed, before that app's new version is applied.
   */
  public static migration(options: MigrationOptions): Workload {
    return new Workload('migration', { migration: optionsObject('Workload.migration', options, '{ migrates: "orders-api" }') });
  }

  /** Set for `cron-job`: its options as declared. */
  public readonly cron?: CronJobOptions;
  /** Set for `migration`: its options as declared. */
  public readonly migration?: MigrationOptions;

  private constructor(
    /** `service`, `worker`, `cron-job` or `migration`. */
    public readonly kind: WorkloadKind,
    options: { readonly cron?: CronJobOptions; readonly migration?: MigrationOptions } = {},
  ) {
    this.cron = options.cron;
    this.migration = options.migration;
  }

  /** Whether this workload runs continuously (and so has replicas, probes and a disruption budget). */
  public get isLongRunning(): boolean {
    return this.kind === 'service' || this.kind === 'worker';
  }
}

export type WorkloadKind = 'service' | 'worker' | 'cron-job' | 'migration';

export interface CronJobOptions {
  /** Cron expression, five fields, e.g. `'0 2 * * *'`. */
  readonly schedule: string;
  /** IANA time zone of the schedule. @default 'Etc/UTC' */
  readonly timeZone?: string;
  /** Longest a run may take, in seconds. @default 3600 */
  readonly activeDeadlineSeconds?: number;
  /** Retries of a failed run. @default 2 */
  readonly backoffLimit?: number;
}

export interface MigrationOptions {
  /** The app (service or worker) whose sync this migration runs before. */
  readonly migrates: string;
  /** Longest the migration may take, in seconds. @default 900 */
  readonly activeDeadlineSeconds?: number;
  /** Retries of a failed migration. @default 1 */
  readonly backoffLimit?: number;
}

/** A port a container listens on. */
export interface PortSpec {
  /** Port name (at most 15 characters), e.g. `http`. */
  readonly name: string;
  /** Port number, 1-65535. */
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

/** A call to another app, limited to some of its ports. */
/** Pods of another namespace that may call an app. */
export interface NamespaceCallerSpec {
  readonly namespace: string;
  /** Names of the app's ports they may call. @default - all of them */
  readonly ports?: readonly string[];
}

export interface CallSpec {
  /** The app called: a service. */
  readonly app: string;
  /** Names of the callee's ports that this app calls, e.g. `['http']`. @default - every port of the callee */
  readonly ports?: readonly string[];
}

/** Timing of a probe. */
export interface ProbeTiming {
  /** @default 5 for readiness, 15 for liveness */
  readonly initialDelaySeconds?: number;
  /** @default 10 */
  readonly periodSeconds?: number;
  /** @default 3 */
  readonly timeoutSeconds?: number;
  /** @default 3 */
  readonly failureThreshold?: number;
}

/** A health check of a container. */
export class Probe {
  /** HTTP GET on `path` at the named port; healthy on 2xx/3xx. */
  public static http(path: string, port: string, timing: ProbeTiming = {}): Probe {
    return new Probe({ type: 'http', path, port }, timing);
  }

  /** A TCP connection to the named port. */
  public static tcp(port: string, timing: ProbeTiming = {}): Probe {
    return new Probe({ type: 'tcp', port }, timing);
  }

  /** A command run in the container; healthy on exit code 0. */
  public static exec(command: readonly string[], timing: ProbeTiming = {}): Probe {
    return new Probe({ type: 'exec', command }, timing);
  }

  private constructor(
    public readonly check:
    | { readonly type: 'http'; readonly path: string; readonly port: string }
    | { readonly type: 'tcp'; readonly port: string }
    | { readonly type: 'exec'; readonly command: readonly string[] },
    public readonly timing: ProbeTiming,
  ) {}
}

/** Who can reach an app from outside its pods. */
export class Exposure {
  /** Reachable only inside the cluster, from the apps that declare it in `calls`. */
  public static internal(): Exposure {
    return new Exposure(false);
  }

  /**
   * Reachable from the internet through the Google external HTTPS load balancer
   * at `<subdomain>.<environment domain>` (or the environment's `host` override).
   */
  public static public(options: PublicExposureOptions): Exposure {
    return new Exposure(true, optionsObject('Exposure.public', options, '{ subdomain: "shop" }'));
  }

  private constructor(
    public readonly isPublic: boolean,
    /** The options as declared (for a public app). */
    public readonly declared?: PublicExposureOptions,
  ) {}

  /** The subdomain of a public app. */
  public get subdomain(): string | undefined {
    return this.declared?.subdomain;
  }

  /** The port name a public app's load balancer sends traffic to. */
  public get port(): string | undefined {
    return this.declared?.port;
  }

  /** The path prefix routed to a public app. */
  public get path(): string | undefined {
    return this.declared?.path;
  }
}

/** Where a public app is reachable. */
export interface PublicExposureOptions {
  /** Host name under the environment's domain: `<subdomain>.<domain>`. */
  readonly subdomain: string;
  /** Port name the load balancer sends traffic to. @default - the app's first port */
  readonly port?: string;
  /** Path prefix routed to the app. @default '/' */
  readonly path?: string;
}

/** One step of a canary rollout. */
export class CanaryStep {
  /** Send `percent` of the pods (and so of the traffic) to the new version. */
  public static weight(percent: number): CanaryStep {
    return new CanaryStep({ weight: percent });
  }

  /** Wait `duration` (e.g. `'5m'`, `'1h'`) before the next step. */
  public static pause(duration: string): CanaryStep {
    return new CanaryStep({ pauseDuration: duration });
  }

  /** Wait until a person promotes the rollout (`kubectl argo rollouts promote <app>`). */
  public static pauseUntilPromoted(): CanaryStep {
    return new CanaryStep({ manualPause: true });
  }

  /** Share of pods, in percent, for a weight step. */
  public readonly weight?: number;
  /** How long a timed pause lasts. */
  public readonly pauseDuration?: string;
  /** Whether this pause waits for a person. */
  public readonly manualPause: boolean;

  private constructor(step: { readonly weight?: number; readonly pauseDuration?: string; readonly manualPause?: boolean }) {
    this.weight = step.weight;
    this.pauseDuration = step.pauseDuration;
    this.manualPause = step.manualPause ?? false;
  }
}

/** Automated analysis of a canary: a Prometheus query whose result must meet a condition. */
export interface CanaryAnalysis {
  /** PromQL returning one number, e.g. the share of non-5xx responses. */
  readonly query: string;
  /**
   * Condition on `result[0]`, e.g. `result[0] >= 0.99`. A measurement with no number (no series yet, or
   * 0/0 = NaN with no traffic) is neither a success nor a failure: it is inconclusive (see inconclusiveLimit).
   */
  readonly successCondition: string;
  /** Prometheus address. @default 'http://frontend.gmp-system.svc.cluster.local:9090' (Google Managed Prometheus frontend) */
  readonly prometheusAddress?: string;
  /** How often to measure. @default '1m' */
  readonly interval?: string;
  /** Failed measurements before the rollout aborts. @default 2 */
  readonly failureLimit?: number;
  /**
   * How long after the canary starts the first measurement is taken, so that its series exist.
   * @default '2m'
   */
  readonly initialDelay?: string;
  /**
   * Measurements without a number (no traffic to judge) tolerated before the analysis is inconclusive,
   * which pauses the rollout for a person to promote or abort, instead of aborting it.
   * @default 3
   * @see https://argoproj.github.io/argo-rollouts/features/analysis/
   */
  readonly inconclusiveLimit?: number;
}

/** A Deployment's rolling update. */
export interface RollingUpdateOptions {
  /** Extra pods while a rollout runs: a number or a percentage. @default 1 */
  readonly maxSurge?: number | string;
  /** Pods that may be missing while a rollout runs: a number or a percentage. @default 0 */
  readonly maxUnavailable?: number | string;
}

/** An Argo Rollouts canary. */
export interface CanaryOptions {
  /** The steps, e.g. weight 10, pause 5m, weight 50, pause 10m. */
  readonly steps: readonly CanaryStep[];
  /** Automated analysis that aborts a failing canary. @default - none: the steps alone decide */
  readonly analysis?: CanaryAnalysis;
  /**
   * Rolling back to one of this many previous versions skips the steps (the version ran before).
   * @default 3
   * @see https://argoproj.github.io/argo-rollouts/features/rollback/
   */
  readonly rollbackWindow?: number;
}

/** An Argo Rollouts blue-green. */
export interface BlueGreenOptions {
  /** Whether the new version takes over without a person promoting it. @default false */
  readonly autoPromote?: boolean;
  /** Seconds the old version keeps running after the switch, for a quick abort. @default 30 */
  readonly scaleDownDelaySeconds?: number;
  /**
   * Rolling back to one of this many previous versions switches at once, without waiting for promotion.
   * @default 3
   * @see https://argoproj.github.io/argo-rollouts/features/rollback/
   */
  readonly rollbackWindow?: number;
}

/** How a new version replaces the old one. */
export class Delivery {
  /** A Deployment rolling update: `maxSurge` extra pods at a time, at most `maxUnavailable` missing. */
  public static rollingUpdate(options: RollingUpdateOptions = {}): Delivery {
    return new Delivery('rolling-update', options);
  }

  /**
   * An Argo Rollouts canary: the new version gets a growing share of pods
   * through `steps`, optionally gated by automated analysis; aborting returns
   * to the stable version.
   */
  public static canary(options: CanaryOptions): Delivery {
    return new Delivery('canary', optionsObject('Delivery.canary', options, '{ steps: [CanaryStep.weight(20)] }'));
  }

  /**
   * An Argo Rollouts blue-green: the new version runs beside the old one behind
   * a preview Service, and takes over the active Service when promoted.
   */
  public static blueGreen(options: BlueGreenOptions = {}): Delivery {
    return new Delivery('blue-green', options);
  }

  private constructor(
    public readonly kind: 'rolling-update' | 'canary' | 'blue-green',
    /** The options as declared; defaults are applied when the platform resolves. */
    public readonly declared: RollingUpdateOptions | CanaryOptions | BlueGreenOptions,
  ) {}

  /** A rolling update's declared maxSurge. */
  public get maxSurge(): number | string | undefined {
    return this.kind === 'rolling-update' ? (this.declared as RollingUpdateOptions).maxSurge : undefined;
  }

  /** A rolling update's declared maxUnavailable. */
  public get maxUnavailable(): number | string | undefined {
    return this.kind === 'rolling-update' ? (this.declared as RollingUpdateOptions).maxUnavailable : undefined;
  }

  /** A canary's steps. */
  public get steps(): readonly CanaryStep[] | undefined {
    return this.kind === 'canary' ? (this.declared as CanaryOptions).steps : undefined;
  }

  /** A canary's analysis. */
  public get analysis(): CanaryAnalysis | undefined {
    return this.kind === 'canary' ? (this.declared as CanaryOptions).analysis : undefined;
  }

  /** A blue-green's declared autoPromote. */
  public get autoPromote(): boolean | undefined {
    return this.kind === 'blue-green' ? (this.declared as BlueGreenOptions).autoPromote : undefined;
  }

  /** A canary's or blue-green's declared rollback window, in versions. */
  public get rollbackWindow(): number | undefined {
    return this.kind === 'rolling-update' ? undefined : (this.declared as CanaryOptions | BlueGreenOptions).rollbackWindow;
  }

  /** A blue-green's declared scale-down delay. */
  public get scaleDownDelaySeconds(): number | undefined {
    return this.kind === 'blue-green' ? (this.declared as BlueGreenOptions).scaleDownDelaySeconds : undefined;
  }
}

/** CPU and memory of one container. */
/**
 * Metrics the app serves in the Prometheus format, which Google Cloud Managed
 * Service for Prometheus scrapes (a PodMonitoring). Queries select an app's
 * series with `namespace="<namespace>", app="<app>"`.
 */
export interface MetricsSpec {
  /** Name of the port that serves them, one of the app's ports. */
  readonly port: string;
  /** @default '/metrics' */
  readonly path?: string;
  /** How often they are scraped, a Prometheus duration. @default '30s' */
  readonly interval?: string;
}

export interface ResourcesSpec {
  /** CPU reserved, e.g. `'100m'`. @default '100m' */
  readonly cpuRequest?: string;
  /** CPU ceiling. @default '500m' */
  readonly cpuLimit?: string;
  /** Memory reserved, e.g. `'128Mi'`. @default '128Mi' */
  readonly memoryRequest?: string;
  /** Memory ceiling (the container is killed above it). @default '256Mi' */
  readonly memoryLimit?: string;
}

/** Horizontal autoscaling on CPU utilisation. */
export interface AutoscalingSpec {
  /** @default the environment's replicas */
  readonly minReplicas?: number;
  readonly maxReplicas: number;
  /** Target average CPU utilisation, percent of requests. @default 70 */
  readonly targetCpuUtilization?: number;
}

/** A secret the app reads, held in GCP Secret Manager and synced by External Secrets. */
export interface SecretRef {
  /** Secret name (DNS label), e.g. `db-password`; the Secret Manager secret is `<app>-<name>`. */
  readonly name: string;
  /** Environment variable that receives the value, e.g. `DB_PASSWORD`. */
  readonly envVar: string;
}

/** The app's Google identity, through GKE Workload Identity. */
export interface CloudIdentitySpec {
  /** IAM roles granted to the app's Google service account in its environment's project. @default [] */
  readonly roles?: readonly string[];
  /** Google service account id. @default the app name */
  readonly accountId?: string;
  /**
   * IAM roles granted on single BigQuery datasets of the environment's project, instead of
   * project-wide, e.g. `[{ dataset: 'sales', role: 'roles/bigquery.dataEditor' }]`. The datasets
   * are not created here: each must exist in every environment the app runs in.
   * @default []
   * @see https://cloud.google.com/bigquery/docs/control-access-to-resources-iam
   */
  readonly datasetRoles?: readonly DatasetRoleSpec[];
}

/** An IAM role on one BigQuery dataset. */
export interface DatasetRoleSpec {
  /** The dataset id in the environment's project, e.g. `sales`. */
  readonly dataset: string;
  /** A BigQuery role, e.g. `roles/bigquery.dataViewer` or `roles/bigquery.dataEditor`. */
  readonly role: string;
}

/**
 * A declared exception to one guardrail rule, for one app. Shown in the
 * output of every synth and check, so it is never invisible.
 */
export interface ExemptionSpec {
  /** The rule's id, e.g. `read-only-root-filesystem`. */
  readonly rule: string;
  /** Why the rule cannot be met (required; reviewers read it). */
  readonly reason: string;
  /** Last day the exemption holds, `YYYY-MM-DD`; after it the rule applies again. @default - no expiry */
  readonly expires?: string;
  /** Environments it applies to. @default - all */
  readonly environments?: readonly string[];
}

/** An application: declared once, deployed to every environment with a version in its release file. */
export interface AppSpec {
  /** App name (DNS-1035 label): names its workload, Service, ServiceAccount and Argo CD Application. */
  readonly name: string;
  /** The owning team. */
  readonly team: string;
  /** What kind of workload it runs. */
  readonly workload: Workload;
  /** One line on what it does. */
  readonly description?: string;
  /** Namespace. @default the team's first namespace */
  readonly namespace?: string;
  /** Image repository without tag; the tag and digest come from each environment's release file. */
  readonly image: string;
  /** Container entrypoint. @default - the image's */
  readonly command?: readonly string[];
  /** Container arguments. @default - the image's */
  readonly args?: readonly string[];
  /** Ports the container listens on. Required for services. @default [] */
  readonly ports?: readonly PortSpec[];
  /** CPU and memory. @default - see ResourcesSpec */
  readonly resources?: ResourcesSpec;
  /** Health checks. Readiness and liveness are required for services and workers. */
  readonly probes?: { readonly readiness?: Probe; readonly liveness?: Probe; readonly startup?: Probe };
  /** Plain environment variables (never secrets: use `secrets`). @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** Config files, file name to content, mounted read-only at `configMountPath`. @default {} */
  readonly configFiles?: Readonly<Record<string, string>>;
  /** Where config files are mounted. @default `/etc/<name>` */
  readonly configMountPath?: string;
  /** Secrets read from GCP Secret Manager. Implies a cloud identity. @default [] */
  readonly secrets?: readonly SecretRef[];
  /** Google identity through Workload Identity. @default - none, unless secrets are declared */
  readonly identity?: CloudIdentitySpec;
  /** Who can reach it. @default Exposure.internal() */
  readonly exposure?: Exposure;
  /**
   * Apps this app calls: an app's name (every port of it), or `{ app, ports }`
   * (only the named ports). Each call is allowed by NetworkPolicy on both
   * sides, on those ports only. @default []
   */
  readonly calls?: readonly (string | CallSpec)[];
  /**
   * Callers that are not apps of this platform, admitted by namespace: a
   * controller installed on the cluster (Argo Rollouts' analysis, an ingress
   * controller in the cluster). Each may call the named ports (default: all).
   * @default []
   */
  readonly calledFrom?: readonly NamespaceCallerSpec[];
  /** Whether the app may open connections to the internet on port 443. @default false */
  readonly internetEgress?: boolean;
  /** Endpoints outside the cluster the app connects to, by name; each environment declares their addresses in `endpoints`. @default [] */
  readonly egress?: readonly string[];
  /** Replicas of a service or worker. @default 1 */
  readonly replicas?: number;
  /** Horizontal autoscaling. @default - none */
  readonly autoscaling?: AutoscalingSpec;
  /** Pods that may be down at once during voluntary disruptions. @default 1 */
  readonly maxUnavailable?: number;
  /**
   * Seconds a stopping pod gets between SIGTERM and SIGKILL, to finish its requests or its run.
   * @default 30
   * @see https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
   */
  readonly terminationGracePeriodSeconds?: number;
  /** Guardrail rules this app is exempt from, each with a reason. @default [] */
  readonly exemptions?: readonly ExemptionSpec[];
  /** The file that declares the app, named in its errors. @default `src/apps/<name>.ts` */
  readonly sourceFile?: string;
  /** Prometheus metrics to collect, for dashboards, alerts and a canary's analysis. @default - none collected */
  readonly metrics?: MetricsSpec;
  /** How a new version of a service or worker replaces the old one. @default Delivery.rollingUpdate() */
  readonly delivery?: Delivery;
}

/**
 * What differs for one app in one environment. Everything else comes from the
 * app's declaration; the version comes from the environment's release file.
 */
export interface AppOverride {
  /** Set to false to not deploy the app to this environment. @default true */
  readonly enabled?: boolean;
  readonly replicas?: number;
  /** Merged over the app's resources. */
  readonly resources?: ResourcesSpec;
  /** Merged over the app's env (feature flags live here). */
  readonly env?: Readonly<Record<string, string>>;
  /** Replaces the app's autoscaling. */
  readonly autoscaling?: AutoscalingSpec;
  /** Exact public host here, instead of `<subdomain>.<domain>`. */
  readonly host?: string;
  /** Replaces the app's maxUnavailable. */
  readonly maxUnavailable?: number;
  /** Replaces a cron job's schedule. */
  readonly schedule?: string;
  /** Replaces the app's delivery strategy here (e.g. a canary in production only). */
  readonly delivery?: Delivery;
}

/**
 * A factory's required options object, or a TypeError thrown where the
 * declaration calls it (the loader names that file and line): every other
 * problem of the options is reported with the rest when the platform resolves.
 */
function optionsObject<T>(factory: string, options: T, example: string): T {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${factory}() takes an options object, e.g. ${factory}(${example}) (received ${options === null ? 'null' : Array.isArray(options) ? 'a list' : typeof options})`);
  }
  return options;
}
