import { ApiObjectMetadata, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { PRIVATE_GOOGLE_ACCESS } from '../model';
import { k8s } from './imports';
import { kube } from './kube-object';
import type { ResolvedApp, ResolvedEnvironment, ResolvedPeer, ResolvedPlatform } from '../model';
import { ArgoRollout, CANARY_HASH_ARG, ExternalSecret, GcpSecretStore, PodMonitoring, PrometheusAnalysisTemplate } from './crds';
import { SYNC_WAVE, appLabels, previewLabel, selectorLabels, versionedLabels } from './labels';
import { podSpec } from './pod';

/** Ranges of Google's HTTPS load balancers and health checkers, which reach public apps' pods (container-native load balancing). */
export const GOOGLE_LOAD_BALANCER_RANGES = ['35.191.0.0/16', '130.211.0.0/22'];
/** The GKE metadata server, which serves Workload Identity tokens (Dataplane V2: 169.254.169.252:988). */
export const GKE_METADATA_SERVER = [{ cidr: '169.254.169.252/32', port: 988 }, { cidr: '169.254.169.254/32', port: 80 }];
/** private.googleapis.com: Google APIs reached over Private Google Access (the cloud layer points their DNS names here). */
export const PRIVATE_GOOGLE_APIS = PRIVATE_GOOGLE_ACCESS.cidr;
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
/** Where GKE runs Google Cloud Managed Service for Prometheus's collectors. */
const MANAGED_PROMETHEUS_NAMESPACE = 'gmp-system';

/**
 * Annotations that make an object an Argo CD PreSync hook: recreated before
 * each sync, and deleted once the whole sync has succeeded (Argo CD deletes
 * HookSucceeded hooks only then, so a migration's secret outlives its Job).
 * A failed hook stays for inspection. The Secret an ExternalSecret hook
 * creates is owned by it, so a migration's credentials do not stay in the
 * namespace between syncs.
 */
const PRE_SYNC_HOOK = {
  'argocd.argoproj.io/hook': 'PreSync',
  'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation,HookSucceeded',
};

export interface AppChartProps {
  readonly platform: ResolvedPlatform;
  readonly env: ResolvedEnvironment;
  /** The app the chart is named after. */
  readonly app: ResolvedApp;
  /** Migrations that run as PreSync hooks before `app` is synced. */
  readonly migrations: readonly ResolvedApp[];
  /** A preview of the app for a pull request: no static address or certificate, plain HTTP. @default false */
  readonly preview?: boolean;
}

/**
 * Everything one Argo CD Application of an app carries: the app's workload,
 * Service, ServiceAccount, config, secrets, exposure, scaling, disruption
 * budget and network policy, plus the migrations that run before it.
 * Rendered into `dist/<env>/apps/<app>/`.
 */
export class AppChart extends Chart {
  public readonly app: ResolvedApp;

  constructor(scope: Construct, id: string, props: AppChartProps) {
    super(scope, id, { namespace: props.app.namespace, disableResourceNameHashes: true });
    this.app = props.app;
    renderApp(this, props.platform, props.env, props.app, false, props.preview ?? false);
    for (const migration of props.migrations) {
      renderApp(new Construct(this, migration.name), props.platform, props.env, migration, true, false);
    }
  }
}

function renderApp(
  scope: Construct, platform: ResolvedPlatform, env: ResolvedEnvironment, app: ResolvedApp, hook: boolean, preview: boolean,
): void {
  const labels = { ...appLabels(platform, env, app), ...(preview ? { [previewLabel(platform)]: 'true' } : {}) };
  /** Supporting objects exist before the workload: an earlier wave, or for a hook, PreSync hooks themselves. */
  const supporting = (name: string): ApiObjectMetadata => ({
    name,
    namespace: app.namespace,
    labels,
    annotations: hook ? { ...PRE_SYNC_HOOK, [SYNC_WAVE]: '-1' } : { [SYNC_WAVE]: '-1' },
  });
  const meta = (name: string): ApiObjectMetadata => ({ name, namespace: app.namespace, labels });

  kube(k8s.KubeServiceAccount, scope, 'service-account', {
    metadata: {
      ...supporting(app.serviceAccountName),
      annotations: {
        ...supporting(app.serviceAccountName).annotations,
        ...(app.identity ? { 'iam.gke.io/gcp-service-account': app.identity.email } : {}),
      },
    },
    automountServiceAccountToken: false,
  });

  if (app.configMapName) {
    kube(k8s.KubeConfigMap, scope, 'config', {
      metadata: supporting(app.configMapName),
      // Named by a hash of its content: a change rolls the pods, and a revert rolls them back.
      immutable: true,
      data: Object.fromEntries(app.configFiles.map((f) => [f.name, f.content])),
    });
  }

  if (app.secrets.length > 0) {
    const storeName = `${app.name}-gcp-secret-manager`;
    new GcpSecretStore(scope, 'secret-store', {
      metadata: supporting(storeName),
      projectId: env.gcpProject,
      clusterName: env.cluster.name,
      clusterLocation: env.cluster.location,
      serviceAccountName: app.serviceAccountName,
    });
    for (const secret of app.secrets) {
      new ExternalSecret(scope, `secret-${secret.name}`, {
        metadata: supporting(secret.kubernetesSecretName),
        storeName,
        targetName: secret.kubernetesSecretName,
        remoteKey: secret.secretId,
      });
    }
  }

  // Where previews run, an app's callers may also be their previews (in namespaces labelled as previews).
  const previewCallers = env.previews && !preview ? previewLabel(platform) : undefined;
  networkPolicy(scope, hook ? supporting(app.name) : meta(app.name), app, previewCallers);

  if (app.metrics) {
    new PodMonitoring(scope, 'pod-monitoring', {
      metadata: meta(app.name),
      selector: selectorLabels(app),
      port: app.metrics.port.name,
      path: app.metrics.path,
      interval: app.metrics.interval,
    });
  }

  const podLabels = { ...versionedLabels(platform, env, app), ...(preview ? { [previewLabel(platform)]: 'true' } : {}) };
  const workloadMeta: ApiObjectMetadata = { name: app.name, namespace: app.namespace, labels: podLabels };
  const template = { metadata: { labels: podLabels }, spec: podSpec(env, app) };
  switch (app.kind) {
    case 'service':
    case 'worker': {
      // With an autoscaler, the autoscaler owns the replica count; Argo CD must not reset it.
      const replicas = app.autoscaling ? undefined : app.replicas;
      const rollout = renderWorkload(scope, app, workloadMeta, template, replicas, meta);
      if (app.autoscaling) {
        kube(k8s.KubeHorizontalPodAutoscalerV2, scope, 'autoscaler', {
          metadata: meta(app.name),
          spec: {
            scaleTargetRef: rollout
              ? { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: app.name }
              : { apiVersion: 'apps/v1', kind: 'Deployment', name: app.name },
            minReplicas: app.autoscaling.minReplicas,
            maxReplicas: app.autoscaling.maxReplicas,
            metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: app.autoscaling.targetCpuUtilization } } }],
            behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
          },
        });
      }
      kube(k8s.KubePodDisruptionBudget, scope, 'disruption-budget', {
        metadata: meta(app.name),
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(app.maxUnavailable), selector: { matchLabels: selectorLabels(app) } },
      });
      break;
    }
    case 'cron-job':
      kube(k8s.KubeCronJob, scope, 'cron-job', {
        metadata: workloadMeta,
        spec: {
          schedule: app.cron!.schedule,
          timeZone: app.cron!.timeZone,
          concurrencyPolicy: 'Forbid',
          startingDeadlineSeconds: 300,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: {
            metadata: { labels: versionedLabels(platform, env, app) },
            spec: {
              backoffLimit: app.cron!.backoffLimit,
              activeDeadlineSeconds: app.cron!.activeDeadlineSeconds,
              ttlSecondsAfterFinished: 86400,
              template,
            },
          },
        },
      });
      break;
    case 'migration':
      kube(k8s.KubeJob, scope, 'job', {
        metadata: { ...workloadMeta, annotations: { ...PRE_SYNC_HOOK, [SYNC_WAVE]: '0' } },
        spec: {
          backoffLimit: app.migration!.backoffLimit,
          activeDeadlineSeconds: app.migration!.activeDeadlineSeconds,
          template,
        },
      });
      break;
  }

  if (app.kind === 'service') {
    const services = [{ id: 'service', name: app.name }];
    // Argo Rollouts points the preview Service at the new version's pods until it is promoted. A canary has no
    // Service of its own: without traffic routing, its share of traffic is its share of the pods behind this one.
    if (app.delivery.kind === 'blue-green') services.push({ id: 'preview-service', name: app.delivery.previewService });
    for (const { id, name } of services) {
      kube(k8s.KubeService, scope, id, {
        metadata: {
          ...meta(name),
          // Container-native load balancing: the load balancer sends traffic straight to pods.
          annotations: app.exposure.isPublic && name === app.name ? { 'cloud.google.com/neg': '{"ingress": true}' } : undefined,
        },
        spec: {
          type: 'ClusterIP',
          selector: selectorLabels(app),
          ports: app.ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: p.protocol })),
        },
      });
    }
  }

  if (app.exposure.isPublic) {
    const { host, port, path, addressName, certificateName } = app.exposure;
    kube(k8s.KubeIngress, scope, 'ingress', {
      metadata: {
        ...meta(app.name),
        // A preview gets an ephemeral address and plain HTTP: its host changes with every pull request.
        annotations: preview
          ? { 'kubernetes.io/ingress.class': 'gce' }
          : {
            'kubernetes.io/ingress.class': 'gce',
            'kubernetes.io/ingress.allow-http': 'false',
            'kubernetes.io/ingress.global-static-ip-name': addressName,
            'ingress.gcp.kubernetes.io/pre-shared-cert': certificateName,
          },
      },
      spec: {
        rules: [{
          host,
          http: { paths: [{ path, pathType: 'Prefix', backend: { service: { name: app.name, port: { name: port.name } } } }] },
        }],
      },
    });
  }
}

