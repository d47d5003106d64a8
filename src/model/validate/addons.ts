import { ADDON_FIELDS, ADDON_NAMES, AddonName, Alerts, EmailAlertOptions, SlackAlertOptions } from '../addons';
import type { EnvironmentSpec } from '../environment';
import type { ValidationIssue } from '../errors';
import { EMAIL_ALERT_OPTIONS as EMAIL_FIELDS, SLACK_ALERT_OPTIONS as SLACK_FIELDS } from '../fields';
import { DNS1123_LABEL, DNS_NAME, EMAIL, suggest } from '../names';
import { type DeclarationIndex, releaseFileOf } from './declarations';
import { Location, Report } from './location';
import { DURATION, isPlainRecord, isString, listOr } from './values';
import { addonSpecOf, githubRepository, servicesUsed } from '../resolve/addons';

/** An exact chart version (Semantic Versioning 2.0.0): Argo CD would read `9.*` or `>=9` as a range that moves by itself. */
export const CHART_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** Application names of the platform's own, in the Argo CD namespace: no app may take them. */
export const PLATFORM_APPLICATIONS: readonly string[] = ['root', 'platform-teams', 'argocd-config', ...ADDON_NAMES];

/** A cron expression of five fields, as GitHub's `schedule` reads it. */
const CRON = /^(\S+\s+){4}\S+$/;

/** The platform's add-ons, alert destinations, notifications and pipeline; and that no app takes a platform Application's name. */
export function validateAddons(index: DeclarationIndex): ValidationIssue[] {
  const { spec } = index;
  const report = new Report();
  const file = index.fileOf(spec);
  const at = (path: string) => report.at(path, { file });

  if (spec.addons !== undefined && !isPlainRecord(spec.addons)) {
    at('addons').issue('must be an object keyed by add-on (argoCd, externalSecrets, argoRollouts)', spec.addons, 'write e.g. addons: { argoCd: { version: "9.2.4" } }, or omit it');
  }
  for (const name of ADDON_NAMES) {
    const declared = addonSpecOf(spec, name);
    if (!declared) continue;
    const where = at(`addons.${ADDON_FIELDS[name]}`);
    if (declared.version !== undefined) checkVersion(where.field('version'), declared.version, name);
    const chart = declared.chart;
    if (chart?.repoURL !== undefined && (!isString(chart.repoURL) || !/^(https:\/\/|oci:\/\/)\S+$/.test(chart.repoURL))) {
      where.field('chart').field('repoURL').issue('is not a Helm repository URL', chart.repoURL, 'write an https:// (or oci://) URL, or omit it for the upstream repository');
    }
    if (chart?.name !== undefined && (!isString(chart.name) || !DNS1123_LABEL.test(chart.name))) {
      where.field('chart').field('name').issue('is not a chart name', chart.name, 'write the chart\'s name in its repository, e.g. "argo-cd", or omit it');
    }
  }

  checkAlerts(at('alerts'), spec.alerts);
  listOr(spec.teams).forEach((team) => {
    if (!isString(team?.name)) return;
    checkAlerts(report.at(`teams.${team.name}.alerts`, { file: index.fileOf(team) }), team.alerts);
  });
  const notifications = spec.notifications;
  if (notifications?.outOfSyncAfter !== undefined && (!isString(notifications.outOfSyncAfter) || !DURATION.test(notifications.outOfSyncAfter))) {
    at('notifications.outOfSyncAfter').issue('is not a duration', notifications.outOfSyncAfter, 'write whole seconds, minutes or hours, e.g. "30m"');
  }
  const email = notifications?.email;
  if (email !== undefined) {
    if (!isString(email.host) || !DNS_NAME.test(email.host)) at('notifications.email.host').issue('is not a host name', email.host, 'write the SMTP server, e.g. "smtp.gmail.com"');
    if (email.port !== undefined && (!Number.isInteger(email.port) || email.port < 1 || email.port > 65535)) {
      at('notifications.email.port').issue('is not a TCP port', email.port, 'write e.g. 587, or omit it');
    }
    if (!isString(email.from) || !EMAIL.test(email.from)) at('notifications.email.from').issue('is not an email address', email.from, 'write the sender, e.g. "argocd@acme.dev"');
    if (email.username !== undefined && (!isString(email.username) || email.username.length === 0)) {
      at('notifications.email.username').issue('must be a non-empty string', email.username, 'write the SMTP user, or omit it to log in as the sender');
    }
  }
  if (servicesUsed(spec).includes('email') && email === undefined) {
    at('notifications.email').missing('is not declared, but a destination is an email address: Argo CD needs the SMTP server',
      'declare notifications: { email: { host: "smtp.example.com", from: "argocd@example.com" } }, or send those alerts to Slack');
  }

  const pipeline = spec.pipeline;
  if (pipeline !== undefined) {
    if (!isPlainRecord(pipeline)) {
      at('pipeline').issue('must be an object', pipeline, 'write pipeline: {} for the defaults, or omit it');
    } else {
      if (pipeline.repository !== undefined && (!isString(pipeline.repository) || !/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(pipeline.repository))) {
        at('pipeline.repository').issue('is not a GitHub repository "owner/name"', pipeline.repository, 'write e.g. "acme/platform"');
      } else if (pipeline.repository === undefined && githubRepository(spec.gitops?.repoURL) === undefined) {
        at('pipeline.repository').missing('is needed: gitops.repoURL is not a GitHub repository, so the repository whose workflows may authenticate is unknown',
          'write pipeline.repository, e.g. "acme/platform"');
      }
      if (pipeline.terraformVersion !== undefined && (!isString(pipeline.terraformVersion) || !CHART_VERSION.test(pipeline.terraformVersion))) {
        at('pipeline.terraformVersion').issue('is not an exact version', pipeline.terraformVersion, 'write e.g. "1.13.4"');
      }
      if (pipeline.driftSchedule !== undefined && (!isString(pipeline.driftSchedule) || !CRON.test(pipeline.driftSchedule.trim()))) {
        at('pipeline.driftSchedule').issue('is not a cron expression of five fields', pipeline.driftSchedule, 'write e.g. "17 5 * * 1-5" (UTC)');
      }
      for (const env of index.environments) {
        if (env.gcpProjectNumber === undefined) {
          report.at('gcpProjectNumber', { environment: env.name, file: index.fileOf(env) }).missing(
            'is needed by the pipeline: it names the Workload Identity provider the workflows authenticate with',
            `set gcpProjectNumber to the number of project ${String(env.gcpProject)} (gcloud projects describe ${String(env.gcpProject)} --format='value(projectNumber)')`,
          );
        }
      }
    }
  }
  for (const env of index.environments) {
    if (env.gcpProjectNumber !== undefined && (!isString(env.gcpProjectNumber) || !/^\d{6,20}$/.test(env.gcpProjectNumber))) {
      report.at('gcpProjectNumber', { environment: env.name, file: index.fileOf(env) }).issue('is not a project number', env.gcpProjectNumber, 'write the digits Google shows as the project number, as a string');
    }
  }

  for (const app of index.apps.values()) {
    if (PLATFORM_APPLICATIONS.includes(app.name)) {
      report.at(`apps.${app.name}`, { file: index.fileOf(app) }).issue(
        'takes the name of one of the platform\'s own Argo CD Applications', app.name, `rename the app; reserved: ${PLATFORM_APPLICATIONS.join(', ')}`,
      );
    }
  }
  return report.issues;
}

