import {
  AppSpec, CallSpec, CloudIdentitySpec, DatasetRoleSpec, Exposure, MetricsSpec, NamespaceCallerSpec, PortSpec, Probe, SecretRef, Workload,
} from '../app';
import type { ValidationIssue } from '../errors';
import { asText } from '../errors';
import {
  AUTOSCALING, EXEMPTION, EXPOSURE_OPTIONS, ListOf, ObjectFields, PROBE_TIMING, RESOURCES, WORKLOAD_OPTIONS, fields,
} from '../fields';
import { CONFIG_KEY, DNS1123_LABEL, ENV_VAR_NAME, GCP_SERVICE_ACCOUNT_ID, suggest } from '../names';
import { type DeclarationIndex, namespacesOf } from './declarations';
import { validateDelivery } from './delivery';
import { Location, Report } from './location';
import { validateExemption } from './platform';
import { validateCalledFrom, validateMetrics, validatePorts, validateProbes } from './ports';
import { validateResources, validateScaling } from './scaling';
import { validateSchedule, validateTimeZone } from './schedule';
import { checkBoolean, checkValue } from './typed';
import { IMAGE_REPOSITORY, isNonNegativeInt, isString } from './values';

/**
 * The fields an app may hold, for the unknown-field check (typed against
 * AppSpec: a field added there and not here fails the compilation).
 */
export const APP = fields<AppSpec>('an app', {
  name: true,
  team: true,
  workload: true, // a Workload: its options are checked with WORKLOAD_OPTIONS
  description: true,
  namespace: true,
  image: true,
  command: true,
  args: true,
  ports: new ListOf(fields<PortSpec>('a port', { name: true, port: true, protocol: true })),
  resources: RESOURCES,
  probes: new ObjectFields('probes', { readiness: true, liveness: true, startup: true }), // Probes: timings checked with PROBE_TIMING
  env: true,
  configFiles: true,
  configMountPath: true,
  secrets: new ListOf(fields<SecretRef>('a secret', { name: true, envVar: true, file: true })),
  secretsMountPath: true,
  identity: fields<CloudIdentitySpec>('a cloud identity', {
    roles: true,
    accountId: true,
    datasetRoles: new ListOf(fields<DatasetRoleSpec>('a dataset role', { dataset: true, role: true })),
  }),
  exposure: true, // an Exposure: options checked with EXPOSURE_OPTIONS
  calls: new ListOf(fields<CallSpec>('a call', { app: true, ports: true })),
  calledFrom: new ListOf(fields<NamespaceCallerSpec>('a caller namespace', { namespace: true, ports: true })),
  internetEgress: true,
  egress: true,
  replicas: true,
  autoscaling: AUTOSCALING,
  maxUnavailable: true,
  terminationGracePeriodSeconds: true,
  exemptions: new ListOf(EXEMPTION),
  metrics: fields<MetricsSpec>('metrics', { port: true, path: true, interval: true }),
  sourceFile: true,
  delivery: true, // a Delivery: options checked with DELIVERY_OPTIONS
});

/** Lists and maps of an app: when one has the wrong shape, nothing else of the app is checked (each check reads them). */
const LIST_FIELDS = ['ports', 'calls', 'secrets', 'command', 'args', 'exemptions', 'egress'] as const;
const OBJECT_FIELDS = ['env', 'configFiles', 'resources', 'probes', 'identity', 'autoscaling'] as const;

/**
 * One app's own declaration, in every environment alike: its fields, team,
 * workload, image, ports, probes, resources, config, secrets, identity,
 * exposure, scaling, delivery and exemptions. References to other apps are
 * checked by {@link validateReferences}. `teamsOfSeveral`: undeclared teams
 * reported once for all their apps (validateTeamNames, validateTeams).
 */
