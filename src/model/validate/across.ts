import type { AppOverride, AppSpec } from '../app';
import { EnvironmentSpec, Tier } from '../environment';
import type { ValidationIssue } from '../errors';
import type { DeclarationIndex } from './declarations';
import { Report } from './location';
import { enabledApps, overridable } from './overrides';
import { exampleDomain, isString, recordOr } from './values';

/**
 * What two environments must not share: a GCP project (blast radius, IAM and
 * quotas are per project), a DNS domain and the hosts under it (one load
 * balancer answers for a host), a Terraform state bucket (two stacks in one
 * state overwrite each other); and within one environment, a host.
 * A shared project, domain or bucket is reported in the later environment in
 * promotion order; a shared host in the environment it does not belong to.
 */
export function validateAcrossEnvironments(index: DeclarationIndex): ValidationIssue[] {
  const report = new Report();
  const claims = {
    gcpProject: new Map<string, EnvironmentSpec>(),
    domain: new Map<string, EnvironmentSpec>(),
    stateBucket: new Map<string, EnvironmentSpec>(),
  };
  const claimsOfHost = new Map<string, HostClaim[]>();
  const sharesDomain = new Set<string>();
  for (const env of index.environments) {
    const at = report.at('', { environment: env.name, file: index.fileOf(env) });
    const values = { gcpProject: env.gcpProject, domain: env.domain, stateBucket: env.stateBucket ?? (isString(env.gcpProject) ? `${env.gcpProject}-tfstate` : undefined) };
    const shared = new Set<string>();
    for (const field of ['gcpProject', 'domain', 'stateBucket'] as const) {
      const value = values[field];
      if (!isString(value)) continue;
      const other = claims[field].get(value);
      // A default bucket follows the project: a shared project is the one problem to report.
      if (other !== undefined && !(field === 'stateBucket' && env.stateBucket === undefined && shared.has('gcpProject'))) {
        const where = index.fileOf(other);
        const fix = field === 'domain' ? domainFix(env, other, value, index) : FIXES[field];
        at.field(field).issue(`is also the ${FIELD_NAMES[field]} of environment "${other.name}"${where ? ` (${where})` : ''}`, value, fix);
        shared.add(field);
      } else if (other === undefined) {
        claims[field].set(value, env);
      }
    }
    if (shared.has('domain')) sharesDomain.add(env.name);
    const hosts = new Map<string, string>();
    for (const app of enabledApps(env, index)) {
      const host = hostOf(app, env, index);
      if (host === undefined) continue;
      const same = hosts.get(host);
      if (same !== undefined) {
        at.field('apps').field(app.name).field('host').issue(`is also the host of app "${same}"`, host, 'give each public app its own subdomain or host');
        continue;
      }
      hosts.set(host, app.name);
      const list = claimsOfHost.get(host) ?? [];
      list.push({ env, app: app.name, rightful: rightfulness(host, env) });
      claimsOfHost.set(host, list);
    }
  }
  // A host claimed in several environments: the environment it belongs to keeps it (its own domain, then
  // production, then the earlier in promotion order); every other claim is reported, in its own file.
  for (const [host, list] of claimsOfHost) {
    const claimants = list.filter((c) => !sharesDomain.has(c.env.name));
    if (claimants.length < 2) continue;
    const keeper = claimants.reduce((best, c) => (c.rightful > best.rightful ? c : best));
    for (const c of claimants.filter((x) => x !== keeper)) {
      report.at('', { environment: c.env.name, file: index.fileOf(c.env) }).field('apps').field(c.app).field('host').issue(
        `is also the host of app "${keeper.app}" in environment "${keeper.env.name}"`,
        host,
        `give each environment its own host, under its domain "${String(c.env.domain)}" (one load balancer and certificate answer for a host)`,
      );
    }
  }
  return report.issues;
}

interface HostClaim {
  readonly env: EnvironmentSpec;
  readonly app: string;
  /** How surely the host is this environment's: 2 under its own domain, +1 in production. */
  readonly rightful: number;
}

