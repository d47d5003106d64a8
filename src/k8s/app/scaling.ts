import type { Construct } from 'constructs';
import { k8s } from '../imports';
import { kube } from '../kube-object';
import { selectorLabels } from '../labels';
import type { AppRenderContext } from './context';
import type { WorkloadRef } from './workload';

/** How a long-running app scales (a CPU autoscaler, when declared) and how many of its pods a voluntary disruption may take. */
export function renderScaling(scope: Construct, ctx: AppRenderContext, workload: WorkloadRef): void {
  const { app } = ctx;
  if (app.autoscaling) {
    kube(k8s.KubeHorizontalPodAutoscalerV2, scope, 'autoscaler', {
      metadata: ctx.meta(app.name),
      spec: {
        scaleTargetRef: { ...workload },
        minReplicas: app.autoscaling.minReplicas,
        maxReplicas: app.autoscaling.maxReplicas,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: app.autoscaling.targetCpuUtilization } } }],
        behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
      },
    });
  }
  kube(k8s.KubePodDisruptionBudget, scope, 'disruption-budget', {
    metadata: ctx.meta(app.name),
    spec: { maxUnavailable: k8s.IntOrString.fromNumber(app.maxUnavailable), selector: { matchLabels: selectorLabels(app) } },
  });
}
