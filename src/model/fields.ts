/**
 * The fields each object of a declaration may hold, so that a misspelt
 * optional field (`secerts`, `replcas`, a release file's `digets`) is an
 * error instead of a silently missing setting. TypeScript refuses such
 * fields in object literals when it type-checks, but a synth does not
 * type-check (it runs a bundle), and JSON release files are never
 * type-checked at all.
 *
 * Each list is typed against its interface (`Fields<AppSpec>`): a field
 * added to an interface and not here, or listed here and not there, fails
 * the compilation.
 */
import type {
  AddonSpec, AddonsSpec, EmailAlertOptions, EmailServiceSpec, EnvironmentPipelineSpec, HelmChartSpec, NotificationsSpec, PipelineSpec,
  SlackAlertOptions,
} from './addons';
import type {
  AppOverride, AutoscalingSpec, BlueGreenOptions, CanaryAnalysis, CanaryOptions, CronJobOptions,
  ExemptionSpec, MigrationOptions, ProbeTiming, PublicExposureOptions, ResourcesSpec,
  RollingUpdateOptions,
} from './app';
import type { ArgoCdSpec, DexGoogleSsoSpec, OidcSsoSpec, SsoSpec } from './argocd';
import type {
  AuthorizedNetwork, AutomatedSyncOptions, ClusterSpec, EndpointSpec, EnvironmentSpec, ManualSyncOptions, NodePoolSpec, PreviewSpec,
  PrivateServiceAccessSpec,
  RetrySpec, SyncWindowSpec,
} from './environment';
import { suggest } from './names';
import type { PlatformSpec } from './platform';
import type { AddonReleaseEntry, BadVersion, ReleaseEntry } from './release';
import type { QuotaSpec, TeamOverride, TeamSpec } from './team';

/** A list whose object items hold these fields (other items are left to the other checks). */
export class ListOf {
  constructor(public readonly item: ObjectFields) {}
}

/** A map whose object values hold these fields. */
export class MapOf {
  constructor(public readonly value: FieldShape) {}
}

/** What one field holds: anything (checked elsewhere), an object of known fields, a list or a map of such objects. */
export type FieldShape = true | ObjectFields | ListOf | MapOf;

/** The fields of one kind of object, and what to call it in a message. */
export class ObjectFields {
  constructor(public readonly what: string, public readonly known: Readonly<Record<string, FieldShape>>) {}
}

/** Every field of `T`, optional ones included, and no other. */
export type Fields<T> = { readonly [K in keyof Required<T>]: FieldShape };

export function fields<T>(what: string, shape: Fields<T>): ObjectFields {
  return new ObjectFields(what, shape as Readonly<Record<string, FieldShape>>);
}

export const QUOTA = fields<QuotaSpec>('a quota', { requestsCpu: true, requestsMemory: true, limitsCpu: true, limitsMemory: true, pods: true });
export const RESOURCES = fields<ResourcesSpec>('resources', { cpuRequest: true, cpuLimit: true, memoryRequest: true, memoryLimit: true });
export const AUTOSCALING = fields<AutoscalingSpec>('autoscaling', { minReplicas: true, maxReplicas: true, targetCpuUtilization: true });
export const EXEMPTION = fields<ExemptionSpec>('an exemption', { rule: true, reason: true, expires: true, environments: true });

export const TEAM = fields<TeamSpec>('a team', { name: true, owners: true, namespaces: true, quota: QUOTA, description: true, codeOwners: true, alerts: true });

export const OBJECT_EXEMPTION = new ObjectFields('an exemption', { ...EXEMPTION.known, kind: true, name: true });

export const APP_OVERRIDE = fields<AppOverride>('an app override', {
  enabled: true,
  replicas: true,
  resources: RESOURCES,
  env: true,
  autoscaling: AUTOSCALING,
  host: true,
  maxUnavailable: true,
  schedule: true,
  delivery: true,
});

