import { CanaryStep, Delivery, PlatformValidationError, Tier, Workload, resolvePlatform } from '../../src/model';
import { extensions, platform } from '../../src/platform';
import { renderPlatform } from '../../src/synth';
import { environment, platform as testPlatform, service } from '../fixtures';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const { objects } = renderPlatform({ platform, extensions });
const find = (env: string, kind: string, name: string): Json =>
  objects.find((o) => o.environment === env && o.manifest.kind === kind && o.manifest.metadata.name === name)?.manifest;

describe('progressive delivery in the example', () => {
  test('storefront-web is a canary in prod only: a Rollout with steps and analysis behind the app\'s one Service', () => {
    expect(find('dev', 'Deployment', 'storefront-web')).toBeDefined();
    expect(find('staging', 'Rollout', 'storefront-web')).toBeUndefined();
    expect(find('prod', 'Deployment', 'storefront-web')).toBeUndefined();
    const rollout = find('prod', 'Rollout', 'storefront-web');
    expect(rollout.spec.strategy.canary).toEqual({
      steps: [{ setWeight: 10 }, { pause: { duration: '5m' } }, { setWeight: 50 }, { pause: { duration: '10m' } }, { setWeight: 100 }],
      // The analysis gets the new version's pod template hash, so that its query reads the canary's pods only.
      analysis: {
        templates: [{ templateName: 'storefront-web-canary-analysis' }],
        startingStep: 1,
        args: [{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }],
      },
    });
    // Without traffic routing, stable/canary Services would leave the Ingress's Service with the stable pods only:
    // the canary's share of traffic must be its share of the pods behind the one Service the Ingress uses.
    expect(find('prod', 'Service', 'storefront-web-canary')).toBeUndefined();
    expect(find('prod', 'Service', 'storefront-web').spec.selector).toEqual(rollout.spec.selector.matchLabels);
    expect(find('prod', 'Ingress', 'storefront-web').spec.rules[0].http.paths[0].backend.service.name).toBe('storefront-web');
    const analysis = find('prod', 'AnalysisTemplate', 'storefront-web-canary-analysis');
    expect(analysis.spec.args).toEqual([{ name: 'canary-hash' }]);
    expect(analysis.spec.metrics[0]).toMatchObject({ successCondition: 'len(result) > 0 && !isNaN(result[0]) && (result[0] >= 0.99)', provider: { prometheus: { query: expect.stringContaining('storefront-web') } } });
    // Both halves of the success rate select the canary's series by the hash the Rollout passes.
    expect(analysis.spec.metrics[0].provider.prometheus.query.match(/rollouts_pod_template_hash="\{\{args\.canary-hash\}\}"/g)).toHaveLength(2);
    // The pod template is the one a Deployment would have: restricted, with probes.
    const c = rollout.spec.template.spec.containers[0];
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(c.resources.requests.cpu).toBe('500m');
    expect(c.readinessProbe.httpGet.port).toBe('http');
  });

  test('the autoscaler of a Rollout targets the Rollout, and the Rollout leaves replicas to it', () => {
    const hpa = find('prod', 'HorizontalPodAutoscaler', 'storefront-web');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'storefront-web' });
    expect(find('prod', 'Rollout', 'storefront-web').spec.replicas).toBeUndefined();
  });

  test('catalog-api is blue-green in prod with a preview service and manual promotion', () => {
    expect(find('prod', 'Rollout', 'catalog-api').spec.strategy).toEqual({
      blueGreen: { activeService: 'catalog-api', previewService: 'catalog-api-preview', autoPromotionEnabled: false, scaleDownDelaySeconds: 60 },
    });
    expect(find('prod', 'Service', 'catalog-api-preview')).toBeDefined();
  });

  test('a rolling update renders the declared surge and unavailability', () => {
    const spec = testPlatform({ apps: [service('web', { delivery: Delivery.rollingUpdate({ maxSurge: '25%', maxUnavailable: 1 }) })] });
    const deployment = renderPlatform({ platform: spec }).objects.find((o) => o.manifest.kind === 'Deployment')!.manifest as Json;
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } });
  });
});

describe('invalid delivery strategies', () => {
  const fails = (delivery: unknown, app = service('web', { delivery: delivery as Delivery })) => {
    try {
      resolvePlatform(testPlatform({ apps: [app], environments: [environment('prod', ['web'], { tier: Tier.PRODUCTION })] }));
    } catch (err) {
      expect(err).toBeInstanceOf(PlatformValidationError);
      return (err as Error).message;
    }
    throw new Error('expected a validation error');
  };

  test('weights that go down, or out of range, and bad durations', () => {
    const message = fails(Delivery.canary({ steps: [CanaryStep.weight(50), CanaryStep.pause('5 minutes'), CanaryStep.weight(20), CanaryStep.weight(120)] }));
    expect(message).toContain('apps.web.delivery.steps[1]: is not a duration (received "5 minutes"); write e.g. "30s", "5m" or "1h"');
    expect(message).toContain('apps.web.delivery.steps[2]: goes down from 50%; a canary only grows (abort to go back) (received 20)');
    expect(message).toContain('apps.web.delivery.steps[3]: must be a percentage from 1 to 100 (received 120)');
  });

  test('a canary needs steps and a service', () => {
    expect(fails(Delivery.canary({ steps: [] }))).toContain('apps.web.delivery.steps: has no steps');
    const worker = { ...service('web'), workload: Workload.worker(), delivery: Delivery.blueGreen() };
    expect(fails(undefined, worker)).toContain('apps.web.delivery: is a blue-green, which needs a service');
  });

  test('a rolling update that can never progress', () => {
    expect(fails(Delivery.rollingUpdate({ maxSurge: 0, maxUnavailable: 0 }))).toContain('allows neither an extra nor a missing pod');
  });

  test('a strategy that is not a Delivery', () => {
    expect(fails('canary')).toContain('apps.web.delivery: must be a Delivery (received "canary")');
  });
});