/**
 * The long-running workload: a Deployment for a rolling update, an Argo
 * Rollouts Rollout for a canary or blue-green. Returns whether it is a Rollout.
 */
function renderWorkload(
  scope: Construct, app: ResolvedApp, metadata: ApiObjectMetadata, template: k8s.PodTemplateSpec, replicas: number | undefined,
  meta: (name: string) => ApiObjectMetadata,
): boolean {
  const selector = { matchLabels: selectorLabels(app) };
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
    return false;
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
        metadata: meta(d.analysis.templateName),
        metric: 'canary-health',
        address: d.analysis.prometheusAddress,
        query: d.analysis.query,
        successCondition: d.analysis.successCondition,
        interval: d.analysis.interval,
        failureLimit: d.analysis.failureLimit,
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
  new ArgoRollout(scope, 'rollout', { metadata, replicas, selector, template: k8s.toJson_PodTemplateSpec(template), strategy });
  return true;
}

/**
 * Allows exactly what the app needs on top of its namespace's default deny:
 * its declared callers in, Google's load balancers in for a public app, its
 * declared callees out, the metadata server and Google APIs for an app with a
 * cloud identity, and the internet on 443 only when declared.
 */
function networkPolicy(scope: Construct, metadata: ApiObjectMetadata, app: ResolvedApp, previewCallers?: string): void {
  const ingress: k8s.NetworkPolicyIngressRule[] = [];
  const portsOf = (ports: readonly { port: number; protocol: string }[]) =>
    ports.map((p) => ({ port: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol }));
  // One rule per set of ports called: callers that call the same ports share it.
  const callersByPorts = new Map<string, ResolvedPeer[]>();
  for (const c of app.calledBy) {
    const key = c.ports.map((p) => `${p.port}/${p.protocol}`).join(',');
    callersByPorts.set(key, [...(callersByPorts.get(key) ?? []), c]);
  }
  for (const callers of callersByPorts.values()) {
    ingress.push({
      from: callers.flatMap((c) => [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': c.namespace } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': c.app } },
        },
        ...(previewCallers ? [{
          namespaceSelector: { matchLabels: { [previewCallers]: 'true' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': c.app } },
        }] : []),
      ]),
      ports: portsOf(callers[0].ports),
    });
  }
  if (app.exposure.isPublic) {
    ingress.push({
      from: GOOGLE_LOAD_BALANCER_RANGES.map((cidr) => ({ ipBlock: { cidr } })),
      ports: portsOf([app.exposure.port]),
    });
  }
  // Callers that are not apps of the platform, admitted by namespace: those calledFrom names, and GKE's managed
  // Prometheus collectors, which run in gmp-system and scrape the pods directly.
  const fromNamespaces = [...app.calledFrom, ...(app.metrics ? [{ namespace: MANAGED_PROMETHEUS_NAMESPACE, ports: [app.metrics.port] }] : [])];
  for (const caller of fromNamespaces) {
    ingress.push({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': caller.namespace } } }],
      ports: portsOf(caller.ports),
    });
  }
  const egress: k8s.NetworkPolicyEgressRule[] = app.calls.map((c) => ({
    to: [{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': c.namespace } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': c.app } },
    }],
    ports: portsOf(c.ports),
  }));
  if (app.identity) {
    for (const m of GKE_METADATA_SERVER) {
      egress.push({ to: [{ ipBlock: { cidr: m.cidr } }], ports: portsOf([{ port: m.port, protocol: 'TCP' }]) });
    }
    egress.push({ to: [{ ipBlock: { cidr: PRIVATE_GOOGLE_APIS } }], ports: portsOf([{ port: 443, protocol: 'TCP' }]) });
  }
  for (const endpoint of app.egress) {
    egress.push({ to: [{ ipBlock: { cidr: endpoint.cidr } }], ports: portsOf(endpoint.ports.map((port) => ({ port, protocol: 'TCP' }))) });
  }
  if (app.internetEgress) {
    egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE_RANGES } }], ports: portsOf([{ port: 443, protocol: 'TCP' }]) });
  }
  kube(k8s.KubeNetworkPolicy, scope, 'network-policy', {
    metadata,
    spec: {
      podSelector: { matchLabels: selectorLabels(app) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: ingress.length > 0 ? ingress : undefined,
      egress: egress.length > 0 ? egress : undefined,
    },
  });
}
