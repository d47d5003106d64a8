import type { ValidationIssue } from '../errors';
import { parseCpu, parseMemory } from '../quantity';
import type { ResolvedApp, ResolvedDelivery, ResolvedEnvironment, ResolvedQuota } from '../resolved';
import type { DeclarationIndex } from './declarations';
import type { QuotaSpec } from '../team';
import { Report } from './location';
import { recordOr } from './values';

/** A namespace of a team whose quota, in one environment, is smaller than its peak. */
export interface QuotaShortfall {
  readonly environment: string;
  readonly team: string;
  readonly namespace: string;
  readonly quota: ResolvedQuota;
  /** The quota fields exceeded. */
  readonly exceeded: readonly QuotaField[];
  /** Each exceeded field, in words, with the apps it sums. */
  readonly problems: readonly string[];
  /** The smallest quota that holds the peak, in words. */
  readonly minimum: string;
  /** What the peak requests and is limited to in all. */
  readonly total: Usage;
}

type QuotaField = 'requestsCpu' | 'limitsCpu' | 'requestsMemory' | 'limitsMemory' | 'pods';

/**
 * The pods a namespace can run at its largest must fit its quota, requests
 * and limits, or rollouts stall with "exceeded quota" exactly under peak
 * load: every autoscaler at its maximum, plus each app's rollout surge at
 * that size ({@link surgePods}), plus one pod per job. Checked on the
 * resolved environment, where every default is applied; reported by
 * {@link validateTeamQuotas}, where the quota is declared.
 */
export function quotaShortfalls(env: ResolvedEnvironment): QuotaShortfall[] {
  const found: QuotaShortfall[] = [];
  for (const team of env.teams) {
    for (const ns of team.namespaces) {
      const peak = (a: ResolvedApp) => a.autoscaling?.maxReplicas ?? a.replicas;
      const pods = env.apps.filter((a) => a.namespace === ns).map((a) => ({
        app: a,
        pods: a.kind === 'service' || a.kind === 'worker' ? peak(a) + surgePods(a.delivery, peak(a)) : 1,
      }));
      const total = usageOf(pods);
      const exceeded = exceededFields(total, team.quota);
      if (exceeded.length === 0) continue;
      found.push({
        environment: env.name,
        team: team.name,
        namespace: ns,
        quota: team.quota,
        exceeded,
        problems: exceeded.map((field) => `${describeField(field, total, team.quota)} (${sumOf(field, pods)})`),
        minimum: minimumOf(total),
        total,
      });
    }
  }
  return found;
}

/**
 * One problem per quota declaration too small: a team's quota (in its own
 * file) too small in several environments is one problem listing them; an
 * environment's override of it, one problem in that environment's file.
 */
