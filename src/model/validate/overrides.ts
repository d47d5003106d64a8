import { AppOverride, AppSpec, Workload } from '../app';
import { EnvironmentSpec, Tier } from '../environment';
import { type ValidationIssue, asText } from '../errors';
import { DNS_NAME, suggest } from '../names';
import { isWellShaped, validateEnv } from './apps';
import { type DeclarationIndex, releaseFileOf } from './declarations';
import { validateDelivery } from './delivery';
import { Location, Report } from './location';
import { callOf, endpointDeclaredAnywhere } from './references';
import { releaseEntries, versionOf } from './releases';
import { validateResources, validateScaling } from './scaling';
import { validateSchedule } from './schedule';
import { exampleDomain, isPlainRecord, isPositiveInt, isString, recordOr } from './values';
import { MIN_PRODUCTION_REPLICAS, PRODUCTION_REPLICAS_RULE } from '../resolve/defaults';

/** The apps deployed in an environment: every app not disabled there. */
export function enabledApps(env: EnvironmentSpec, index: DeclarationIndex): AppSpec[] {
  return [...index.apps.values()].filter((a) => isEnabled(env, a.name, index));
}

/** Whether a declared app is deployed in an environment (not disabled there): {@link enabledApps}, asked of one name. */
export function isEnabled(env: EnvironmentSpec, name: string, index: DeclarationIndex): boolean {
  return index.apps.has(name) && recordOr<AppOverride>(env.apps)[name]?.enabled !== false;
}

/** Whether an app's declaration is whole enough for its environments' overrides to be checked against it. */
export function overridable(app: AppSpec, index: DeclarationIndex): boolean {
  return app.workload instanceof Workload && index.teams.has(app.team) && isWellShaped(app);
}

/**
 * One app in one environment: it has a version there, what the environment
 * overrides applies to its workload and is valid, and what it reaches
 * (endpoints, callees, the app it migrates) exists and is deployed there.
 * Problems name the environment's file (the release file for versions).
 * `renamed`: apps whose old name is still used, reported once for all environments.
 */
export function validateOverride(
  env: EnvironmentSpec, app: AppSpec, index: DeclarationIndex, renamed: ReadonlySet<string> = new Set(),
): ValidationIssue[] {
  const report = new Report();
  const file = index.fileOf(env);
  const at = report.at(`apps.${app.name}`, { environment: env.name, file });
  const o = recordOr<AppOverride>(env.apps)[app.name] ?? {};
  const entries = releaseEntries(env);
  const production = env.tier instanceof Tier && env.tier.isProduction;
  // A release file that is not one at all is reported once (validateRelease), not once per app.
  // A renamed app's versions are under its old name: the rename is reported once (validateStaleAppNames).
  // An entry that is there but malformed is reported by validateRelease, once.
  const written = (env.release?.content as { apps?: unknown } | undefined)?.apps;
  const malformed = isPlainRecord(written) && Object.prototype.hasOwnProperty.call(written, app.name);
  if (entries && !versionOf(app, entries, index) && !renamed.has(app.name) && !malformed) {
    const releaseFile = releaseFileOf(env);
    report.at(`release.apps.${app.name}`, { environment: env.name, file: releaseFile }).missing(
      'is missing: the app has no version in this environment',
      `add "${app.name}": {"tag": "<version>"${production ? ', "digest": "sha256:<digest>"' : ''}} to ${releaseFile}, or set apps["${app.name}"].enabled = false in ${file ?? `environment ${env.name}`}`,
    );
  }
  validateResources(at, o.resources);
  validateEnv(at, o.env, app);
  if (app.workload.isLongRunning) {
    validateScaling(at, o);
    // A renamed app's override is still under its old name: the rename is the one problem (validateStaleAppNames).
    if (production && !renamed.has(app.name)) validateProductionReplicas(report, env, app, o, index);
  } else {
    for (const field of ['replicas', 'autoscaling', 'maxUnavailable', 'host'] as const) {
      if (o[field] !== undefined) at.field(field).issue(`does not apply to a ${app.workload.kind}`, o[field], 'remove it');
    }
  }
  validateDelivery(at.field('delivery'), o.delivery, app);
  if (o.schedule !== undefined) {
    if (app.workload.kind !== 'cron-job') at.field('schedule').issue(`does not apply to a ${app.workload.kind}`, o.schedule, 'remove it');
    else validateSchedule(at.field('schedule'), o.schedule, { descriptors: true });
  }
  if (o.host !== undefined && (!isString(o.host) || !DNS_NAME.test(o.host) || !app.exposure?.isPublic)) {
    at.field('host').issue(
      app.exposure?.isPublic ? 'is not a DNS name' : 'is set, but the app is not public',
      o.host,
      app.exposure?.isPublic ? `write e.g. "${app.exposure.subdomain}.${isString(env.domain) ? env.domain : exampleDomain(index.spec)}"` : 'remove it, or declare the app with Exposure.public({ subdomain })',
    );
  }
  const endpoints = recordOr(env.endpoints);
  for (const name of app.egress ?? []) {
    // A name no environment declares is the app's mistake, said once in its file (validateReferences).
    if (!Object.prototype.hasOwnProperty.call(endpoints, name) && isString(name) && endpointDeclaredAnywhere(name, index)) {
      at.field('egress').issue(`names endpoint "${asText(name)}", which this environment does not declare`, name,
        `declare endpoints["${asText(name)}"] = { description, cidr, ports } in ${file ?? `environment ${env.name}`} (${suggest(asText(name), Object.keys(endpoints))})`);
    }
  }
  // One name at a time: enabledApps built whole per app made 1,000 apps quadratic.
  const enabled = { has: (name: string) => isEnabled(env, name, index) };
  for (const entry of app.calls ?? []) {
    const callee = callOf(entry)?.app ?? '';
    if (index.apps.get(callee)?.workload?.kind === 'service' && !enabled.has(callee)) {
      at.field('calls').issue(`names "${callee}", which is disabled in this environment`, callee, `enable "${callee}" here, or disable "${app.name}" too`);
    }
  }
  const migrates = app.workload.migration?.migrates;
  if (migrates && !enabled.has(migrates) && index.apps.has(migrates)) {
    at.field('workload').field('migrates').issue(`names "${migrates}", which is disabled in this environment`, migrates, `disable "${app.name}" here too`);
  }
  validateVariableReferences(at, app, o, file ?? `environment ${env.name}`);
  return report.issues;
}