export const ENVIRONMENT = fields<EnvironmentSpec>('an environment', {
  name: true,
  tier: true,
  gcpProject: true,
  gcpProjectNumber: true,
  pipeline: fields<EnvironmentPipelineSpec>('the environment\'s pipeline settings', { bootstrapped: true }),
  region: true,
  cluster: fields<ClusterSpec>('a cluster', {
    name: true,
    releaseChannel: true,
    nodePools: new ListOf(fields<NodePoolSpec>('a node pool', { name: true, machineType: true, minNodes: true, maxNodes: true, diskSizeGb: true, spot: true })),
    authorizedNetworks: new ListOf(fields<AuthorizedNetwork>('an authorized network', { name: true, cidr: true })),
    maintenanceStartTime: true,
    nodesCidr: true,
    podsCidr: true,
    servicesCidr: true,
    controlPlaneCidr: true,
    binaryAuthorization: true, // a BinaryAuthorization
  }),
  domain: true,
  sync: true, // a SyncPolicy: options checked with SYNC_OPTIONS
  teamAccess: true,
  endpoints: new MapOf(fields<EndpointSpec>('an endpoint', { description: true, cidr: true, ports: true, privateServiceAccess: true })),
  privateServiceAccess: fields<PrivateServiceAccessSpec>('private services access', { cidr: true, apis: true }),
  previews: fields<PreviewSpec>('previews', {
    github: new ObjectFields('previews.github', { owner: true, repo: true, tokenSecret: true }),
    domain: true,
    quota: QUOTA,
    requeueAfterSeconds: true,
  }),
  syncWindows: new ListOf(fields<SyncWindowSpec>('a sync window', { kind: true, schedule: true, duration: true, manualSync: true, timeZone: true })),
  stateBucket: true,
  release: new ObjectFields('a release file', { file: true, content: true }),
  apps: new MapOf(APP_OVERRIDE),
  teams: new MapOf(fields<TeamOverride>('a team override', { quota: QUOTA })),
  sourceFile: true,
});

/** A release file's content: `{"apps": {"<app>": {"tag": "...", "digest": "..."}}}`. */
export const RELEASE_FILE = new ObjectFields('a release file', {
  // A JSON schema reference, for editors.
  $schema: true,
  apps: new MapOf(fields<ReleaseEntry>('a release entry', { tag: true, digest: true })),
  bad: new MapOf(new ListOf(fields<BadVersion>('a bad version', { tag: true, digest: true, reason: true }))),
  addons: new MapOf(fields<AddonReleaseEntry>('an add-on release entry', { version: true })),
});

const ADDON = fields<AddonSpec>('an add-on', { chart: fields<HelmChartSpec>('a Helm chart', { repoURL: true, name: true }), version: true });

/** The platform's own fields; its apps and environments are checked one by one (APP, ENVIRONMENT). */
export const PLATFORM = fields<PlatformSpec>('the platform', {
  organization: new ObjectFields('the organization', { name: true, domain: true }),
  platformOwners: true,
  rbacSecurityGroup: true,
  platformCodeOwners: true,
  gitops: new ObjectFields('gitops', { repoURL: true, targetRevision: true }),
  environments: true,
  teams: new ListOf(TEAM),
  apps: true,
  exemptions: new ListOf(OBJECT_EXEMPTION),
  addons: fields<AddonsSpec>('the add-ons', { argoCd: ADDON, externalSecrets: ADDON, argoRollouts: ADDON }),
  alerts: true, // an Alerts: options checked with SLACK_ALERT_OPTIONS / EMAIL_ALERT_OPTIONS
  notifications: fields<NotificationsSpec>('notifications', {
    email: fields<EmailServiceSpec>('notifications.email', { host: true, port: true, from: true, username: true }),
    outOfSyncAfter: true,
  }),
  pipeline: fields<PipelineSpec>('the pipeline', { repository: true, repositoryId: true, repositoryOwnerId: true, terraformVersion: true, driftSchedule: true }),
  argocd: fields<ArgoCdSpec>('argocd', {
    urls: true,
    sso: fields<SsoSpec>('argocd.sso', {
      oidc: fields<OidcSsoSpec>('argocd.sso.oidc', { issuer: true, clientId: true, name: true, scopes: true }),
      googleWithDex: fields<DexGoogleSsoSpec>('argocd.sso.googleWithDex', { clientId: true, adminEmail: true, hostedDomains: true }),
    }),
  }),
});

