import type { EnvironmentPipelineSpec } from './addons';
import type { AppOverride } from './app';
import type { ReleaseFile } from './release';
import type { QuotaSpec, TeamOverride } from './team';

/** How an environment is treated by guardrails and defaults. */
export class Tier {
  /** Fast feedback; teams may edit their namespaces by hand. */
  public static readonly DEVELOPMENT = new Tier('development', false);
  /** Production-like; changes arrive by promotion only. */
  public static readonly STAGING = new Tier('staging', false);
  /** Production: stricter rules (replicas, digests, disruption budgets). */
  public static readonly PRODUCTION = new Tier('production', true);

  private constructor(
    /** The tier's name, as rendered. */
    public readonly name: string,
    /** Whether production rules apply. */
    public readonly isProduction: boolean,
  ) {}
}

/** The GKE release channel a cluster follows. */
export class ReleaseChannel {
  public static readonly RAPID = new ReleaseChannel('RAPID');
  public static readonly REGULAR = new ReleaseChannel('REGULAR');
  public static readonly STABLE = new ReleaseChannel('STABLE');

  private constructor(
    /** The value GKE expects (`RAPID`, `REGULAR`, `STABLE`). */
    public readonly value: string,
  ) {}
}

/**
 * Whether GKE checks images against the project's Binary Authorization
 * policy, which admits the apps' Artifact Registry repositories, the
 * add-ons' images and Google's system images.
 */
export class BinaryAuthorization {
  /** Not evaluated: no policy is rendered. */
  public static readonly DISABLED = new BinaryAuthorization('disabled');
  /** Evaluated, and an image outside the policy is logged (dry run), not blocked. */
  public static readonly AUDIT = new BinaryAuthorization('audit');
  /** Evaluated, and an image outside the policy is refused. */
  public static readonly ENFORCE = new BinaryAuthorization('enforce');

  private constructor(
    /** `disabled`, `audit` or `enforce`. */
    public readonly mode: 'disabled' | 'audit' | 'enforce',
  ) {}
}

/** The RBAC role a team's group gets in its own namespaces. */
export class TeamAccess {
  /** `edit`: the team can change its workloads by hand (drift is then self-healed). */
  public static readonly EDIT = new TeamAccess('edit');
  /** `view`: read-only; changes only through Git. */
  public static readonly VIEW = new TeamAccess('view');

  private constructor(
    /** The ClusterRole bound. */
    public readonly clusterRole: string,
  ) {}
}

/** Retry policy for Argo CD syncs. */
export interface RetrySpec {
  /** How many times a failed sync is retried. @default 5 */
  readonly limit?: number;
  /** First backoff, as an Argo CD duration. @default '10s' */
  readonly backoffDuration?: string;
  /** Backoff multiplier. @default 2 */
  readonly backoffFactor?: number;
  /** Longest backoff. @default '3m' */
  readonly backoffMaxDuration?: string;
}

/** Options of an automated sync. */
export interface AutomatedSyncOptions {
  /** Delete what Git no longer has. @default true */
  readonly prune?: boolean;
  /** Revert hand edits. @default true */
  readonly selfHeal?: boolean;
  /** How a failed sync is retried. @default - see RetrySpec */
  readonly retry?: RetrySpec;
}

/** Options of a manual sync. */
export interface ManualSyncOptions {
  /** How a failed sync is retried. @default - see RetrySpec */
  readonly retry?: RetrySpec;
}

/** How Argo CD keeps an environment in step with Git. */
export class SyncPolicy {
  /**
   * Argo CD syncs on every commit, deletes what Git no longer has (prune) and
   * reverts hand edits (self-heal).
   */
  public static automated(options: AutomatedSyncOptions = {}): SyncPolicy {
    return new SyncPolicy(true, options);
  }

  /** A person presses sync in Argo CD; drift is reported, not corrected. */
  public static manual(options: ManualSyncOptions = {}): SyncPolicy {
    return new SyncPolicy(false, options);
  }

  private constructor(
    public readonly automated: boolean,
    /** The options as declared; defaults are applied when the platform resolves. */
    public readonly declared: AutomatedSyncOptions | ManualSyncOptions,
  ) {}