export function validateTeamQuotas(shortfalls: readonly QuotaShortfall[], index: DeclarationIndex): ValidationIssue[] {
  const report = new Report();
  const groups = new Map<string, QuotaShortfall[]>();
  for (const s of shortfalls) {
    const env = index.environments.find((e) => e.name === s.environment);
    const overridden: QuotaSpec = recordOr(env?.teams)[s.team]?.quota ?? {};
    const inEnvironment = s.exceeded.some((field) => overridden[field] !== undefined);
    const key = `${s.team}\0${s.namespace}\0${inEnvironment ? s.environment : ''}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  for (const [key, group] of groups) {
    const [teamName, ns, environment] = key.split('\0');
    const team = index.teams.get(teamName);
    const teamFile = team ? index.fileOf(team) : undefined;
    const peak = 'at peak (every autoscaler at max, plus each rollout\'s surge)';
    if (environment) {
      const [s] = group;
      const env = index.environments.find((e) => e.name === environment)!;
      const file = index.fileOf(env) ?? `environment ${environment}`;
      report.at(`teams.${teamName}.quota`, { environment, file: index.fileOf(env) }).issue(
        `is too small for namespace "${ns}" ${peak}: ${s.problems.join('; ')}`,
        s.quota,
        `raise teams["${teamName}"].quota in ${file} to ${s.minimum}, or lower maxReplicas, resources or the surge`,
      );
      continue;
    }
    const where = teamFile ?? 'the team\'s declaration';
    const declared = team?.quota === undefined ? ' (no quota is declared: the default applies)' : '';
    const fields = [...new Set(group.flatMap((s) => s.exceeded))];
    // Only where the field is exceeded: elsewhere an environment may override it.
    const largest = fields.map((field) => `${field}: ${atLeast(field, group.filter((s) => s.exceeded.includes(field)).map((s) => s.total))}`).join(', ');
    report.at(`teams.${teamName}.quota`, { file: teamFile }).issue(
      `is too small for namespace "${ns}" ${peak}${declared}: ${group.map((s) => `in ${s.environment}, ${s.problems.join('; ')}`).join('; ')}`,
      team?.quota ?? group[0].quota,
      `raise teams["${teamName}"].quota in ${where} to at least { ${largest} }, `
        + 'or raise it for one environment in that environment\'s file (teams: { ... quota }), or lower maxReplicas, resources or the surge',
    );
  }
  return report.issues;
}

/**
 * Each app's preview (one pod, plus one while a push rolls out) must fit the
 * previews' quota.
 */
export function validateQuotas(env: ResolvedEnvironment, file: string | undefined): ValidationIssue[] {
  const report = new Report();
  const at = report.at('', { environment: env.name, file });
  const where = file ?? `environment ${env.name}`;
  if (!env.previews) return report.issues;
  for (const a of env.apps) {
    if (a.deployedWith !== a.name || a.kind === 'migration') continue;
    const total = usageOf([{ app: a, pods: a.kind === 'service' || a.kind === 'worker' ? 2 : 1 }]);
    const problems = overQuota(total, env.previews.quota);
    if (problems.length > 0) {
      at.field('previews').field('quota').issue(
        `is too small for app "${a.name}"'s preview (one pod, plus one while a push rolls out): ${problems.join(', ')}`,
        env.previews.quota,
        `raise previews.quota in ${where} (${minimumOf(total)}), or lower the app's resources`,
      );
    }
  }
  return report.issues;
}

/** What some pods of some apps request and are limited to in all. */
interface Usage { requestsCpu: number; limitsCpu: number; requestsMemory: number; limitsMemory: number; pods: number }

function usageOf(pods: ReadonlyArray<{ readonly app: ResolvedApp; readonly pods: number }>): Usage {
  const total: Usage = { requestsCpu: 0, limitsCpu: 0, requestsMemory: 0, limitsMemory: 0, pods: 0 };
  for (const { app: a, pods: n } of pods) {
    total.requestsCpu += n * (parseCpu(a.resources.cpuRequest) ?? 0);
    total.limitsCpu += n * (parseCpu(a.resources.cpuLimit) ?? 0);
    total.requestsMemory += n * (parseMemory(a.resources.memoryRequest) ?? 0);
    total.limitsMemory += n * (parseMemory(a.resources.memoryLimit) ?? 0);
    total.pods += n;
  }
  return total;
}

const cores = (millicores: number) => `${Number((millicores / 1000).toFixed(3))}`;
const mebibytes = (bytes: number) => `${Math.ceil(bytes / 1024 ** 2)}Mi`;

/** Where `total` exceeds `q`, in words. */
function overQuota(total: Usage, q: ResolvedQuota): string[] {
  const problems: string[] = [];
  if (total.requestsCpu > (parseCpu(q.requestsCpu) ?? Infinity)) problems.push(`CPU requests ${cores(total.requestsCpu)} > quota ${q.requestsCpu}`);
  if (total.limitsCpu > (parseCpu(q.limitsCpu) ?? Infinity)) problems.push(`CPU limits ${cores(total.limitsCpu)} > quota ${q.limitsCpu}`);
  if (total.requestsMemory > (parseMemory(q.requestsMemory) ?? Infinity)) problems.push(`memory requests ${mebibytes(total.requestsMemory)} > quota ${q.requestsMemory}`);
  if (total.limitsMemory > (parseMemory(q.limitsMemory) ?? Infinity)) problems.push(`memory limits ${mebibytes(total.limitsMemory)} > quota ${q.limitsMemory}`);
  if (total.pods > q.pods) problems.push(`pods ${total.pods} > quota ${q.pods}`);
  return problems;
}

