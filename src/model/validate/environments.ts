import type { AppOverride } from '../app';
import { EnvironmentSpec, SyncPolicy, TeamAccess, Tier } from '../environment';
import type { ValidationIssue } from '../errors';
import { ENVIRONMENT, SYNC_OPTIONS } from '../fields';
import { DNS1123_LABEL, DNS_NAME, GCP_PROJECT_ID, suggest } from '../names';
import { validateCluster } from './clusters';
import type { DeclarationIndex } from './declarations';
import { Location, Report } from './location';
import { validateSchedule, validateTimeZone } from './schedule';
import { validateQuota } from './teams';
import { checkBoolean } from './typed';
import { DURATION, cidrContains, exampleDomain, cidrsOverlap, isCidr, isNetworkAddress, isPositiveInt, isString, listOr, recordOr } from './values';
import { clusterWithDefaults } from '../resolve/cluster';
import { PREVIEW_LABEL_PREFIX } from '../resolve/defaults';

/** The longest label name GitHub accepts. */
const GITHUB_LABEL_MAX = 50;

/**
 * One environment's own declaration: tier, project, region, domain, cluster,
 * sync policy and windows, endpoints, previews, and the names its team and
 * app overrides refer to. Each app's override is checked by `validateOverride`.
 */
export function validateEnvironment(
  env: EnvironmentSpec, index: DeclarationIndex, teamsOfSeveral: ReadonlySet<string> = new Set(),
): ValidationIssue[] {
  const report = new Report();
  const e = env.name;
  const at = report.at('', { environment: e, file: index.fileOf(env) });
  at.unknownFields(env, ENVIRONMENT);
  if (env.sync instanceof SyncPolicy && env.sync.declared) {
    at.field('sync').unknownFields(env.sync.declared, env.sync.automated ? SYNC_OPTIONS.automated : SYNC_OPTIONS.manual);
  }
  if (!(env.tier instanceof Tier)) {
    at.field('tier').issue('must be a Tier', env.tier, 'use Tier.DEVELOPMENT, Tier.STAGING or Tier.PRODUCTION');
  }
  if (!isString(env.gcpProject) || !GCP_PROJECT_ID.test(env.gcpProject)) {
    at.field('gcpProject').issue('is not a GCP project id (6-30 characters: lowercase letters, digits, "-")', env.gcpProject, 'use the project id, e.g. "acme-shop-prod"');
  }
  if (!isString(env.region) || !/^[a-z]+-[a-z]+\d$/.test(env.region)) {
    at.field('region').issue('is not a GCP region', env.region, 'write e.g. "europe-west1"');
  }
  if (!isString(env.domain) || !DNS_NAME.test(env.domain) || !env.domain.includes('.')) {
    at.field('domain').issue('is not a DNS domain', env.domain, `write e.g. "${isString(e) ? e : 'dev'}.${exampleDomain(index.spec)}"`);
  }
  if (env.sync !== undefined && !(env.sync instanceof SyncPolicy)) {
    at.field('sync').issue('must be a SyncPolicy', env.sync, 'use SyncPolicy.automated() or SyncPolicy.manual()');
  }
  if (env.teamAccess !== undefined && !(env.teamAccess instanceof TeamAccess)) {
    at.field('teamAccess').issue('must be a TeamAccess', env.teamAccess, 'use TeamAccess.EDIT or TeamAccess.VIEW');
  }
  if (env.stateBucket !== undefined && (!isString(env.stateBucket) || !/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(env.stateBucket))) {
    at.field('stateBucket').issue('is not a Cloud Storage bucket name', env.stateBucket, 'write e.g. "acme-prod-tfstate", or omit it for <gcpProject>-tfstate');
  }
  validateCluster(env, index.spec.organization?.name, at);
  validateSyncWindows(at, env);
  validateEndpoints(at, env);
  validatePreviews(at, env, index);
  for (const [name, override] of Object.entries(recordOr(env.teams))) {
    if (!index.teams.has(name) && teamsOfSeveral.has(name)) {
      // reported once with the apps that name it (validateTeamNames)
    } else if (!index.teams.has(name)) {
      at.field('teams').field(name).issue('overrides a team that is not declared', name, `fix the name (${suggest(name, [...index.teams.keys()])})`);
    } else {
      validateQuota(at.field('teams').field(name).field('quota'), override?.quota);
    }
  }
  for (const [name, override] of Object.entries(recordOr<AppOverride>(env.apps))) {
    // An undeclared name is reported once over every file that uses it (validateStaleAppNames).
    checkBoolean(at.field('apps').field(name).field('enabled'), override?.enabled, 'write enabled: false (not "false")');
  }
  return report.issues;
}