export const SLACK_ALERT_OPTIONS = fields<SlackAlertOptions>('Alerts.slack options', { channel: true });
export const EMAIL_ALERT_OPTIONS = fields<EmailAlertOptions>('Alerts.email options', { to: true });

const RETRY = fields<RetrySpec>('retry', { limit: true, backoffDuration: true, backoffFactor: true, backoffMaxDuration: true });

/** The options of each factory of the model's classes, by factory. */
export const WORKLOAD_OPTIONS = {
  cronJob: fields<CronJobOptions>('Workload.cronJob options', { schedule: true, timeZone: true, activeDeadlineSeconds: true, backoffLimit: true }),
  migration: fields<MigrationOptions>('Workload.migration options', { migrates: true, activeDeadlineSeconds: true, backoffLimit: true }),
};
export const PROBE_TIMING = fields<ProbeTiming>('probe timing', { initialDelaySeconds: true, periodSeconds: true, timeoutSeconds: true, failureThreshold: true });
export const EXPOSURE_OPTIONS = fields<PublicExposureOptions>('Exposure.public options', { subdomain: true, port: true, path: true });
export const DELIVERY_OPTIONS = {
  'rolling-update': fields<RollingUpdateOptions>('Delivery.rollingUpdate options', { maxSurge: true, maxUnavailable: true }),
  'canary': fields<CanaryOptions>('Delivery.canary options', {
    steps: true,
    rollbackWindow: true,
    analysis: fields<CanaryAnalysis>('a canary analysis', {
      query: true, successCondition: true, prometheusAddress: true, interval: true, failureLimit: true, initialDelay: true, inconclusiveLimit: true,
    }),
  }),
  'blue-green': fields<BlueGreenOptions>('Delivery.blueGreen options', { autoPromote: true, scaleDownDelaySeconds: true, rollbackWindow: true }),
};
export const SYNC_OPTIONS = {
  automated: fields<AutomatedSyncOptions>('SyncPolicy.automated options', { prune: true, selfHeal: true, retry: RETRY }),
  manual: fields<ManualSyncOptions>('SyncPolicy.manual options', { retry: RETRY }),
};

/** A field that `shape` does not know, where it is, and the closest known one. */
export interface UnknownField {
  readonly path: string;
  readonly value: unknown;
  readonly message: string;
  readonly fix: string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The fields of `value` (at `path`) that `shape` does not know, nested ones
 * included. Values of the wrong type are left alone: the other checks
 * report them with their own messages.
 */
export function unknownFields(value: unknown, shape: FieldShape, path: string): UnknownField[] {
  const found: UnknownField[] = [];
  const walk = (v: unknown, s: FieldShape, at: string) => {
    if (s === true) return;
    if (s instanceof ListOf) {
      if (Array.isArray(v)) v.forEach((item, i) => walk(item, s.item, `${at}[${i}]`));
      return;
    }
    if (s instanceof MapOf) {
      if (isPlainObject(v)) for (const [key, item] of Object.entries(v)) walk(item, s.value, `${at}.${key}`);
      return;
    }
    if (!isPlainObject(v)) return;
    for (const [key, inner] of Object.entries(v)) {
      const where = at ? `${at}.${key}` : key;
      if (!Object.prototype.hasOwnProperty.call(s.known, key)) {
        found.push({
          path: where,
          value: inner,
          message: `is not a field of ${s.what}, so it would be ignored`,
          fix: `fix the name (${suggest(key, Object.keys(s.known))}), or remove it`,
        });
      } else if (inner !== undefined) {
        walk(inner, s.known[key], where);
      }
    }
  };
  walk(value, shape, path);
  return found;
}