function rightfulness(host: string, env: EnvironmentSpec): number {
  const own = isString(env.domain) && (host === env.domain || host.endsWith(`.${env.domain}`)) ? 2 : 0;
  return own + (env.tier instanceof Tier && env.tier.isProduction ? 1 : 0);
}

const FIELD_NAMES = { gcpProject: 'project', domain: 'domain', stateBucket: 'Terraform state bucket' } as const;
const FIXES: Record<'gcpProject' | 'stateBucket', string> = {
  gcpProject: 'give each environment its own GCP project (blast radius, IAM and quotas are per project)',
  stateBucket: 'give each environment its own state bucket (two stacks in one state overwrite each other), or omit it for <gcpProject>-tfstate',
};

/**
 * Each environment its own domain, in the organisation's: the one not in
 * production moves to a subdomain named after it (e.g. "staging.acme.dev").
 */
function domainFix(env: EnvironmentSpec, other: EnvironmentSpec, shared: string, index: DeclarationIndex): string {
  const production = (e: EnvironmentSpec) => e.tier instanceof Tier && e.tier.isProduction;
  const moves = production(env) && !production(other) ? other : env;
  const organization = exampleDomain(index.spec);
  const base = shared === organization || shared.endsWith(`.${organization}`) ? organization : shared;
  const file = index.fileOf(moves);
  return `give each environment its own domain, e.g. "${moves.name}.${base}" for environment "${moves.name}"${file ? ` (its domain in ${file})` : ''}`;
}

/** The host a public app answers on in an environment: its override, or `<subdomain>.<domain>`. */
export function hostOf(app: AppSpec, env: EnvironmentSpec, index: DeclarationIndex): string | undefined {
  if (!overridable(app, index) || !app.exposure?.isPublic) return undefined;
  const o = recordOr<AppOverride>(env.apps)[app.name];
  const host = o?.host ?? `${app.exposure.subdomain}.${env.domain}`;
  return isString(host) ? host : undefined;
}

/**
 * `roles/cloudsql.client` serves the Cloud SQL connectors (the Auth Proxy and
 * the language connectors), which reach the instance on port 3307; a
 * connection to its private IP on 5432 or 3306 with a password needs no role.
 * A role that no environment's network policy lets the app use is reported
 * once, in the app's file, with the environments where it is unused.
 * @see https://cloud.google.com/sql/docs/postgres/connect-auth-proxy
 */
export function validateConnectorRoles(index: DeclarationIndex): ValidationIssue[] {
  const report = new Report();
  for (const app of index.apps.values()) {
    const roles = Array.isArray(app.identity?.roles) ? app.identity.roles : [];
    if (!roles.includes(CLOUD_SQL_CLIENT) || !Array.isArray(app.egress ?? [])) continue;
    const unused = index.environments.filter((env) => {
      if (!enabledApps(env, index).includes(app)) return false;
      const endpoints = recordOr(env.endpoints);
      return !(app.egress ?? []).some((name) => Array.isArray(endpoints[name]?.ports) && endpoints[name].ports.includes(CLOUD_SQL_CONNECTOR_PORT));
    }).map((env) => env.name);
    if (unused.length === 0) continue;
    report.at(`apps.${app.name}.identity.roles[${roles.indexOf(CLOUD_SQL_CLIENT)}]`, { file: index.fileOf(app) }).issue(
      `grants ${CLOUD_SQL_CLIENT}, which only the Cloud SQL connectors use (port ${CLOUD_SQL_CONNECTOR_PORT}), `
        + `but no endpoint the app reaches opens ${CLOUD_SQL_CONNECTOR_PORT} in ${unused.join(', ')}`,
      CLOUD_SQL_CLIENT,
      `remove the role (a connection to the instance's private IP with a password needs none), or add ${CLOUD_SQL_CONNECTOR_PORT} to the endpoint's ports for a connector`,
    );
  }
  return report.issues;
}

const CLOUD_SQL_CLIENT = 'roles/cloudsql.client';
const CLOUD_SQL_CONNECTOR_PORT = 3307;
