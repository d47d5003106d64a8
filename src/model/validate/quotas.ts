import type { ValidationIssue } from '../errors';
import { parseCpu, parseMemory } from '../quantity';
import type { ResolvedApp, ResolvedDelivery, ResolvedEnvironment, ResolvedQuota } from '../resolved';
import { Report } from './location';

/**
 * The pods a namespace can run at its largest must fit its quota, requests
 * and limits, or rollouts stall with "exceeded quota" exactly under peak
 * load: every autoscaler at its maximum, plus each app's rollout surge at
 * that size ({@link surgePods}), plus one pod per job. Each app's preview
 * (one pod, plus one while a push rolls out) must fit the previews' quota.
 * Checked on the resolved environment, where every default is applied.
 */
export function validateQuotas(env: ResolvedEnvironment, file: string | undefined): ValidationIssue[] {
  const report = new Report();
  const at = report.at('', { environment: env.name, file });
  const where = file ?? `environment ${env.name}`;
  for (const team of env.teams) {
    for (const ns of team.namespaces) {
      const peak = (a: ResolvedApp) => a.autoscaling?.maxReplicas ?? a.replicas;
      const total = usageOf(env.apps.filter((a) => a.namespace === ns).map((a) => ({
        app: a,
        pods: a.kind === 'service' || a.kind === 'worker' ? peak(a) + surgePods(a.delivery, peak(a)) : 1,
      })));
      const problems = overQuota(total, team.quota);
      if (problems.length > 0) {
        at.field('teams').field(team.name).field('quota').issue(
          `is too small for namespace "${ns}" at peak (every autoscaler at max, plus each rollout's surge or preview pods): ${problems.join(', ')}`,
          team.quota,
          `raise the quota in teams["${team.name}"].quota of ${where} (${minimumOf(total)}), or lower maxReplicas, resources or the surge`,
        );
      }
    }
  }
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