export function validateApp(app: AppSpec, index: DeclarationIndex, teamsOfSeveral: ReadonlySet<string> = new Set()): ValidationIssue[] {
  const report = new Report();
  const at = report.at(`apps.${app.name}`, { file: index.fileOf(app) });
  at.unknownFields(app, APP);
  if (app.workload instanceof Workload) {
    if (app.workload.cron) at.field('workload').unknownFields(app.workload.cron, WORKLOAD_OPTIONS.cronJob);
    if (app.workload.migration) at.field('workload').unknownFields(app.workload.migration, WORKLOAD_OPTIONS.migration);
  }
  for (const kind of ['readiness', 'liveness', 'startup'] as const) {
    const probe = app.probes?.[kind];
    if (probe instanceof Probe) at.field('probes').field(kind).unknownFields(probe.timing, PROBE_TIMING);
  }
  if (app.exposure instanceof Exposure && app.exposure.declared) at.field('exposure').unknownFields(app.exposure.declared, EXPOSURE_OPTIONS);
  if (!wellShaped(at, app)) return report.issues;

  const team = index.teams.get(app.team);
  if (!team && isString(app.team) && teamsOfSeveral.has(app.team)) {
    // several apps name it: reported once for all of them (validateTeamNames)
  } else if (!team) {
    at.field('team').issue('names a team that is not declared', app.team, `use a declared team (${suggest(asText(app.team), [...index.teams.keys()])})`);
  } else if (app.namespace !== undefined && !namespacesOf(team).includes(app.namespace)) {
    at.field('namespace').issue(`is not one of team "${team.name}"'s namespaces`, app.namespace, `use one of ${JSON.stringify(team.namespaces ?? [team.name])}, or add it to the team's namespaces`);
  }
  if (!(app.workload instanceof Workload)) {
    at.field('workload').issue('must be a Workload', app.workload, 'use Workload.service(), Workload.worker(), Workload.cronJob({...}) or Workload.migration({...})');
    return report.issues;
  }
  if (!isString(app.image) || !IMAGE_REPOSITORY.test(app.image)) {
    at.field('image').issue('must be an image repository without tag or digest (they come from the release file)', app.image, 'write e.g. "europe-docker.pkg.dev/acme-artifacts/apps/checkout-api"');
  }
  validatePorts(at.field('ports'), app);
  validateProbes(at.field('probes'), app);
  validateMetrics(at.field('metrics'), app);
  validateCalledFrom(at.field('calledFrom'), app);
  validateResources(at, app.resources);
  validateEnv(at, app.env, app);
  validateConfigFiles(at, app);
  validateSecretsAndIdentity(at, app);
  validateWorkloadOptions(at, app);
  validateExposure(at, app);
  validateScaling(at, app);
  validateDelivery(at.field('delivery'), app.delivery, app);
  checkBoolean(at.field('internetEgress'), app.internetEgress, 'write internetEgress: true, or omit it');
  checkValue(at.field('terminationGracePeriodSeconds'), app.terminationGracePeriodSeconds, (v) => v === undefined || isNonNegativeInt(v),
    'must be a whole number of seconds, at least 0', 'write e.g. terminationGracePeriodSeconds: 60, or omit it for 30');
  (Array.isArray(app.exemptions) ? app.exemptions : []).forEach((e, i) => validateExemption(at.field(`exemptions[${i}]`), e, index.environmentNames));
  return report.issues;
}

/** Whether the app's lists and maps have the right shape, so that checks that read them can (its problems are reported by validateApp). */
export function isWellShaped(app: AppSpec): boolean {
  return shapeProblems(app).length === 0;
}

function shapeProblems(app: AppSpec): { field: string; value: unknown; message: string; fix: string }[] {
  const problems = [];
  for (const field of LIST_FIELDS) {
    if (app[field] !== undefined && !Array.isArray(app[field])) {
      problems.push({ field, value: app[field], message: 'must be a list', fix: `write ${field}: [...], or omit it` });
    }
  }
  for (const field of OBJECT_FIELDS) {
    const value = app[field];
    if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      problems.push({ field, value, message: 'must be an object', fix: `write ${field}: { ... }, or omit it` });
    }
  }
  return problems;
}

function wellShaped(at: Location, app: AppSpec): boolean {
  const problems = shapeProblems(app);
  for (const p of problems) at.field(p.field).issue(p.message, p.value, p.fix);
  return problems.length === 0;
}

/** Plain variables: names that are identifiers, string values, none also filled from a secret. */
export function validateEnv(at: Location, env: Readonly<Record<string, string>> | undefined, app: AppSpec): void {
  if (env === undefined) return;
  if (typeof env !== 'object' || env === null || Array.isArray(env)) {
    at.field('env').issue('must be an object of variable name to string value', env, 'write e.g. env: { LOG_LEVEL: "info" }');
    return;
  }
  const secretVars = new Set((app.secrets ?? []).map((s) => s?.envVar));
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_VAR_NAME.test(name)) {
      at.field('env').issue('holds a variable name that is not a valid identifier', name, 'use letters, digits and "_", not starting with a digit');
    }
    if (typeof value !== 'string') {
      at.field('env').field(name).issue('must be a string', value, `quote it, e.g. ${name}: "${asText(value)}"`);
    }
    if (secretVars.has(name)) {
      at.field('env').field(name).issue('is also filled from a secret', name, 'remove it from env; the secret provides it');
    }
  }
}