function validateSyncWindows(at: Location, env: EnvironmentSpec): void {
  if (env.syncWindows !== undefined && !Array.isArray(env.syncWindows)) {
    at.field('syncWindows').issue('must be a list', env.syncWindows, 'write syncWindows: [{ kind, schedule, duration }]');
  }
  listOr(env.syncWindows).forEach((w, i) => {
    const item = at.field(`syncWindows[${i}]`);
    if (w?.kind !== 'allow' && w?.kind !== 'deny') {
      item.field('kind').issue('must be "allow" or "deny"', w?.kind, 'write kind: "deny" for a freeze');
    }
    validateSchedule(item.field('schedule'), w?.schedule, { descriptors: false });
    if (!isString(w?.duration) || !DURATION.test(w.duration)) {
      item.field('duration').issue('is not a duration', w?.duration, 'write e.g. "1h" or "64h"');
    }
    validateTimeZone(item.field('timeZone'), w?.timeZone);
    checkBoolean(item.field('manualSync'), w?.manualSync, 'write manualSync: false, or omit it');
  });
}

/** Private services access: a /24-or-larger block, aligned, apart from the cluster's ranges; API names. */
function validatePrivateServiceAccess(at: Location, env: EnvironmentSpec): void {
  const psa = env.privateServiceAccess;
  if (psa === undefined) return;
  const where = at.field('privateServiceAccess');
  if (!isCidr(psa?.cidr)) {
    where.field('cidr').issue('is not an IPv4 CIDR block', psa?.cidr, 'write e.g. "10.60.0.0/16"');
  } else if (Number(psa.cidr.split('/')[1]) > 24) {
    where.field('cidr').issue('is smaller than a /24, the least Google allocates for private services access', psa.cidr, 'reserve a /24 or larger, e.g. "10.60.0.0/16"');
  } else if (!isNetworkAddress(psa.cidr)) {
    where.field('cidr').issue('does not start at its first address, which the reserved range must', psa.cidr, `write the block's first address, e.g. "${psa.cidr.replace(/\.\d+\//, '.0/')}"`);
  } else {
    for (const [field, range] of Object.entries(clusterWithDefaults(env, '').ranges)) {
      if (isCidr(range) && cidrsOverlap(psa.cidr, range)) where.field('cidr').issue(`overlaps cluster.${field} ${range}`, psa.cidr, 'choose a range apart from the cluster\'s');
    }
  }
  if (psa?.apis !== undefined && (!Array.isArray(psa.apis) || !psa.apis.every((a) => isString(a) && /^[a-z0-9-]+\.googleapis\.com$/.test(a)))) {
    where.field('apis').issue('must list Google API names', psa.apis, 'write e.g. ["sqladmin.googleapis.com", "redis.googleapis.com"]');
  }
}