describe('metrics: what managed Prometheus scrapes, and what a canary analysis reads', () => {
  test('an app that declares metrics gets a PodMonitoring of its pods on that port, and its network policy admits only the collectors there', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const monitoring = find(env, 'PodMonitoring', 'storefront-web');
      const workload = find(env, env === 'prod' ? 'Rollout' : 'Deployment', 'storefront-web');
      expect(monitoring.apiVersion).toBe('monitoring.googleapis.com/v1');
      expect(monitoring.spec.selector.matchLabels).toEqual(workload.spec.selector.matchLabels);
      expect(monitoring.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
      // The port it names is one the container serves.
      expect(workload.spec.template.spec.containers[0].ports).toContainEqual(expect.objectContaining({ name: 'metrics', containerPort: 9090 }));
      // Series carry app="storefront-web", which the canary analysis's query selects.
      expect(monitoring.spec.targetLabels.fromPod).toEqual([
        { from: 'app.kubernetes.io/name', to: 'app' },
        // A Rollout's pods carry their version's hash: the canary analysis selects the new version's series with it.
        { from: 'rollouts-pod-template-hash', to: 'rollouts_pod_template_hash' },
      ]);
      const rules = find(env, 'NetworkPolicy', 'storefront-web').spec.ingress;
      const toMetrics = rules.filter((r: Json) => r.ports.some((p: Json) => p.port === 9090));
      expect(toMetrics).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gmp-system' } } }], ports: [{ port: 9090, protocol: 'TCP' }] }]);
    }
    expect(find('prod', 'AnalysisTemplate', 'storefront-web-canary-analysis').spec.metrics[0].provider.prometheus.query).toContain('app="storefront-web"');
    // An app without metrics has no PodMonitoring, and previews are not scraped.
    expect(objects.filter((o) => o.manifest.kind === 'PodMonitoring').map((o) => `${o.environment}/${o.manifest.metadata.name}`).sort()).toEqual([
      'dev/catalog-api', 'dev/storefront-web', 'prod/catalog-api', 'prod/storefront-web', 'staging/catalog-api', 'staging/storefront-web',
    ]);
  });

  test('metrics must name a declared port, an absolute path and a duration, on a service or worker', () => {
    const issues = (metrics: unknown, app = service('web', { metrics: metrics as never })) => {
      try {
        resolvePlatform(testPlatform({ apps: [app] }));
        return [];
      } catch (err) {
        return (err as PlatformValidationError).issues.map((i) => `${i.path}: ${i.message}`);
      }
    };
    expect(issues({ port: 'http' })).toEqual([]);
    expect(issues({ port: 'metrcs', path: 'metrics', interval: '30 seconds' })).toEqual([
      'apps.web.metrics.port: names a port the app does not declare',
      'apps.web.metrics.path: must be an absolute HTTP path',
      'apps.web.metrics.interval: is not a Prometheus duration',
    ]);
    const cron = service('nightly', { workload: Workload.cronJob({ schedule: '0 3 * * *' }), probes: {}, metrics: { port: 'http' } });
    expect(issues(undefined, cron)).toEqual(['apps.nightly.metrics: does not apply to a cron-job: only services and workers are scraped']);
  });
});

describe('the query frontend the canary analysis reads', () => {
  test('prod\'s analysis queries the example\'s prometheus-frontend, which Argo Rollouts may call and which reads Cloud Monitoring as itself', () => {
    const address = find('prod', 'AnalysisTemplate', 'storefront-web-canary-analysis').spec.metrics[0].provider.prometheus.address;
    const frontend = find('prod', 'Service', 'prometheus-frontend');
    expect(address).toBe(`http://${frontend.metadata.name}.${frontend.metadata.namespace}.svc.cluster.local:${frontend.spec.ports[0].port}`);
    const policy = find('prod', 'NetworkPolicy', 'prometheus-frontend');
    expect(policy.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'argo-rollouts' } } }], ports: [{ port: 9090, protocol: 'TCP' }] }]);
    const container = find('prod', 'Deployment', 'prometheus-frontend').spec.template.spec.containers[0];
    expect(container.args).toContain('--query.project-id=$(GCP_PROJECT)');
    expect(container.env).toContainEqual({ name: 'GCP_PROJECT', value: 'acme-platform-prod' });
    expect(find('prod', 'ServiceAccount', 'prometheus-frontend').metadata.annotations['iam.gke.io/gcp-service-account']).toMatch(/@acme-platform-prod\.iam\.gserviceaccount\.com$/);
  });

  test('calledFrom must name a namespace and ports of the app', () => {
    const issues = (calledFrom: unknown) => {
      try {
        resolvePlatform(testPlatform({ apps: [service('web', { calledFrom: calledFrom as never })] }));
        return [];
      } catch (err) {
        return (err as PlatformValidationError).issues.map((i) => `${i.path}: ${i.message}`);
      }
    };
    expect(issues([{ namespace: 'argo-rollouts' }, { namespace: 'ingress', ports: ['http'] }])).toEqual([]);
    expect(issues([{ namespace: 'Argo_Rollouts' }, { namespace: 'x', ports: ['htp'] }, { namespace: 'y', ports: [] }])).toEqual([
      'apps.web.calledFrom[0].namespace: is not a namespace name',
      'apps.web.calledFrom[1].ports[0]: is not a port of the app',
      'apps.web.calledFrom[2].ports: must be a non-empty list of port names',
    ]);
  });
});