function validateConfigFiles(at: Location, app: AppSpec): void {
  for (const [name, content] of Object.entries(app.configFiles ?? {})) {
    if (!CONFIG_KEY.test(name) || name.length > 253) {
      at.field('configFiles').issue('holds a file name that is not a valid ConfigMap key', name, 'use letters, digits, ".", "-" and "_" (no "/")');
    }
    if (typeof content !== 'string') {
      at.field('configFiles').field(name).issue('must be the file content as a string', content, 'write the file\'s text');
    }
  }
  for (const [field, fallback] of [['configMountPath', `/etc/${app.name}`], ['secretsMountPath', `/var/run/secrets/${app.name}`]] as const) {
    const value = app[field];
    if (value !== undefined && (!isString(value) || !value.startsWith('/') || value === '/' || value === '/tmp')) {
      at.field(field).issue('must be an absolute directory other than / and /tmp', value, `omit it to mount at ${fallback}`);
    }
  }
  if ((app.configMountPath ?? `/etc/${app.name}`) === (app.secretsMountPath ?? `/var/run/secrets/${app.name}`)) {
    at.field('secretsMountPath').issue('is also where config files are mounted', app.secretsMountPath, 'give secrets and config files their own directories');
  }
}

function validateSecretsAndIdentity(at: Location, app: AppSpec): void {
  const names = new Set<string>();
  const vars = new Set<string>();
  const files = new Set<string>();
  (app.secrets ?? []).forEach((s, i) => {
    const item = at.field(`secrets[${i}]`);
    if (!isString(s?.name) || !DNS1123_LABEL.test(s.name) || app.name.length + 1 + s.name.length > 200) {
      item.field('name').issue('must be a DNS label (it names the Secret Manager secret <app>-<name>)', s?.name, 'write e.g. "db-password"');
    } else if (names.has(s.name)) {
      item.field('name').issue('is declared twice', s.name, 'remove the duplicate');
    }
    names.add(s?.name);
    if ((s?.envVar === undefined) === (s?.file === undefined)) {
      item.issue('must name either an envVar or a file that receives the value', s, 'write e.g. { name: "db-password", envVar: "DB_PASSWORD" } or { name: "db-password", file: "db-password" }');
    } else if (s.file !== undefined) {
      if (!isString(s.file) || !CONFIG_KEY.test(s.file) || s.file.length > 253) {
        item.field('file').issue('is not a file name', s.file, 'use letters, digits, ".", "-" and "_" (no "/"), e.g. "db-password"');
      } else if (files.has(s.file)) {
        item.field('file').issue('is filled by two secrets', s.file, 'give each secret its own file');
      }
      files.add(s.file);
    } else if (!isString(s.envVar) || !ENV_VAR_NAME.test(s.envVar)) {
      item.field('envVar').issue('must be an environment variable name', s.envVar, 'write e.g. "DB_PASSWORD"');
    } else if (vars.has(s.envVar)) {
      item.field('envVar').issue('is filled by two secrets', s.envVar, 'give each secret its own variable');
    }
    if (s?.envVar !== undefined) vars.add(s.envVar);
  });
  if (app.identity === undefined && (app.secrets ?? []).length === 0) return;
  const accountId = app.identity?.accountId ?? app.name;
  if (!isString(accountId) || !GCP_SERVICE_ACCOUNT_ID.test(accountId)) {
    at.field('identity').field('accountId').issue(
      'is not a valid Google service account id (6-30 characters: a lowercase letter first, then letters, digits and "-")',
      accountId,
      app.identity?.accountId === undefined
        ? `the app name is used by default and does not fit: set identity.accountId, e.g. "${(`${app.name}-sa`).slice(0, 30).replace(/-+$/, '')}"`
        : 'choose an id that fits',
    );
  }
  (app.identity?.roles ?? []).forEach((role, i) => validateRole(at.field('identity').field(`roles[${i}]`), role, 'roles/pubsub.subscriber'));
  validateDatasetRoles(at.field('identity').field('datasetRoles'), app.identity?.datasetRoles);
}

function validateRole(where: Location, role: unknown, example: string): void {
  if (!isString(role) || !/^(roles|projects\/[a-z0-9-]+\/roles|organizations\/\d+\/roles)\/[A-Za-z0-9_.]+$/.test(role)) {
    where.issue('is not an IAM role name', role, `write e.g. "${example}"`);
  } else if (/^roles\/(owner|editor)$/.test(role) || /^roles\/[a-z]+\.admin$/.test(role)) {
    where.issue('grants administrative rights, which no workload should hold', role, `grant the narrowest role that lets the app work (e.g. ${example})`);
  }
}

