/**
 * The declaration of an app and of what an environment overrides of it. The
 * enum-like classes an app is declared with live beside it: Workload, Probe
 * and Exposure in workload.ts, Delivery and CanaryStep in delivery.ts.
 */
import type { Delivery } from './delivery';
import type { Exposure, Probe, Workload } from './workload';

export * from './delivery';
export * from './workload';

/** A port a container listens on. */
export interface PortSpec {
  /** Port name (at most 15 characters), e.g. `http`. */
  readonly name: string;
  /** Port number, 1-65535. */
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

/** Pods of another namespace that may call an app. */
export interface NamespaceCallerSpec {
  readonly namespace: string;
  /** Names of the app's ports they may call. @default - all of them */
  readonly ports?: readonly string[];
}

/** A call to another app, limited to some of its ports. */
export interface CallSpec {
  /** The app called: a service. */
  readonly app: string;
  /** Names of the callee's ports that this app calls, e.g. `['http']`. @default - every port of the callee */
  readonly ports?: readonly string[];
}

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

/** CPU and memory of one container. */
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
  /**
   * Environment variable that receives the value, e.g. `DB_PASSWORD`. One of `envVar` and `file`.
   * @default - none: the value is a file
   */
  readonly envVar?: string;
  /**
   * File that holds the value, e.g. `db-password`, read-only in `secretsMountPath`; External Secrets'
   * refresh of a rotated value reaches it without a restart. One of `envVar` and `file`.
   * @default - none: the value is an environment variable
   * @see https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod
   */
  readonly file?: string;
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
  /** Where secrets declared with `file` are mounted. @default `/var/run/secrets/<name>` */
  readonly secretsMountPath?: string;
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