function exceededFields(total: Usage, q: ResolvedQuota): QuotaField[] {
  const fields: QuotaField[] = [];
  if (total.requestsCpu > (parseCpu(q.requestsCpu) ?? Infinity)) fields.push('requestsCpu');
  if (total.limitsCpu > (parseCpu(q.limitsCpu) ?? Infinity)) fields.push('limitsCpu');
  if (total.requestsMemory > (parseMemory(q.requestsMemory) ?? Infinity)) fields.push('requestsMemory');
  if (total.limitsMemory > (parseMemory(q.limitsMemory) ?? Infinity)) fields.push('limitsMemory');
  if (total.pods > q.pods) fields.push('pods');
  return fields;
}

function describeField(field: QuotaField, total: Usage, q: ResolvedQuota): string {
  switch (field) {
    case 'requestsCpu': return `CPU requests ${cores(total.requestsCpu)} > quota ${q.requestsCpu}`;
    case 'limitsCpu': return `CPU limits ${cores(total.limitsCpu)} > quota ${q.limitsCpu}`;
    case 'requestsMemory': return `memory requests ${mebibytes(total.requestsMemory)} > quota ${q.requestsMemory}`;
    case 'limitsMemory': return `memory limits ${mebibytes(total.limitsMemory)} > quota ${q.limitsMemory}`;
    default: return `pods ${total.pods} > quota ${q.pods}`;
  }
}

/** How a field's total is summed, app by app: e.g. "web 6 x 500m + worker 2 x 250m". */
function sumOf(field: QuotaField, pods: ReadonlyArray<{ readonly app: ResolvedApp; readonly pods: number }>): string {
  const each = (a: ResolvedApp) => ({
    requestsCpu: a.resources.cpuRequest,
    limitsCpu: a.resources.cpuLimit,
    requestsMemory: a.resources.memoryRequest,
    limitsMemory: a.resources.memoryLimit,
    pods: undefined,
  })[field];
  return pods.map(({ app, pods: n }) => (field === 'pods' ? `${app.name} ${n}` : `${app.name} ${n} x ${each(app)}`)).join(' + ');
}

/** The smallest value of `field` that holds every one of `totals`, as a quota writes it. */
function atLeast(field: QuotaField, totals: readonly Usage[]): string {
  const most = Math.max(...totals.map((t) => t[field]));
  if (field === 'pods') return String(most);
  return field === 'requestsCpu' || field === 'limitsCpu' ? `"${cores(most)}"` : `"${mebibytes(most)}"`;
}

/** The smallest quota that holds `total`, in words. */
function minimumOf(total: Usage): string {
  return `at least ${cores(total.requestsCpu)} CPU and ${mebibytes(total.requestsMemory)} requested, `
    + `${cores(total.limitsCpu)} CPU and ${mebibytes(total.limitsMemory)} in limits, ${total.pods} pods`;
}

/**
 * The extra pods a rollout runs on top of `replicas` while it replaces them:
 * a rolling update's maxSurge; a canary's maxSurge (Argo Rollouts' default,
 * 25%, rounded up); a blue-green's whole preview (as many pods again, until
 * promotion and the scale-down delay).
 */
export function surgePods(delivery: ResolvedDelivery, replicas: number): number {
  const of = (v: number | string) => (typeof v === 'number' ? v : Math.ceil((replicas * Number(v.replace('%', ''))) / 100));
  switch (delivery.kind) {
    case 'rolling-update':
      return of(delivery.maxSurge);
    case 'canary':
      return of('25%');
    default:
      return replicas;
  }
}
