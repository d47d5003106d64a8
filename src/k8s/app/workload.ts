import type { ApiObjectMetadata } from 'cdk8s';
import type { Construct } from 'constructs';
import { ArgoRollout, CANARY_HASH_ARG, PrometheusAnalysisTemplate } from '../crds';
import { k8s } from '../imports';
import { kube } from '../kube-object';
import { SYNC_WAVE, selectorLabels, versionedLabels } from '../labels';
import { podSpec } from '../pod';
import { AppRenderContext, PRE_SYNC_HOOK } from './context';

/** The kind of object that runs a long-running app, for what points at it (an autoscaler). */
export interface WorkloadRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}

/**
 * What runs the app's pods: a Deployment for a rolling update, an Argo
 * Rollouts Rollout (with its analysis) for a canary or blue-green, a CronJob,
 * or a migration's Job as a PreSync hook. Returns what a long-running app's
 * autoscaler scales.
 */
export function renderWorkload(scope: Construct, ctx: AppRenderContext): WorkloadRef | undefined {
  const { app, env } = ctx;
  const metadata: ApiObjectMetadata = { name: app.name, namespace: app.namespace, labels: { ...ctx.podLabels } };
  const template = { metadata: { labels: ctx.podLabels }, spec: podSpec(env, app) };
  switch (app.kind) {
    case 'service':
    case 'worker':
      return renderLongRunning(scope, ctx, metadata, template);
    case 'cron-job':
      kube(k8s.KubeCronJob, scope, 'cron-job', {
        metadata,
        spec: {
          schedule: app.cron!.schedule,
          timeZone: app.cron!.timeZone,
          concurrencyPolicy: 'Forbid',
          startingDeadlineSeconds: 300,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: {
            metadata: { labels: versionedLabels(ctx.platform, env, app) },
            spec: {
              backoffLimit: app.cron!.backoffLimit,
              activeDeadlineSeconds: app.cron!.activeDeadlineSeconds,
              ttlSecondsAfterFinished: 86400,
              template,
            },
          },
        },
      });
      return undefined;
    case 'migration':
      kube(k8s.KubeJob, scope, 'job', {
        metadata: { ...metadata, annotations: { ...PRE_SYNC_HOOK, [SYNC_WAVE]: '0' } },
        spec: {
          backoffLimit: app.migration!.backoffLimit,
          activeDeadlineSeconds: app.migration!.activeDeadlineSeconds,
          template,
        },
      });
      return undefined;
  }
}

function renderLongRunning(
  scope: Construct, ctx: AppRenderContext, metadata: ApiObjectMetadata, template: k8s.PodTemplateSpec,
): WorkloadRef {
  const { app } = ctx;
  const selector = { matchLabels: selectorLabels(app) };
  // With an autoscaler, the autoscaler owns the replica count; Argo CD must not reset it.
  const replicas = app.autoscaling ? undefined : app.replicas;
  const d = app.delivery;
  if (d.kind === 'rolling-update') {
    const intOrString = (v: number | string) => (typeof v === 'number' ? k8s.IntOrString.fromNumber(v) : k8s.IntOrString.fromString(v));
    kube(k8s.KubeDeployment, scope, 'deployment', {
      metadata,
      spec: {
        replicas,
        revisionHistoryLimit: 5,
        selector,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: intOrString(d.maxSurge), maxUnavailable: intOrString(d.maxUnavailable) } },
        template,
      },
    });
    return { apiVersion: 'apps/v1', kind: 'Deployment', name: app.name };
  }
  let strategy: unknown;
  if (d.kind === 'canary') {
    // No stableService/canaryService: without trafficRouting, Argo Rollouts would narrow the app's Service (the one
    // its Ingress and callers use) to the stable pods, and the canary would get no traffic at all. With one Service
    // over both, each setWeight step is the canary's share of the pods, and so of the requests.
    strategy = {
      canary: {
        steps: d.steps,
        analysis: d.analysis
          ? {
            templates: [{ templateName: d.analysis.templateName }],
            startingStep: 1,
            args: [{ name: CANARY_HASH_ARG, valueFrom: { podTemplateHashValue: 'Latest' } }],
          }
          : undefined,
      },
    };
    if (d.analysis) {
      new PrometheusAnalysisTemplate(scope, 'canary-analysis', {
        metadata: ctx.meta(d.analysis.templateName),
        metric: 'canary-health',
        address: d.analysis.prometheusAddress,
        query: d.analysis.query,
        successCondition: d.analysis.successCondition,
        interval: d.analysis.interval,
        failureLimit: d.analysis.failureLimit,
        initialDelay: d.analysis.initialDelay,
        inconclusiveLimit: d.analysis.inconclusiveLimit,
      });
    }
  } else {
    strategy = {
      blueGreen: {
        activeService: app.name,
        previewService: d.previewService,
        autoPromotionEnabled: d.autoPromote,
        scaleDownDelaySeconds: d.scaleDownDelaySeconds,
      },
    };
  }
  const rollout = { metadata, replicas, selector, template: k8s.toJson_PodTemplateSpec(template), strategy, rollbackWindow: d.rollbackWindow };
  new ArgoRollout(scope, 'rollout', rollout);
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: app.name };
}
