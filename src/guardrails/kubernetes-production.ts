/** Production workloads survive a rollout, a node drain and a zone failure. */
import { MIN_PRODUCTION_REPLICAS, PRODUCTION_REPLICAS_RULE } from '../model';
import { name, ns } from './kubernetes-rule-helpers';
import { podTemplate, selects } from './pods';
import type { CheckedObject, Rule, RuleContext } from './types';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** The HorizontalPodAutoscaler that scales a workload, if any. */
function autoscalerOf(object: CheckedObject, context: RuleContext): any {
  return context.objectsIn('HorizontalPodAutoscaler', ns(object))
    .find((h) => {
      const target = (h.manifest.spec as any)?.scaleTargetRef;
      return target?.kind === object.manifest.kind && target?.name === name(object);
    })
    ?.manifest;
}

/** The replicas a workload runs at least: the autoscaler's minimum, else spec.replicas (default 1). */
function minimumReplicas(object: CheckedObject, context: RuleContext): { replicas: number; path: string } {
  const hpa = autoscalerOf(object, context);
  if (hpa) return { replicas: Number(hpa.spec?.minReplicas ?? 1), path: `HorizontalPodAutoscaler ${hpa.metadata?.name}: spec.minReplicas` };
  return { replicas: Number((object.manifest.spec as any)?.replicas ?? 1), path: 'spec.replicas' };
}

export const productionReplicas: Rule = {
  id: PRODUCTION_REPLICAS_RULE,
  severity: 'error',
  scope: 'production',
  summary: `production workloads must run at least ${MIN_PRODUCTION_REPLICAS} replicas`,
  rationale: 'one replica means downtime at every rollout, node upgrade and zone failure',
  fix: `set replicas >= ${MIN_PRODUCTION_REPLICAS} or autoscaling.minReplicas >= ${MIN_PRODUCTION_REPLICAS} for the app, in its file or in its production environment's`,
  equivalents: ['kube-linter: minimum-three-replicas (we require two)', 'Polaris: (deploymentMissingReplicas)', 'Kyverno: require-multiple-replicas'],
  check(object, context) {
    if (!['Deployment', 'StatefulSet', 'Rollout'].includes(String(object.manifest.kind))) return [];
    const { replicas, path } = minimumReplicas(object, context);
    return replicas >= MIN_PRODUCTION_REPLICAS ? [] : [{ path, value: replicas }];
  },
};

export const productionDisruptionBudget: Rule = {
  id: 'production-disruption-budget',
  severity: 'error',
  scope: 'production',
  summary: 'production workloads must have a PodDisruptionBudget that still allows a voluntary disruption',
  rationale: 'without a budget a node drain can take every replica at once; a budget that allows nothing blocks node upgrades',
  fix: 'keep maxUnavailable >= 1 for the app (the renderer adds the budget), and at least two replicas',
  equivalents: ['Polaris: missingPodDisruptionBudget', 'kube-linter: pdb-max-unavailable, pdb-min-available', 'Kyverno: require-pdb'],
  check(object, context) {
    if (!['Deployment', 'StatefulSet', 'Rollout'].includes(String(object.manifest.kind))) return [];
    const template = podTemplate(object.manifest)!;
    const pdb = context.objectsIn('PodDisruptionBudget', ns(object)).find((p) => selects((p.manifest.spec as any)?.selector, template.labels));
    if (!pdb) return [{ path: 'spec.template.metadata.labels', value: template.labels, message: 'no PodDisruptionBudget selects these pods' }];
    const spec = pdb.manifest.spec as any;
    const { replicas } = minimumReplicas(object, context);
    const asCount = (v: unknown) => (typeof v === 'string' && v.endsWith('%') ? Math.floor((Number(v.slice(0, -1)) / 100) * replicas) : Number(v));
    if (spec?.maxUnavailable !== undefined && asCount(spec.maxUnavailable) < 1) {
      return [{ path: `PodDisruptionBudget ${name(pdb)}: spec.maxUnavailable`, value: spec.maxUnavailable, message: 'allows no disruption' }];
    }
    if (spec?.minAvailable !== undefined && asCount(spec.minAvailable) >= replicas) {
      return [{ path: `PodDisruptionBudget ${name(pdb)}: spec.minAvailable`, value: spec.minAvailable, message: `allows no disruption with ${replicas} replicas` }];
    }
    return [];
  },
};

export const productionZoneSpread: Rule = {
  id: 'production-zone-spread',
  severity: 'error',
  scope: 'production',
  summary: 'production workloads must spread their replicas across zones',
  rationale: 'replicas packed into one zone all go down with it',
  fix: 'keep the renderer\'s topologySpreadConstraints on topology.kubernetes.io/zone',
  equivalents: ['Polaris: topologySpreadConstraint', 'kube-linter: no-anti-affinity', 'Kyverno: require-topologyspreadconstraints (community)'],
  check(object) {
    if (!['Deployment', 'StatefulSet', 'Rollout'].includes(String(object.manifest.kind))) return [];
    const spec = podTemplate(object.manifest)!.spec;
    const spread = (Array.isArray(spec?.topologySpreadConstraints) ? spec.topologySpreadConstraints : []).some((c: any) => c?.topologyKey === 'topology.kubernetes.io/zone');
    const anti = JSON.stringify(spec?.affinity?.podAntiAffinity ?? {}).includes('topology.kubernetes.io/zone');
    return spread || anti ? [] : [{ path: 'spec.template.spec.topologySpreadConstraints', value: spec?.topologySpreadConstraints }];
  },
};
