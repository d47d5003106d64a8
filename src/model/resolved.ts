import type { AddonName } from './addons';
import type { ReleaseChannel, RetrySpec, Tier, TeamAccess } from './environment';
import type { ResolvedApp } from './resolve/app';

export type { ResolvedApp } from './resolve/app';

/**
 * The platform after validation, defaults and per-environment overrides: what
 * renderers read. Every name that two layers must agree on (service account
 * emails, Secret Manager ids, cluster names, paths) is computed here, once.
 */
export interface ResolvedPlatform {
  readonly organization: string;
  /** Prefix of our own labels, e.g. `platform.acme.dev` → `platform.acme.dev/team`. */
  readonly labelDomain: string;
  /** Google group of the platform team (AppProject `platform`). */
  readonly platformOwners: string;
  /** GitHub handle of the platform team (CODEOWNERS). */
  readonly platformCodeOwners: string;
  readonly gitops: ResolvedGitOps;
  /** In promotion order. */
  readonly environments: readonly ResolvedEnvironment[];
  /** Exemptions for objects that belong to no app. */
  readonly exemptions: readonly ResolvedObjectExemption[];
  /** The generated Terraform pipeline, when the platform declares one. */
  readonly pipeline?: ResolvedPipeline;
}

/** The Terraform pipeline's settings (each environment's identities are in its {@link ResolvedEnvironmentPipeline}). */
export interface ResolvedPipeline {
  /** `owner/name` of the GitHub repository whose workflows may authenticate. */
  readonly repository: string;
  /** GitHub's immutable ids of the repository and its owner: what the provider's condition checks. */
  readonly repositoryId: number;
  readonly repositoryOwnerId: number;
  readonly terraformVersion: string;
  /** Cron expression (UTC) of the drift check. */
  readonly driftSchedule: string;
}

/** What the pipeline authenticates as in one environment (Workload Identity Federation, no keys). */
export interface ResolvedEnvironmentPipeline {
  readonly projectNumber: string;
  /** Whether the environment's first apply (by hand) is done: until then the workflows skip it. */
  readonly bootstrapped: boolean;
  /** Pool id, e.g. `platform-pipeline`. */
  readonly poolId: string;
  /** Provider id, e.g. `github`. */
  readonly providerId: string;
  /** `projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>`: what the workflows' auth step names. */
  readonly provider: string;
  /** `principalSet://iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<pool>`: prefix of the pool's principal sets. */
  readonly principalSetPrefix: string;
  readonly repository: string;
  readonly repositoryId: number;
  readonly repositoryOwnerId: number;
  /** The workflow whose jobs on the main branch alone may apply, `<owner>/<repo>/.github/workflows/infrastructure.yml@refs/heads/main` (GitHub's `job_workflow_ref`). */
  readonly applyWorkflowRef: string;
  /** The branch's ref, `refs/heads/main`: GitHub's `ref` claim of those jobs. */
  readonly applyRef: string;
  /** Reads everything, changes nothing: pull-request plans and the drift check. */
  readonly plan: { readonly accountId: string; readonly email: string };
  /** Applies: impersonable only from the GitHub environment of the same name (protected, prod approved by the platform owners). */
  readonly apply: { readonly accountId: string; readonly email: string };
}

/** One add-on in one environment: its chart, version and the size of its controllers. */
export interface ResolvedAddon {
  readonly name: AddonName;
  readonly repoURL: string;
  readonly chart: string;
  /** The exact chart version. */
  readonly version: string;
  /** Where the release file says it (else the declaration, else the engine's pin). */
  readonly versionFrom: 'release' | 'declaration' | 'engine';
  readonly namespace: string;
  /** The Helm release name, which prefixes the chart's object names. */
  readonly releaseName: string;
  readonly replicas: number;
  readonly resources: { readonly cpuRequest: string; readonly cpuLimit: string; readonly memoryRequest: string; readonly memoryLimit: string };
}

/** Where alerts go: a Slack channel (without `#`) or an email address. */
export interface ResolvedAlerts {
  readonly service: 'slack' | 'email';
  readonly recipient: string;
}

/** Argo CD notifications in one environment. */
export interface ResolvedNotifications {
  /** An Argo CD duration, e.g. `30m`. */
  readonly outOfSyncAfter: string;
  /** The OutOfSync delay in minutes (what the trigger compares with). */
  readonly outOfSyncAfterMinutes: number;
  /** The services some destination uses, sorted. */
  readonly services: readonly ('slack' | 'email')[];
  readonly email?: { readonly host: string; readonly port: number; readonly from: string; readonly username: string };
  /** The platform team's destination, for every Application here (production environments only). */
  readonly platform?: ResolvedAlerts;
  /** The credentials the services need, each a Secret Manager secret synced into `argocd-notifications-secret`. */
  readonly secrets: readonly { readonly key: string; readonly secretId: string }[];
  /** The Kubernetes ServiceAccount the notifications' SecretStore authenticates as. */
  readonly serviceAccountName: string;
  /** Its Google identity (Workload Identity), when there is a secret to read. */
  readonly identity?: ResolvedIdentity;
}