/**
 * `$(NAME)` in command and args is replaced by Kubernetes with the
 * container's variable NAME; a variable that does not exist is left as
 * written, so the program would silently get the text `$(NAME)`. Each one
 * must be an env variable of the app in this environment, or a secret's.
 * `$$(NAME)` is Kubernetes' escape for the text itself.
 */
function validateVariableReferences(at: Location, app: AppSpec, o: AppOverride, file: string): void {
  const defined = new Set([
    ...Object.keys(isPlainRecord(app.env) ? app.env : {}),
    ...Object.keys(isPlainRecord(o.env) ? o.env : {}),
    ...(Array.isArray(app.secrets) ? app.secrets.map((x) => x?.envVar).filter(isString) : []),
  ]);
  for (const field of ['command', 'args'] as const) {
    const list = app[field];
    if (!Array.isArray(list)) continue;
    list.forEach((item, i) => {
      if (!isString(item)) return;
      for (const [, name] of item.replace(/\$\$\(/g, '').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) {
        if (defined.has(name)) continue;
        at.field(`${field}[${i}]`).issue(
          `refers to $(${name}), which is not one of the app's variables in this environment (Kubernetes would pass the text "$(${name})" as it is)`,
          item,
          `set env ${name} for the app (in ${file}, or on the app for every environment), or write $$(${name}) for the text itself`,
        );
      }
    });
  }
}

/**
 * In production, a long-running app runs at least {@link MIN_PRODUCTION_REPLICAS}
 * replicas (its autoscaler's minimum, else its replicas): reported where the
 * number is declared (the environment's override, else the app's file), or in
 * the environment's file when nothing is declared and the default 1 applies.
 * An app exempt from the guardrail (with a reason) is left to it, which knows
 * when the exemption expires. Malformed numbers are validateScaling's.
 */
function validateProductionReplicas(report: Report, env: EnvironmentSpec, app: AppSpec, o: AppOverride, index: DeclarationIndex): void {
  if ((app.exemptions ?? []).some((e) => e?.rule === PRODUCTION_REPLICAS_RULE)) return;
  const envFile = index.fileOf(env);
  const appFile = index.fileOf(app);
  const candidates: Array<[unknown, string, string | undefined]> = [
    [o.autoscaling?.minReplicas, 'autoscaling.minReplicas', envFile],
    [o.autoscaling === undefined ? app.autoscaling?.minReplicas : undefined, 'autoscaling.minReplicas', appFile],
    [o.replicas, 'replicas', envFile],
    [app.replicas, 'replicas', appFile],
  ];
  const [value, field, file] = candidates.find(([v]) => v !== undefined) ?? [undefined, 'replicas', envFile];
  const count = value ?? 1;
  if (!isPositiveInt(count) || count >= MIN_PRODUCTION_REPLICAS) return;
  const where = report.at(`apps.${app.name}`, { environment: env.name, file }).field(field);
  const override = `apps: { '${app.name}': { ${field === 'replicas' ? 'replicas' : 'autoscaling: { ..., minReplicas'}: ${MIN_PRODUCTION_REPLICAS}${field === 'replicas' ? '' : ' }'} } }`;
  const fix = file === appFile && file !== envFile
    ? `set ${field}: ${MIN_PRODUCTION_REPLICAS} or more in ${appFile}, or for ${env.name} only in ${envFile ?? `environment ${env.name}`}: ${override}`
    : `set ${override} in ${envFile ?? `environment ${env.name}`}`;
  const message = `must be at least ${MIN_PRODUCTION_REPLICAS} in production (one replica means downtime at every rollout, node upgrade and zone failure)`;
  if (value === undefined) where.issue(`is not set, so the default 1 applies; it ${message}`, 1, fix);
  else where.issue(message, value, fix);
}