  /** Declared prune of an automated sync; a manual sync never prunes. */
  public get prune(): boolean | undefined {
    return this.automated ? (this.declared as AutomatedSyncOptions).prune : false;
  }

  /** Declared self-heal of an automated sync; a manual sync never self-heals. */
  public get selfHeal(): boolean | undefined {
    return this.automated ? (this.declared as AutomatedSyncOptions).selfHeal : false;
  }

  /** The retry policy as declared. */
  public get retry(): RetrySpec {
    return this.declared.retry ?? {};
  }
}

/** When Argo CD may (allow) or may not (deny) sync the teams' apps. */
export interface SyncWindowSpec {
  /** `deny`: no automated syncs while the window is open; `allow`: syncs only while one is open. */
  readonly kind: 'allow' | 'deny';
  /** When the window opens, as a cron expression, e.g. `'0 16 * * 5'` (Friday 16:00). */
  readonly schedule: string;
  /** How long it stays open, e.g. `'64h'`. */
  readonly duration: string;
  /** Whether a person may still sync by hand (an emergency fix). @default true */
  readonly manualSync?: boolean;
  /** IANA time zone of the schedule. @default 'UTC' */
  readonly timeZone?: string;
}

/**
 * Preview environments: every open pull request labelled `preview:<app>` gets
 * that app rendered from the pull request's head into its own namespace
 * `pr-<number>-<app>` on this environment's cluster, with a small quota and no
 * secrets, removed when the pull request closes.
 */
export interface PreviewSpec {
  /** The GitHub repository whose pull requests get previews. */
  readonly github: {
    readonly owner: string;
    readonly repo: string;
    /** Secret in the Argo CD namespace holding a GitHub token (key `token`), for private repositories and rate limits. @default - anonymous */
    readonly tokenSecret?: string;
  };
  /** DNS domain of preview hosts: `pr-<number>-<subdomain>.<domain>`. */
  readonly domain: string;
  /** Quota of each preview namespace. @default 1 CPU, 2Gi memory requested, 10 pods */
  readonly quota?: QuotaSpec;
  /** How often Argo CD polls GitHub for pull requests, in seconds. @default 180 */
  readonly requeueAfterSeconds?: number;
}

/** A destination outside the cluster that apps may reach (a Cloud SQL instance, a partner API, …). */
export interface EndpointSpec {
  /** One line on what it is. */
  readonly description: string;
  /** Its address range, e.g. the Cloud SQL private services range. */
  readonly cidr: string;
  /** TCP ports. */
  readonly ports: readonly number[];
  /**
   * A Google-managed service (Cloud SQL, Memorystore) reached over the environment's private services access:
   * its range must lie inside `privateServiceAccess.cidr`, which the Terraform reserves and peers.
   * @default false
   * @see https://cloud.google.com/vpc/docs/private-services-access
   */
  readonly privateServiceAccess?: boolean;
}

/** Private services access: a range of the VPC peered with Google's service producer network (Cloud SQL, Memorystore private IPs). */
export interface PrivateServiceAccessSpec {
  /** The range reserved for the services' private addresses, a /24 or larger, e.g. `10.60.0.0/16`. */
  readonly cidr: string;
  /**
   * APIs of the services placed in it, enabled in the environment's project besides servicenetworking.
   * @default ['sqladmin.googleapis.com'] (Cloud SQL)
   */
  readonly apis?: readonly string[];
}

/** A pool of nodes in an environment's cluster. */
export interface NodePoolSpec {
  /** Pool name (DNS label). */
  readonly name: string;
  /** Compute Engine machine type. @default 'e2-standard-4' */
  readonly machineType?: string;
  /** Autoscaling lower bound, per zone. @default 1 */
  readonly minNodes?: number;
  /** Autoscaling upper bound, per zone. @default 3 */
  readonly maxNodes?: number;
  /** Boot disk size in GB. @default 100 */
  readonly diskSizeGb?: number;
  /** Spot VMs (cheaper, pre-emptible). @default false */
  readonly spot?: boolean;
}

/** A network allowed to reach the cluster's control plane. */
export interface AuthorizedNetwork {
  /** What it is (shown in the GCP console). */
  readonly name: string;
  /** CIDR block, e.g. `203.0.113.0/24`. */
  readonly cidr: string;
}