function validateEndpoints(at: Location, env: EnvironmentSpec): void {
  validatePrivateServiceAccess(at, env);
  const psa = isCidr(env.privateServiceAccess?.cidr) ? env.privateServiceAccess.cidr : undefined;
  const ranges = Object.entries(clusterWithDefaults(env, '').ranges).filter(([, range]) => isCidr(range));
  for (const [name, ep] of Object.entries(recordOr(env.endpoints))) {
    const where = at.field('endpoints').field(name);
    if (!DNS1123_LABEL.test(name)) {
      where.issue('has a name that is not a DNS label', name, 'name it e.g. "orders-db"');
    }
    if (!isCidr(ep?.cidr)) {
      where.field('cidr').issue('is not an IPv4 CIDR block', ep?.cidr, 'write e.g. "10.30.0.0/24"');
    } else if (ep.cidr.endsWith('/0')) {
      where.field('cidr').issue('is the whole internet, which is not an endpoint', ep.cidr, 'use internetEgress on the app for public HTTPS, or name the real range');
    } else {
      for (const [field, range] of ranges) {
        if (cidrsOverlap(ep.cidr, range)) {
          where.field('cidr').issue(`overlaps cluster.${field} ${range}`, ep.cidr, 'an endpoint outside the cluster cannot share the cluster\'s ranges: check the address, or move the cluster\'s ranges');
        }
      }
    }
    checkBoolean(where.field('privateServiceAccess'), ep?.privateServiceAccess, 'write privateServiceAccess: true, or omit it');
    if (isCidr(ep?.cidr) && ep.privateServiceAccess === true) {
      if (!env.privateServiceAccess) {
        where.field('privateServiceAccess').issue('needs the environment\'s private services access, which is not declared', true,
          'declare privateServiceAccess: { cidr } on the environment (the range Google places the service\'s private IP in)');
      } else if (psa && !cidrContains(psa, ep.cidr)) {
        where.field('cidr').issue(`is not inside privateServiceAccess.cidr ${psa}`, ep.cidr, 'use the range the service was given inside the reserved block');
      }
    } else if (isCidr(ep?.cidr) && psa && cidrsOverlap(psa, ep.cidr)) {
      where.field('privateServiceAccess').missing(`is not set, but the endpoint lies in the private services access range ${psa}`,
        'mark it privateServiceAccess: true (it is a Google-managed service reached over the peering)');
    }
    const ports = Array.isArray(ep?.ports) ? ep.ports : [];
    if (ports.length === 0 || !ports.every((p) => Number.isInteger(p) && p >= 1 && p <= 65535)) {
      where.field('ports').issue('must list TCP ports from 1 to 65535', ep?.ports, 'write e.g. ports: [5432]');
    }
  }
}

function validatePreviews(at: Location, env: EnvironmentSpec, index: DeclarationIndex): void {
  const previews = env.previews;
  if (previews === undefined) return;
  const where = at.field('previews');
  if (env.tier instanceof Tier && env.tier.isProduction) {
    where.issue('are declared on a production environment', env.name, 'declare previews on the development environment (pull requests must never run on the production cluster)');
  }
  if (!isString(previews.github?.owner) || !/^[A-Za-z0-9-]+$/.test(previews.github.owner) || !isString(previews.github?.repo) || !/^[A-Za-z0-9._-]+$/.test(previews.github.repo)) {
    where.field('github').issue('must name the GitHub owner and repository', previews.github, 'write github: { owner: "acme", repo: "platform" }');
  }
  if (!isString(previews.domain) || !DNS_NAME.test(previews.domain) || !previews.domain.includes('.')) {
    where.field('domain').issue('is not a DNS domain', previews.domain, `write e.g. "preview.${isString(env.domain) && DNS_NAME.test(env.domain) ? env.domain : exampleDomain(index.spec)}"`);
  }
  validateQuota(where.field('quota'), previews.quota);
  if (previews.requeueAfterSeconds !== undefined && !(isPositiveInt(previews.requeueAfterSeconds) && previews.requeueAfterSeconds >= 30)) {
    where.field('requeueAfterSeconds').issue('must be a whole number of seconds, at least 30 (GitHub rate limits)', previews.requeueAfterSeconds, 'write e.g. 180');
  }
  // A preview is asked for with the pull-request label preview:<app>; GitHub refuses labels over 50 characters.
  for (const [name, app] of index.apps) {
    const label = `${PREVIEW_LABEL_PREFIX}${name}`;
    if (app.workload?.kind !== 'migration' && label.length > GITHUB_LABEL_MAX) {
      where.issue(
        `would ask for app "${name}"'s preview with the pull-request label "${label}" (${label.length} characters), longer than GitHub allows (${GITHUB_LABEL_MAX})`,
        name,
        `shorten the app's name to at most ${GITHUB_LABEL_MAX - PREVIEW_LABEL_PREFIX.length} characters`,
      );
    }
  }
}
