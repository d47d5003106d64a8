import type { AppSpec } from '../app';
import { BinaryAuthorization, EnvironmentSpec, RetrySpec, SyncPolicy, TeamAccess } from '../environment';
import { parseCpu, parseMemory } from '../quantity';
import type { ReleaseEntry } from '../release';
import type { ResolvedApp, ResolvedEnvironment, ResolvedImageRegistry, ResolvedPeer, ResolvedQuota, ResolvedTeam } from '../resolved';
import type { QuotaSpec } from '../team';
import { resolveAddons, resolveAlerts, resolveEnvironmentPipeline, resolveNotifications, resolvePipeline } from './addons';
import { resolveApp } from './app';
import { resolveArgoCd } from './argocd';
import { resolveCluster } from './cluster';
import {
  ADDON_CHARTS, ARGOCD_NAMESPACE, DEFAULT_AUTOMATED_SYNC, DEFAULT_BINARY_AUTHORIZATION, DEFAULT_PREVIEW_QUOTA, DEFAULT_PREVIEW_REQUEUE_SECONDS,
  DEFAULT_PRIVATE_SERVICE_APIS, DEFAULT_QUOTA,
  DEFAULT_RETRY, DEFAULT_SYNC_TIMEOUT, DEFAULT_SYNC_WINDOW, PREVIEW_LABEL_PREFIX,
} from './defaults';
import { type DeclarationIndex, namespacesOf } from '../validate/declarations';
import { recordOr } from '../validate/values';

/** Where rendered output goes, relative to the repository root. */
export const DIST_DIR = 'dist';

/** `<location>-docker.pkg.dev/<project>/<repository>/…`: an image in an Artifact Registry Docker repository. */
export const ARTIFACT_REGISTRY_IMAGE = /^(([a-z0-9-]+)-docker\.pkg\.dev\/([a-z][a-z0-9-]{4,28}[a-z0-9])\/([a-z0-9][a-z0-9._-]*))\//;

/** A valid environment with its apps (each valid there, with its version), every default applied. */
export function resolveEnvironment(
  env: EnvironmentSpec, index: DeclarationIndex, apps: readonly { readonly app: AppSpec; readonly version: ReleaseEntry }[],
): ResolvedEnvironment {
  const { spec } = index;
  const sync = env.sync instanceof SyncPolicy ? env.sync : SyncPolicy.automated();
  const previews = env.previews;
  const resolvedApps = withCallers(apps.map(({ app, version }) => resolveApp(app, env, version, index)));
  const workloadIdentityPool = `${env.gcpProject}.svc.id.goog`;
  const retry = {
    limit: sync.retry.limit ?? DEFAULT_RETRY.limit,
    backoffDuration: sync.retry.backoffDuration ?? DEFAULT_RETRY.backoffDuration,
    backoffFactor: sync.retry.backoffFactor ?? DEFAULT_RETRY.backoffFactor,
    backoffMaxDuration: sync.retry.backoffMaxDuration ?? DEFAULT_RETRY.backoffMaxDuration,
  };
  return {
    name: env.name,
    tier: env.tier,
    gcpProject: env.gcpProject,
    region: env.region,
    domain: env.domain,
    cluster: resolveCluster(env, spec.organization.name),
    sync: {
      automated: sync.automated,
      prune: sync.prune ?? DEFAULT_AUTOMATED_SYNC.prune,
      selfHeal: sync.selfHeal ?? DEFAULT_AUTOMATED_SYNC.selfHeal,
      retry,
      timeoutSeconds: syncTimeoutSeconds(retry),
    },
    privateServiceAccess: env.privateServiceAccess
      ? {
        cidr: env.privateServiceAccess.cidr,
        address: env.privateServiceAccess.cidr.split('/')[0],
        prefixLength: Number(env.privateServiceAccess.cidr.split('/')[1]),
        apis: [...new Set(env.privateServiceAccess.apis ?? DEFAULT_PRIVATE_SERVICE_APIS)].sort(),
      }
      : undefined,
    previews: previews
      ? {
        owner: previews.github.owner,
        repo: previews.github.repo,
        tokenSecret: previews.github.tokenSecret,
        domain: previews.domain,
        quota: resolveQuota({ ...DEFAULT_PREVIEW_QUOTA, ...previews.quota }),
        requeueAfterSeconds: previews.requeueAfterSeconds ?? DEFAULT_PREVIEW_REQUEUE_SECONDS,
        labelPrefix: PREVIEW_LABEL_PREFIX,
      }
      : undefined,
    syncWindows: (env.syncWindows ?? []).map((w) => ({
      kind: w.kind,
      schedule: w.schedule,
      duration: w.duration,
      manualSync: w.manualSync ?? DEFAULT_SYNC_WINDOW.manualSync,
      timeZone: w.timeZone ?? DEFAULT_SYNC_WINDOW.timeZone,
    })),
    teamAccess: env.teamAccess ?? (env.tier.isProduction ? TeamAccess.VIEW : TeamAccess.EDIT),
    stateBucket: env.stateBucket ?? `${env.gcpProject}-tfstate`,
    path: `${DIST_DIR}/${env.name}`,
    rbacSecurityGroup: spec.rbacSecurityGroup ?? `gke-security-groups@${spec.organization.domain}`,
    workloadIdentityPool,
    imageRegistries: imageRegistriesOf(resolvedApps),
    binaryAuthorization: resolveBinaryAuthorization(env, imageRegistriesOf(resolvedApps)),
    teams: resolveTeams(env, index),
    apps: resolvedApps,
    addons: resolveAddons(env, spec),
    notifications: resolveNotifications(env, spec, workloadIdentityPool, ARGOCD_NAMESPACE),
    argocd: resolveArgoCd(env, spec, workloadIdentityPool, ARGOCD_NAMESPACE),
    pipeline: resolveEnvironmentPipeline(env, resolvePipeline(spec)),
  };
}

