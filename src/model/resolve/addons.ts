import { ADDON_FIELDS, ADDON_NAMES, AddonName, AddonSpec, Alerts, EmailAlertOptions, PipelineSpec, SlackAlertOptions } from '../addons';
import type { EnvironmentSpec } from '../environment';
import type { PlatformSpec } from '../platform';
import type { AddonReleaseEntry } from '../release';
import type {
  ResolvedAddon, ResolvedAlerts, ResolvedEnvironmentPipeline, ResolvedNotifications, ResolvedPipeline,
} from '../resolved';
import { ADDON_CHARTS, ADDON_SIZING, DEFAULT_NOTIFICATIONS, DEFAULT_PIPELINE, NOTIFICATIONS_IDENTITY, PIPELINE_IDENTITY } from './defaults';
import { isPlainRecord, isString } from '../validate/values';

/** An environment's release file's add-on entries by add-on, as written (entries that are not objects left out). */
export function addonReleaseEntries(env: EnvironmentSpec): ReadonlyMap<string, AddonReleaseEntry> {
  const addons = (env.release?.content as { addons?: unknown } | undefined)?.addons;
  if (!isPlainRecord(addons)) return new Map();
  return new Map(Object.entries(addons).filter(([, e]) => isPlainRecord(e)) as [string, AddonReleaseEntry][]);
}

/** The declaration of one add-on, if any. */
export function addonSpecOf(spec: PlatformSpec, name: AddonName): AddonSpec | undefined {
  const declared = spec.addons?.[ADDON_FIELDS[name]];
  return isPlainRecord(declared) ? declared : undefined;
}

/** The chart version of an add-on in an environment: its release file's, else the declaration's, else the engine's pin. */
export function addonVersion(env: EnvironmentSpec, spec: PlatformSpec, name: AddonName): string {
  return addonReleaseEntries(env).get(name)?.version ?? addonSpecOf(spec, name)?.version ?? ADDON_CHARTS[name].version;
}

/** Every add-on of a valid environment, in {@link ADDON_NAMES} order, each with the version its release file (or declaration) says. */
export function resolveAddons(env: EnvironmentSpec, spec: PlatformSpec): ResolvedAddon[] {
  const released = addonReleaseEntries(env);
  const sizing = env.tier.isProduction ? ADDON_SIZING.production : ADDON_SIZING.other;
  return ADDON_NAMES.map((name) => {
    const upstream = ADDON_CHARTS[name];
    const declared = addonSpecOf(spec, name);
    const release = released.get(name)?.version;
    return {
      name,
      repoURL: declared?.chart?.repoURL ?? upstream.repoURL,
      chart: declared?.chart?.name ?? upstream.chart,
      version: release ?? declared?.version ?? upstream.version,
      versionFrom: release !== undefined ? 'release' : declared?.version !== undefined ? 'declaration' : 'engine',
      namespace: upstream.namespace,
      releaseName: upstream.releaseName,
      replicas: sizing.replicas,
      resources: { ...sizing.resources },
    };
  });
}