/** Argo CD's URL and single sign-on in one environment. */
export interface ResolvedArgoCd {
  /** External URL, https, no trailing slash. */
  readonly url: string;
  /** Whether the local admin user may sign in (not once SSO is declared). */
  readonly adminEnabled: boolean;
  readonly sso?: ResolvedSso;
}

/** A key of the Kubernetes Secret ESO fills from a Secret Manager secret. */
export interface ResolvedSecretKey {
  readonly key: string;
  readonly secretId: string;
}

/** Single sign-on, with its credentials' Secret and the identity that reads them from Secret Manager. */
export interface ResolvedSso {
  readonly provider:
  | { readonly kind: 'oidc'; readonly name: string; readonly issuer: string; readonly clientId: string; readonly scopes: readonly string[] }
  | { readonly kind: 'dex-google'; readonly clientId: string; readonly adminEmail: string; readonly hostedDomains: readonly string[]; readonly serviceAccountKey: ResolvedSecretKey; readonly keyFile: string };
  /** The Kubernetes Secret (labelled part-of argocd, so argocd-cm may reference it as `$<secret>:<key>`). */
  readonly kubernetesSecret: string;
  readonly clientSecret: ResolvedSecretKey;
  /** Every key of that Secret, from Secret Manager. */
  readonly secrets: readonly ResolvedSecretKey[];
  /** The Kubernetes ServiceAccount its SecretStore authenticates as. */
  readonly serviceAccountName: string;
  readonly identity: ResolvedIdentity;
}

/** A guardrail exemption that holds in one environment. */
export interface ResolvedExemption {
  readonly rule: string;
  readonly reason: string;
  /** `YYYY-MM-DD`; the exemption holds through that day. */
  readonly expires?: string;
}

export interface ResolvedObjectExemption extends ResolvedExemption {
  /** Environments it holds in; undefined: all. */
  readonly environments?: readonly string[];
  readonly kind: string;
  /** Exact name, or a prefix followed by `*`. */
  readonly name: string;
}

export interface ResolvedGitOps {
  /** The Git repository Argo CD reads (this repository). */
  readonly repoURL: string;
  /** The branch Argo CD follows. */
  readonly targetRevision: string;
  /** Namespace Argo CD runs in. */
  readonly argocdNamespace: string;
}

export interface ResolvedEnvironment {
  readonly name: string;
  readonly tier: Tier;
  readonly gcpProject: string;
  readonly region: string;
  readonly domain: string;
  readonly cluster: ResolvedCluster;
  readonly sync: ResolvedSyncPolicy;
  /** The range peered with Google's service producer network, when the environment declares private services access. */
  readonly privateServiceAccess?: ResolvedPrivateServiceAccess;
  /** Preview environments on this cluster, if any. */
  readonly previews?: ResolvedPreviews;
  readonly syncWindows: readonly { readonly kind: 'allow' | 'deny'; readonly schedule: string; readonly duration: string; readonly manualSync: boolean; readonly timeZone: string }[];
  readonly teamAccess: TeamAccess;
  readonly stateBucket: string;
  /** Repository path Argo CD reads for this environment, e.g. `dist/prod`. */
  readonly path: string;
  /** The Google Groups for RBAC security group of the cluster (teams' RoleBindings name groups inside it). */
  readonly rbacSecurityGroup: string;
  /** Workload Identity pool, `<project>.svc.id.goog`. */
  readonly workloadIdentityPool: string;
  /** GKE Binary Authorization: the mode, and the image name patterns the project policy admits (none when disabled). */
  readonly binaryAuthorization: { readonly mode: 'disabled' | 'audit' | 'enforce'; readonly admitted: readonly string[] };
  /** The Artifact Registry repositories the apps' images are pulled from (the nodes need read access), sorted by URL. */
  readonly imageRegistries: readonly ResolvedImageRegistry[];
  /** Sorted by name. */
  readonly teams: readonly ResolvedTeam[];
  /** Apps deployed here, sorted by name. */
  readonly apps: readonly ResolvedApp[];
  /** The controllers the platform runs, in {@link ADDON_NAMES} order. */
  readonly addons: readonly ResolvedAddon[];
  readonly notifications: ResolvedNotifications;
  /** Argo CD's URL and sign-in here. */
  readonly argocd: ResolvedArgoCd;
  /** The pipeline's identities in this environment's project, when the platform declares a pipeline. */
  readonly pipeline?: ResolvedEnvironmentPipeline;
}

/** An Artifact Registry Docker repository, e.g. `europe-docker.pkg.dev/acme-artifacts/apps`. */
export interface ResolvedImageRegistry {
  /** `<location>-docker.pkg.dev/<project>/<repositoryId>`: what image references start with. */
  readonly url: string;
  /** Artifact Registry location, e.g. `europe` or `europe-west1`. */
  readonly location: string;
  /** The project that holds the repository. */
  readonly project: string;
  readonly repositoryId: string;
}

