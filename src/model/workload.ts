import { optionsObject } from './options';

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