/** The shape of an environment's GKE cluster. */
export interface ClusterSpec {
  /** Cluster name. @default `${organization}-${environment}` */
  readonly name?: string;
  /** GKE release channel. @default ReleaseChannel.REGULAR */
  readonly releaseChannel?: ReleaseChannel;
  /** Node pools. @default one pool `general` */
  readonly nodePools?: readonly NodePoolSpec[];
  /** Networks allowed to reach the control plane. @default - none: only from inside the VPC */
  readonly authorizedNetworks?: readonly AuthorizedNetwork[];
  /** Start of the daily maintenance window, `HH:MM` UTC. @default '03:00' */
  readonly maintenanceStartTime?: string;
  /** Primary range of the cluster subnet. @default '10.0.0.0/20' */
  readonly nodesCidr?: string;
  /** Secondary range for pods. @default '10.4.0.0/14' */
  readonly podsCidr?: string;
  /** Secondary range for services. @default '10.8.0.0/20' */
  readonly servicesCidr?: string;
  /** Range of the private control plane endpoint (a /28). @default '172.16.0.0/28' */
  readonly controlPlaneCidr?: string;
  /**
   * GKE Binary Authorization: evaluation of the project policy (`PROJECT_SINGLETON_POLICY_ENFORCE`) and what it does with an image it does not admit.
   * @default BinaryAuthorization.AUDIT @see https://cloud.google.com/binary-authorization/docs/setting-up
   */
  readonly binaryAuthorization?: BinaryAuthorization;
}

/** One environment: a GCP project with one GKE cluster, reconciled by Argo CD from `dist/<name>`. */
export interface EnvironmentSpec {
  /** Environment name (DNS label), e.g. `prod`. It names `dist/<name>`. */
  readonly name: string;
  /** Which rules and defaults apply. */
  readonly tier: Tier;
  /** The GCP project that holds this environment's cluster and identities. */
  readonly gcpProject: string;
  /** The project's number, which names the pipeline's Workload Identity provider (needed when the platform declares a `pipeline`). @default - none @see https://cloud.google.com/resource-manager/docs/creating-managing-projects#identifying_projects */
  readonly gcpProjectNumber?: string;
  /** How the Terraform pipeline treats this environment, e.g. `{ bootstrapped: false }` before its first apply by hand. @default - bootstrapped @see docs/pipeline.md */
  readonly pipeline?: EnvironmentPipelineSpec;
  /** GCP region of the cluster. */
  readonly region: string;
  /** The cluster's shape. @default - one regional cluster with one node pool */
  readonly cluster?: ClusterSpec;
  /** Base DNS domain of public hosts, e.g. `dev.acme.dev`. */
  readonly domain: string;
  /** How Argo CD syncs this environment. @default SyncPolicy.automated() */
  readonly sync?: SyncPolicy;
  /** The role teams' groups get in their namespaces. @default TeamAccess.VIEW for production, else TeamAccess.EDIT */
  readonly teamAccess?: TeamAccess;
  /** Destinations outside the cluster that apps name in `egress`, with this environment's addresses. @default {} */
  readonly endpoints?: Readonly<Record<string, EndpointSpec>>;
  /**
   * Private services access for Google-managed services with private IPs (endpoints marked `privateServiceAccess`).
   * @default - none
   */
  readonly privateServiceAccess?: PrivateServiceAccessSpec;
  /** Preview environments on this environment's cluster (usually dev). @default - none */
  readonly previews?: PreviewSpec;
  /** Windows in which Argo CD may or may not sync the teams' apps (declared on each team's AppProject). @default [] */
  readonly syncWindows?: readonly SyncWindowSpec[];
  /** GCS bucket that holds this environment's Terraform state. @default `${gcpProject}-tfstate` */
  readonly stateBucket?: string;
  /** Which version of which app runs here (the release file). */
  readonly release: ReleaseFile;
  /** What differs here from the apps' declarations, keyed by app name. */
  readonly apps?: Readonly<Record<string, AppOverride>>;
  /** What differs here from the teams' declarations, keyed by team name. */
  readonly teams?: Readonly<Record<string, TeamOverride>>;
  /** The file this environment is declared in, quoted in errors. @default `environments/<name>.ts` */
  readonly sourceFile?: string;
}
