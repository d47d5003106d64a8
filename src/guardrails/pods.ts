import type { Manifest } from './types';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A pod template inside a workload, with the path that leads to it. */
export interface PodTemplate {
  /** Path of the pod spec, e.g. `spec.template.spec`. */
  readonly specPath: string;
  readonly spec: any;
  /** Labels of the pods it creates. */
  readonly labels: Record<string, string>;
  /** Whether the pods run continuously (not a Job or CronJob). */
  readonly longRunning: boolean;
}

const TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'Rollout']);

/** The pod template of a workload, or undefined for other kinds. */
export function podTemplate(manifest: Manifest): PodTemplate | undefined {
  const kind = manifest.kind as string;
  const spec = manifest.spec as any;
  if (kind === 'Pod') {
    return { specPath: 'spec', spec: spec ?? {}, labels: ((manifest.metadata as any)?.labels ?? {}), longRunning: true };
  }
  if (TEMPLATE_KINDS.has(kind)) {
    return {
      specPath: 'spec.template.spec',
      spec: spec?.template?.spec ?? {},
      labels: spec?.template?.metadata?.labels ?? {},
      longRunning: kind !== 'Job',
    };
  }
  if (kind === 'CronJob') {
    return {
      specPath: 'spec.jobTemplate.spec.template.spec',
      spec: spec?.jobTemplate?.spec?.template?.spec ?? {},
      labels: spec?.jobTemplate?.spec?.template?.metadata?.labels ?? {},
      longRunning: false,
    };
  }
  return undefined;
}

/** A container of a pod spec, with its path. */
export interface ContainerAt {
  readonly path: string;
  readonly container: any;
  readonly init: boolean;
}

/** Every container and init container of a pod spec. */
export function containers(template: PodTemplate): ContainerAt[] {
  const out: ContainerAt[] = [];
  for (const [field, init] of [['initContainers', true], ['containers', false]] as const) {
    const list = template.spec?.[field];
    if (!Array.isArray(list)) continue;
    list.forEach((container: any, i: number) => out.push({ path: `${template.specPath}.${field}[${i}]`, container: container ?? {}, init }));
  }
  return out;
}

/** Whether a label selector (matchLabels only, or a plain map) selects the labels. */
export function selects(selector: any, labels: Record<string, string>): boolean {
  if (!selector || typeof selector !== 'object') return false;
  const match = selector.matchLabels ?? (selector.matchExpressions ? undefined : selector);
  if (selector.matchExpressions && selector.matchExpressions.length > 0) return false;
  if (!match || typeof match !== 'object') return false;
  return Object.entries(match).every(([k, v]) => labels[k] === v);
}

/** Kinds that are not namespaced. */
export const CLUSTER_SCOPED = new Set([
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PriorityClass', 'StorageClass', 'CustomResourceDefinition',
  'ClusterSecretStore', 'PersistentVolume', 'IngressClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration',
  'ClusterIssuer', 'GatewayClass', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
]);
