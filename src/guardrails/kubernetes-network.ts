/** Isolation and traffic: namespaces, NetworkPolicies, Services and canary Rollouts reach the pods they mean to. */
import { ns, podRule } from './kubernetes-rule-helpers';
import { CLUSTER_SCOPED, podTemplate, selects } from './pods';
import type { CheckedObject, Rule, RuleContext } from './types';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** The apps whose pods each app directory (`apps/<app>`) runs: each pod template's (a migration's too) name label. Indexed once per environment. */
const podAppsByDir = new WeakMap<readonly CheckedObject[], Map<string, Set<string>>>();

function podAppsOf(context: RuleContext): Map<string, Set<string>> {
  let found = podAppsByDir.get(context.environmentObjects);
  if (!found) {
    found = new Map();
    for (const o of context.environmentObjects) {
      const dir = /^(apps\/[^/]+)\//.exec(o.file)?.[1];
      const app = ((o.manifest.metadata as any)?.labels ?? {})['app.kubernetes.io/name'];
      if (!dir || typeof app !== 'string' || !podTemplate(o.manifest)) continue;
      const set = found.get(dir) ?? new Set<string>();
      set.add(app);
      found.set(dir, set);
    }
    podAppsByDir.set(context.environmentObjects, found);
  }
  return found;
}

export const podsNetworkIsolated: Rule = podRule({
  id: 'pods-network-isolated',
  severity: 'error',
  scope: 'all',
  summary: 'every pod must be selected by a NetworkPolicy in its namespace',
  rationale: 'a pod no policy selects accepts traffic from anywhere in the cluster',
  fix: 'render the team\'s namespace (default-deny) in the same environment, or add a NetworkPolicy that selects the pods',
  equivalents: ['kube-linter: non-isolated-pod', 'Kyverno: require-netpol (add-networkpolicy)', 'Polaris: (none)'],
}, (t, object, context) => {
  const namespace = ns(object);
  const covered = context.objectsIn('NetworkPolicy', namespace).some((p) => selects((p.manifest.spec as any)?.podSelector ?? {}, t.labels));
  return covered ? [] : [{ path: `${t.specPath.replace(/\.spec$/, '')}.metadata.labels`, value: t.labels, message: `no NetworkPolicy in namespace ${namespace} selects these pods` }];
});

export const noDefaultNamespace: Rule = {
  id: 'no-default-namespace',
  severity: 'error',
  scope: 'all',
  summary: 'namespaced objects must name a namespace other than default',
  rationale: 'default has no quota, no network policy and no owner',
  fix: 'give the object the app\'s namespace (objects from escape hatches get it automatically from the chart)',
  equivalents: ['kube-linter: use-namespace', 'Kyverno: disallow-default-namespace', 'Polaris: (none)'],
  check(object) {
    const kind = String(object.manifest.kind);
    if (CLUSTER_SCOPED.has(kind)) return [];
    const namespace = ns(object);
    if (namespace === undefined || namespace === '') return [{ path: 'metadata.namespace', value: namespace, message: 'has no namespace' }];
    return namespace === 'default' ? [{ path: 'metadata.namespace', value: 'default' }] : [];
  },
};

export const serviceSelectsPods: Rule = {
  id: 'service-selects-pods',
  severity: 'error',
  scope: 'all',
  summary: 'a Service must select the pods of a workload in its namespace',
  rationale: 'a Service that selects nothing silently drops all traffic',
  fix: 'make the Service\'s selector match the workload\'s pod labels (app.kubernetes.io/name: <app>)',
  equivalents: ['kube-linter: dangling-service', 'Polaris: (none)', 'Kyverno: (none)'],
  check(object, context) {
    if (object.manifest.kind !== 'Service') return [];
    const spec = object.manifest.spec as any;
    if (spec?.type === 'ExternalName' || !spec?.selector) return [];
    const matched = context.workloadsIn(ns(object)).some(({ template }) => selects(spec.selector, template.labels));
    return matched ? [] : [{ path: 'spec.selector', value: spec.selector, message: 'selects no pods' }];
  },
};

export const rolloutCanaryGetsTraffic: Rule = {
  id: 'rollout-canary-gets-traffic',
  severity: 'error',
  scope: 'all',
  summary: 'a canary Rollout without traffic routing must not name a stable Service',
  rationale: 'without trafficRouting, Argo Rollouts narrows the stable Service to the stable pods; the Ingress and callers use it, '
    + 'so the canary gets no traffic and its steps and analysis gate nothing (a canaryService alone is harmless: only that extra Service is narrowed)',
  fix: 'drop stableService (one Service over both sets of pods: the canary\'s share of pods is its share of traffic), or add trafficRouting',
  equivalents: ['kube-linter: (none)', 'Polaris: (none)', 'Kyverno: (none)'],
  check(object) {
    if (object.manifest.kind !== 'Rollout') return [];
    const canary = (object.manifest.spec as any)?.strategy?.canary;
    if (!canary || canary.trafficRouting || canary.stableService === undefined) return [];
    return [{ path: 'spec.strategy.canary.stableService', value: canary.stableService, message: 'names a stableService without trafficRouting: the canary would get no traffic' }];
  },
};

export const networkPolicyOwnPods: Rule = {
  id: 'network-policy-own-pods',
  severity: 'error',
  scope: 'all',
  summary: 'a NetworkPolicy in an app\'s directory must select that directory\'s own pods by app name',
  rationale: 'network policies add up: one in an app\'s directory that selects every pod of the namespace (or another app\'s) would reopen what the '
    + 'namespace\'s default deny, owned by the platform, closes; team projects must admit NetworkPolicy for the app\'s own policy',
  fix: 'select the app\'s pods: spec.podSelector.matchLabels["app.kubernetes.io/name"] = <app> (the renderer does)',
  equivalents: ['kube-linter: (none)', 'Polaris: (none)', 'Kyverno: (custom policy on NetworkPolicy.spec.podSelector)'],
  check(object, context) {
    if (object.manifest.kind !== 'NetworkPolicy') return [];
    const dir = /^(apps\/[^/]+)\//.exec(object.file)?.[1];
    if (!dir) return [];
    const own = podAppsOf(context).get(dir) ?? new Set<string>();
    const selected = (object.manifest.spec as any)?.podSelector?.matchLabels?.['app.kubernetes.io/name'];
    if (typeof selected === 'string' && own.has(selected)) return [];
    return [{
      path: 'spec.podSelector.matchLabels.app.kubernetes.io/name',
      value: selected,
      message: `must name an app of ${dir}/ (${[...own].sort().join(', ') || 'none rendered'}), so that the policy opens no other pod`,
    }];
  },
};