/** A valid destination, resolved: a Slack channel without its `#`. */
export function resolveAlerts(alerts: Alerts | undefined): ResolvedAlerts | undefined {
  if (!(alerts instanceof Alerts)) return undefined;
  if (alerts.service === 'slack') return { service: 'slack', recipient: (alerts.declared as SlackAlertOptions).channel.replace(/^#/, '') };
  return { service: 'email', recipient: (alerts.declared as EmailAlertOptions).to };
}

/** The notification services some destination of the platform uses, sorted. */
export function servicesUsed(spec: PlatformSpec): ('slack' | 'email')[] {
  const used = new Set<'slack' | 'email'>();
  for (const alerts of [spec.alerts, ...(Array.isArray(spec.teams) ? spec.teams.map((t) => t?.alerts) : [])]) {
    if (alerts instanceof Alerts) used.add(alerts.service);
  }
  return [...used].sort();
}

/** Minutes of an Argo CD duration (`30m`, `2h`, `90s`, rounded up). */
export function durationMinutes(duration: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(duration);
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === 'h' ? n * 60 : m[2] === 'm' ? n : Math.ceil(n / 60);
}

/** Argo CD's notifications in a valid environment: services, credentials and their identity, the platform team's destination in production. */
export function resolveNotifications(
  env: EnvironmentSpec, spec: PlatformSpec, workloadIdentityPool: string, argocdNamespace: string,
): ResolvedNotifications {
  const services = servicesUsed(spec);
  const declared = spec.notifications;
  const outOfSyncAfter = declared?.outOfSyncAfter ?? DEFAULT_NOTIFICATIONS.outOfSyncAfter;
  const email = declared?.email;
  const secrets = services.map((s) => ({ ...NOTIFICATIONS_IDENTITY.secrets[s] }));
  const accountId = NOTIFICATIONS_IDENTITY.accountId;
  const serviceAccountName = NOTIFICATIONS_IDENTITY.serviceAccountName;
  return {
    outOfSyncAfter,
    outOfSyncAfterMinutes: durationMinutes(outOfSyncAfter),
    services,
    email: email && services.includes('email')
      ? { host: email.host, port: email.port ?? DEFAULT_NOTIFICATIONS.emailPort, from: email.from, username: email.username ?? email.from }
      : undefined,
    platform: env.tier.isProduction ? resolveAlerts(spec.alerts) : undefined,
    secrets,
    serviceAccountName,
    identity: secrets.length === 0 ? undefined : {
      accountId,
      email: `${accountId}@${env.gcpProject}.iam.gserviceaccount.com`,
      roles: [],
      datasetRoles: [],
      workloadIdentityMember: `serviceAccount:${workloadIdentityPool}[${argocdNamespace}/${serviceAccountName}]`,
    },
  };
}

/** `owner/name` of a GitHub repository URL, if it is one. */
export function githubRepository(url: unknown): string | undefined {
  if (!isString(url)) return undefined;
  const m = /^(?:https:\/\/github\.com\/|git@github\.com:|ssh:\/\/git@github\.com\/)([A-Za-z0-9-]+\/[A-Za-z0-9._-]+?)(?:\.git)?\/?$/.exec(url);
  return m?.[1];
}

/** The pipeline's settings, when the platform declares one. */
export function resolvePipeline(spec: PlatformSpec): ResolvedPipeline | undefined {
  if (!isPlainRecord(spec.pipeline)) return undefined;
  const p = spec.pipeline as PipelineSpec;
  return {
    repository: p.repository ?? githubRepository(spec.gitops?.repoURL)!,
    repositoryId: p.repositoryId!,
    repositoryOwnerId: p.repositoryOwnerId!,
    terraformVersion: p.terraformVersion ?? DEFAULT_PIPELINE.terraformVersion,
    driftSchedule: p.driftSchedule ?? DEFAULT_PIPELINE.driftSchedule,
  };
}

/** What the pipeline authenticates as in one valid environment. */
export function resolveEnvironmentPipeline(env: EnvironmentSpec, pipeline: ResolvedPipeline | undefined): ResolvedEnvironmentPipeline | undefined {
  if (!pipeline || !isString(env.gcpProjectNumber)) return undefined;
  const pool = `projects/${env.gcpProjectNumber}/locations/global/workloadIdentityPools/${PIPELINE_IDENTITY.pool}`;
  const account = (accountId: string) => ({ accountId, email: `${accountId}@${env.gcpProject}.iam.gserviceaccount.com` });
  return {
    projectNumber: env.gcpProjectNumber,
    bootstrapped: env.pipeline?.bootstrapped ?? true,
    poolId: PIPELINE_IDENTITY.pool,
    providerId: PIPELINE_IDENTITY.provider,
    provider: `${pool}/providers/${PIPELINE_IDENTITY.provider}`,
    principalSetPrefix: `principalSet://iam.googleapis.com/${pool}`,
    repository: pipeline.repository,
    repositoryId: pipeline.repositoryId,
    repositoryOwnerId: pipeline.repositoryOwnerId,
    applyWorkflowRef: `${pipeline.repository}/${PIPELINE_IDENTITY.applyWorkflow}@${PIPELINE_IDENTITY.applyRef}`,
    applyRef: PIPELINE_IDENTITY.applyRef,
    plan: account(PIPELINE_IDENTITY.plan),
    apply: account(PIPELINE_IDENTITY.apply),
  };
}