/** BigQuery dataset ids: letters, digits and underscores, at most 1024 (https://cloud.google.com/bigquery/docs/datasets#dataset-naming). */
const BIGQUERY_DATASET_ID = /^[A-Za-z0-9_]{1,1024}$/;

function validateDatasetRoles(at: Location, grants: unknown): void {
  if (grants === undefined) return;
  if (!Array.isArray(grants)) {
    at.issue('must be a list', grants, 'write datasetRoles: [{ dataset: "sales", role: "roles/bigquery.dataEditor" }], or omit it');
    return;
  }
  const seen = new Set<string>();
  (grants as readonly Partial<DatasetRoleSpec>[]).forEach((g, i) => {
    const item = at.item(i);
    if (!isString(g?.dataset) || !BIGQUERY_DATASET_ID.test(g.dataset)) {
      item.field('dataset').issue('is not a BigQuery dataset id (letters, digits and underscores)', g?.dataset, 'write the dataset id, e.g. "sales"');
    }
    validateRole(item.field('role'), g?.role, 'roles/bigquery.dataViewer');
    const key = `${g?.dataset}/${g?.role}`;
    if (seen.has(key)) item.issue('repeats a grant of this list', g, 'remove the duplicate');
    seen.add(key);
  });
}

function validateWorkloadOptions(at: Location, app: AppSpec): void {
  const where = at.field('workload');
  const { cron } = app.workload;
  if (cron) {
    validateSchedule(where.field('schedule'), cron.schedule, { descriptors: true });
    validateTimeZone(where.field('timeZone'), cron.timeZone);
    for (const key of ['activeDeadlineSeconds', 'backoffLimit'] as const) {
      checkValue(where.field(key), cron[key], (v) => v === undefined || isNonNegativeInt(v), 'must be a whole number of at least 0', `set e.g. ${key}: ${key === 'backoffLimit' ? 2 : 3600}`);
    }
  }
  if (!app.workload.isLongRunning) {
    for (const field of ['replicas', 'autoscaling', 'maxUnavailable', 'exposure'] as const) {
      if (app[field] !== undefined) {
        at.field(field).issue(`does not apply to a ${app.workload.kind}`, app[field] instanceof Exposure ? 'Exposure' : app[field], 'remove it');
      }
    }
  }
}

function validateExposure(at: Location, app: AppSpec): void {
  const where = at.field('exposure');
  if (app.exposure !== undefined && !(app.exposure instanceof Exposure)) {
    where.issue('must be an Exposure', app.exposure, 'use Exposure.internal() or Exposure.public({ subdomain })');
    return;
  }
  if (!app.exposure?.isPublic) return;
  if (app.workload.kind !== 'service') {
    where.issue('is public, but only a service can be exposed', app.workload.kind, 'use Workload.service() or Exposure.internal()');
  }
  if (!isString(app.exposure.subdomain) || !DNS1123_LABEL.test(app.exposure.subdomain)) {
    where.field('subdomain').issue('must be a DNS label', app.exposure.subdomain, 'write e.g. "shop" for shop.<environment domain>');
  }
  if (app.exposure.port !== undefined && !(app.ports ?? []).some((p) => p.name === app.exposure!.port)) {
    where.field('port').issue('names a port the app does not declare', app.exposure.port, `use one of the app's ports (${suggest(app.exposure.port, (app.ports ?? []).map((p) => p.name))})`);
  }
  if (app.exposure.path !== undefined && (!isString(app.exposure.path) || !app.exposure.path.startsWith('/'))) {
    where.field('path').issue('must be an absolute path prefix', app.exposure.path, 'write e.g. "/" or "/api"');
  }
  // The load balancer checks health with the readiness probe (a BackendConfig), from Google's
  // health-check ranges, which the app's NetworkPolicy admits on the exposed port only.
  const readiness = app.probes?.readiness;
  const exposed = app.exposure.port ?? app.ports?.[0]?.name;
  if (readiness instanceof Probe && exposed !== undefined && (readiness.check.type !== 'http' || readiness.check.port !== exposed)) {
    at.field('probes').field('readiness').issue(
      `must be an HTTP probe on the exposed port "${exposed}": the app is public, and the load balancer checks its health with this probe`,
      readiness.check,
      `declare readiness: Probe.http("<path>", "${exposed}")`,
    );
  }
}