export interface ResolvedPrivateServiceAccess {
  readonly cidr: string;
  /** The range's first address and prefix length, as a global address reserves it. */
  readonly address: string;
  readonly prefixLength: number;
  /** APIs to enable besides servicenetworking, sorted. */
  readonly apis: readonly string[];
}

export interface ResolvedPreviews {
  readonly owner: string;
  readonly repo: string;
  readonly tokenSecret?: string;
  readonly domain: string;
  readonly quota: ResolvedQuota;
  readonly requeueAfterSeconds: number;
  /** The pull-request label that asks for a preview of an app: `preview:<app>`. */
  readonly labelPrefix: string;
}

export interface ResolvedSyncPolicy {
  readonly automated: boolean;
  readonly prune: boolean;
  readonly selfHeal: boolean;
  readonly retry: Required<RetrySpec>;
  /** Argo CD's sync timeout for this environment's controller: an operation still running after it ends Failed, and notifies. */
  readonly timeoutSeconds: number;
}

export interface ResolvedCluster {
  readonly name: string;
  /** Regional cluster: location is the region. */
  readonly location: string;
  readonly releaseChannel: ReleaseChannel;
  readonly nodePools: readonly ResolvedNodePool[];
  readonly authorizedNetworks: readonly { readonly name: string; readonly cidr: string }[];
  readonly maintenanceStartTime: string;
  readonly nodesCidr: string;
  readonly podsCidr: string;
  readonly servicesCidr: string;
  readonly controlPlaneCidr: string;
}

export interface ResolvedNodePool {
  readonly name: string;
  readonly machineType: string;
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly diskSizeGb: number;
  readonly spot: boolean;
}

export interface ResolvedQuota {
  readonly requestsCpu: string;
  readonly requestsMemory: string;
  readonly limitsCpu: string;
  readonly limitsMemory: string;
  readonly pods: number;
}

export interface ResolvedTeam {
  readonly name: string;
  readonly owners: string;
  /** GitHub handle (CODEOWNERS). */
  readonly codeOwners: string;
  readonly description?: string;
  readonly namespaces: readonly string[];
  readonly quota: ResolvedQuota;
  /** Whether any of the team's apps is public (its namespaces admit the load balancer). */
  readonly hasPublicApps: boolean;
  /** Where the team's alerts go, if it says. */
  readonly alerts?: ResolvedAlerts;
}

export type ResolvedDelivery =
  | { readonly kind: 'rolling-update'; readonly maxSurge: number | string; readonly maxUnavailable: number | string }
  | {
    readonly kind: 'canary';
    /** Rollbacks to one of this many previous revisions skip the steps. */
    readonly rollbackWindow: number;
    readonly steps: readonly ({ readonly setWeight: number } | { readonly pause: { readonly duration?: string } })[];
    readonly analysis?: {
      readonly templateName: string;
      readonly query: string;
      readonly successCondition: string;
      readonly prometheusAddress: string;
      readonly interval: string;
      readonly failureLimit: number;
      readonly initialDelay: string;
      readonly inconclusiveLimit: number;
    };
  }
  | {
    readonly kind: 'blue-green';
    /** Rollbacks to one of this many previous revisions switch at once. */
    readonly rollbackWindow: number;
    readonly previewService: string;
    readonly autoPromote: boolean;
    readonly scaleDownDelaySeconds: number;
  };

/** A probe with every timing default applied. */
export type ResolvedProbe = (
  | { readonly type: 'http'; readonly path: string; readonly port: string }
  | { readonly type: 'tcp'; readonly port: string }
  | { readonly type: 'exec'; readonly command: readonly string[] }
) & {
  readonly initialDelaySeconds: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
};

export interface ResolvedPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
}

export interface ResolvedSecret {
  /** The reference's name, e.g. `db-password`. */
  readonly name: string;
  /** The variable that receives the value, for a secret read from the environment. */
  readonly envVar?: string;
  /** The file (in the app's secretsMountPath) that holds the value, for a secret read from a file. */
  readonly file?: string;
  /** The Secret Manager secret id in the environment's project, e.g. `orders-api-db-password`. */
  readonly secretId: string;
  /** The Kubernetes Secret that External Secrets writes, e.g. `orders-api-db-password`. */
  readonly kubernetesSecretName: string;
}

export interface ResolvedIdentity {
  readonly accountId: string;
  /** `<accountId>@<project>.iam.gserviceaccount.com` */
  readonly email: string;
  readonly roles: readonly string[];
  /** Roles on single BigQuery datasets of the environment's project, sorted by dataset, then role. */
  readonly datasetRoles: readonly { readonly dataset: string; readonly role: string }[];
  /** The IAM member allowed to impersonate it: `serviceAccount:<pool>[<namespace>/<ksa>]`. */
  readonly workloadIdentityMember: string;
}

export interface ResolvedPeer {
  readonly app: string;
  readonly namespace: string;
  /** The peer's ports (for calls: the ports called). */
  readonly ports: readonly ResolvedPort[];
}