/**
 * Binary Authorization's mode and what the policy admits: each app registry
 * (`<repository>/**`) and each add-on image (`<repository>*`: a trailing `*`
 * spans the tag or digest, not a `/`; cloud.google.com/binary-authorization
 * policy reference, admissionWhitelistPatterns).
 */
function resolveBinaryAuthorization(env: EnvironmentSpec, registries: readonly ResolvedImageRegistry[]): ResolvedEnvironment['binaryAuthorization'] {
  const declared = env.cluster?.binaryAuthorization;
  const mode = declared instanceof BinaryAuthorization ? declared.mode : DEFAULT_BINARY_AUTHORIZATION;
  if (mode === 'disabled') return { mode, admitted: [] };
  const addonImages = Object.values(ADDON_CHARTS).flatMap((c) => c.images.map((i) => `${i}*`));
  return { mode, admitted: [...registries.map((r) => `${r.url}/**`), ...[...new Set(addonImages)].sort()] };
}

/** Seconds of an Argo CD duration: `90s`, `3m`, `1h30m`. */
function durationSeconds(duration: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1 };
  return [...duration.matchAll(/(\d+)([hms])/g)].reduce((n, [, v, u]) => n + Number(v) * units[u], 0);
}

/**
 * The sync timeout: a retried sync's backoff waits (retry k waits
 * min(maxDuration, duration * factor^k), k = 1..limit: argo-cd
 * pkg/apis/application/v1alpha1/types.go, `NextRetryAt`) plus an allowance per
 * attempt, and never less than the minimum.
 */
export function syncTimeoutSeconds(retry: Required<RetrySpec>): number {
  const base = durationSeconds(retry.backoffDuration);
  const cap = durationSeconds(retry.backoffMaxDuration);
  let waits = 0;
  for (let k = 1; k <= retry.limit; k++) waits += Math.min(cap, base * retry.backoffFactor ** k);
  return Math.max(DEFAULT_SYNC_TIMEOUT.minimumSeconds, waits + (retry.limit + 1) * DEFAULT_SYNC_TIMEOUT.attemptSeconds);
}

/** Apps sorted by name, each with the apps that call it. */
function withCallers(apps: readonly ResolvedApp[]): ResolvedApp[] {
  const calledBy = new Map<string, ResolvedPeer[]>();
  for (const caller of apps) {
    for (const callee of caller.calls) {
      const list = calledBy.get(callee.app) ?? [];
      list.push({ app: caller.name, namespace: caller.namespace, ports: callee.ports });
      calledBy.set(callee.app, list);
    }
  }
  return apps
    .map((a) => ({ ...a, calledBy: (calledBy.get(a.name) ?? []).sort((x, y) => x.app.localeCompare(y.app)) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function resolveTeams(env: EnvironmentSpec, index: DeclarationIndex): ResolvedTeam[] {
  const overrides = recordOr(env.teams);
  const publicTeams = new Set([...index.apps.values()].filter((a) => a.exposure?.isPublic).map((a) => a.team));
  return [...index.teams.values()]
    .map((team) => ({
      name: team.name,
      owners: team.owners,
      codeOwners: team.codeOwners ?? `@${index.spec.organization.name}/${team.name}`,
      description: team.description,
      namespaces: [...namespacesOf(team)].sort(),
      quota: resolveQuota({ ...team.quota, ...overrides[team.name]?.quota }),
      hasPublicApps: publicTeams.has(team.name),
      alerts: resolveAlerts(team.alerts),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function resolveQuota(q: QuotaSpec): ResolvedQuota {
  const requestsCpu = q.requestsCpu ?? DEFAULT_QUOTA.requestsCpu;
  const requestsMemory = q.requestsMemory ?? DEFAULT_QUOTA.requestsMemory;
  return {
    requestsCpu,
    requestsMemory,
    limitsCpu: q.limitsCpu ?? formatCpu(2 * (parseCpu(requestsCpu) ?? 0)),
    limitsMemory: q.limitsMemory ?? formatMemory(2 * (parseMemory(requestsMemory) ?? 0)),
    pods: q.pods ?? DEFAULT_QUOTA.pods,
  };
}

function formatCpu(millicores: number): string {
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`;
}

function formatMemory(bytes: number): string {
  const gi = 1024 ** 3;
  return bytes % gi === 0 ? `${bytes / gi}Gi` : `${Math.ceil(bytes / 1024 ** 2)}Mi`;
}

/** The Artifact Registry repositories that apps' images come from, distinct and sorted by URL. */
function imageRegistriesOf(apps: readonly ResolvedApp[]): ResolvedImageRegistry[] {
  const registries = new Map<string, ResolvedImageRegistry>();
  for (const app of apps) {
    const m = ARTIFACT_REGISTRY_IMAGE.exec(app.imageRepository);
    if (m && !registries.has(m[1])) {
      registries.set(m[1], { url: m[1], location: m[2], project: m[3], repositoryId: m[4] });
    }
  }
  return [...registries.values()].sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
}
