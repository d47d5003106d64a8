/** What every container runs and needs: a pinned image, resources and probes. */
import { containerRule, podRule } from './kubernetes-rule-helpers';
import { containers } from './pods';
import type { Rule } from './types';

export const imageTagPinned: Rule = containerRule({
  id: 'image-tag-pinned',
  severity: 'error',
  scope: 'all',
  summary: 'images must name a tag that is not latest',
  rationale: 'an unpinned image changes under you: a rollback or a rescheduled pod could run another build',
  fix: 'set the app\'s version in environments/releases/<env>.json to a real tag, e.g. "2.14.0"',
  equivalents: ['kube-linter: latest-tag', 'Polaris: tagNotSpecified', 'Kyverno: disallow-latest-tag'],
}, (c) => {
  const image = String(c.container.image ?? '');
  const withoutDigest = image.split('@')[0];
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : undefined;
  if (tag === undefined) return [{ path: `${c.path}.image`, value: c.container.image, message: 'has no tag' }];
  if (tag === 'latest') return [{ path: `${c.path}.image`, value: image, message: 'uses the latest tag' }];
  return [];
});

export const imageDigestInProduction: Rule = containerRule({
  id: 'image-digest-in-production',
  severity: 'error',
  scope: 'production',
  summary: 'production images must be pinned to a digest',
  rationale: 'a tag can be pushed again; a digest is the exact image that was tested in staging',
  fix: 'add "digest": "sha256:…" next to the tag in environments/releases/prod.json (npm run promote copies it)',
  equivalents: ['Kyverno: require-image-digest', 'kube-linter: (none)', 'Polaris: (none)'],
}, (c) => (/@sha256:[a-f0-9]{64}$/.test(String(c.container.image ?? '')) ? [] : [{ path: `${c.path}.image`, value: c.container.image }]));

export const resourcesRequestsLimits: Rule = containerRule({
  id: 'resources-requests-limits',
  severity: 'error',
  scope: 'all',
  summary: 'containers must set CPU and memory requests and limits',
  rationale: 'requests let the scheduler place pods and quotas hold; limits stop one pod starving its node',
  fix: 'set resources (cpuRequest, cpuLimit, memoryRequest, memoryLimit) in the app\'s declaration',
  equivalents: ['kube-linter: unset-cpu-requirements, unset-memory-requirements', 'Polaris: cpuRequestsMissing, cpuLimitsMissing, memoryRequestsMissing, memoryLimitsMissing', 'Kyverno: require-requests-limits'],
}, (c) => ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']
  .filter((field) => {
    const [group, key] = field.split('.');
    return c.container.resources?.[group]?.[key] === undefined;
  })
  .map((field) => ({ path: `${c.path}.resources.${field}`, value: undefined, message: `${field} is not set` })));

export const readinessLivenessProbes: Rule = podRule({
  id: 'readiness-liveness-probes',
  severity: 'error',
  scope: 'all',
  summary: 'long-running containers must have readiness and liveness probes',
  rationale: 'without readiness a rollout sends traffic to pods that are not ready; without liveness a hung pod is never restarted',
  fix: 'declare probes: { readiness: Probe.http(...), liveness: Probe.http(...) } on the app',
  equivalents: ['kube-linter: no-readiness-probe, no-liveness-probe', 'Polaris: readinessProbeMissing, livenessProbeMissing', 'Kyverno: require-pod-probes'],
}, (t) => (t.longRunning
  ? containers(t).filter((c) => !c.init).flatMap((c) => ['readinessProbe', 'livenessProbe']
    .filter((p) => !c.container[p])
    .map((p) => ({ path: `${c.path}.${p}`, value: undefined, message: `${p} is missing` })))
  : []));