/** The add-on entries of an environment's release file: known add-ons, exact versions. */
export function validateAddonRelease(env: EnvironmentSpec): ValidationIssue[] {
  const report = new Report();
  const content = env.release?.content as { addons?: unknown } | undefined;
  if (!isPlainRecord(content) || content.addons === undefined) return report.issues;
  const at = report.at('release.addons', { environment: env.name, file: releaseFileOf(env) });
  if (!isPlainRecord(content.addons)) {
    at.issue('must be an object keyed by add-on', content.addons, 'write {"addons": {"argo-cd": {"version": "9.2.4"}}}, or leave it out');
    return report.issues;
  }
  for (const [name, entry] of Object.entries(content.addons)) {
    const where = at.field(name);
    if (!(ADDON_NAMES as readonly string[]).includes(name)) {
      where.issue('names an add-on that does not exist', name, `fix the name (${suggest(name, [...ADDON_NAMES])})`);
      continue;
    }
    checkVersion(where.field('version'), (entry as { version?: unknown } | undefined)?.version, name as AddonName);
  }
  return report.issues;
}

function checkVersion(at: Location, version: unknown, name: AddonName): void {
  if (!isString(version) || !CHART_VERSION.test(version)) {
    at.issue(`is not an exact chart version of ${name}`, version, 'write the version the chart repository lists, e.g. "9.2.4" (no ranges: the version must only move by a reviewed change)');
  }
}

function checkAlerts(at: Location, alerts: unknown): void {
  if (alerts === undefined) return;
  if (!(alerts instanceof Alerts)) {
    at.issue('is not an alert destination', alerts, 'write Alerts.slack({ channel: "#team" }) or Alerts.email({ to: "team@example.com" })');
    return;
  }
  if (alerts.service === 'slack') {
    const channel = (alerts.declared as SlackAlertOptions | undefined)?.channel;
    at.unknownFields(alerts.declared, SLACK_FIELDS);
    if (!isString(channel) || !/^#?[a-z0-9][a-z0-9._-]{0,79}$/.test(channel)) {
      at.field('channel').issue('is not a Slack channel name', channel, 'write the channel in lowercase, e.g. "#orders-alerts"');
    }
  } else {
    const to = (alerts.declared as EmailAlertOptions | undefined)?.to;
    at.unknownFields(alerts.declared, EMAIL_FIELDS);
    if (!isString(to) || !EMAIL.test(to)) at.field('to').issue('is not an email address', to, 'write a group address, e.g. "orders-oncall@example.com"');
  }
}
