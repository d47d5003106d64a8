import { CanaryStep, Delivery, PlatformValidationError, Tier, Workload, resolvePlatform } from '../../src/model';
import { renderPlatform } from '../../src/synth';
import {
  blueGreen, canary, environment, manifest, pipeline, platform as testPlatform, previews, publicService, render, service, worker,
} from '../fixtures';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const QUERY = 'sum(rate(http_requests_total{app="web",rollouts_pod_template_hash="{{args.canary-hash}}",code!~"5.."}[2m]))'
  + ' / sum(rate(http_requests_total{app="web",rollouts_pod_template_hash="{{args.canary-hash}}"}[2m]))';

/** GIVEN a public web app with metrics, a canary with analysis in prod only; api blue-green in prod only; a worker; previews in dev. */
const spec = pipeline([
  publicService('web', 'shop', { ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }], metrics: { port: 'metrics' }, calls: ['api'] }),
  service('api'),
  worker('queue'),
], {
  dev: { previews: previews() },
  prod: {
    apps: {
      web: {
        autoscaling: { minReplicas: 2, maxReplicas: 4 },
        resources: { cpuRequest: '500m' },
        delivery: Delivery.canary({
          steps: [CanaryStep.weight(10), CanaryStep.pause('5m'), CanaryStep.weight(50), CanaryStep.pause('10m'), CanaryStep.weight(100)],
          analysis: { query: QUERY, successCondition: 'result[0] >= 0.99' },
        }),
      },
      api: { replicas: 2, delivery: blueGreen() },
      queue: { replicas: 2 },
    },
  },
});
const out = render(spec);
const find = (env: string, kind: string, name: string): Json => manifest(out, env, kind, name);

describe('progressive delivery', () => {
  test('a canary declared for prod is a Rollout there only; other environments keep a Deployment', () => {
    expect(find('dev', 'Deployment', 'web')).toBeDefined();
    expect(find('staging', 'Deployment', 'web')).toBeDefined();
    expect(find('staging', 'Rollout', 'web')).toBeUndefined();
    expect(find('prod', 'Deployment', 'web')).toBeUndefined();
    expect(find('prod', 'Rollout', 'web')).toBeDefined();
  });

  test('a canary Rollout has the declared steps, and its analysis gets the new version\'s pod template hash', () => {
    expect(find('prod', 'Rollout', 'web').spec.strategy.canary).toEqual({
      steps: [{ setWeight: 10 }, { pause: { duration: '5m' } }, { setWeight: 50 }, { pause: { duration: '10m' } }, { setWeight: 100 }],
      // The analysis gets the new version's pod template hash, so that its query can read the canary's pods only.
      analysis: {
        templates: [{ templateName: 'web-canary-analysis' }],
        startingStep: 1,
        args: [{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }],
      },
    });
  });

  test('a canary sits behind the app\'s one Service, which the Ingress uses: its share of pods is its share of traffic', () => {
    // Without traffic routing, stable/canary Services would leave the Ingress's Service with the stable pods only.
    const rollout = find('prod', 'Rollout', 'web');
    expect(find('prod', 'Service', 'web-canary')).toBeUndefined();
    expect(find('prod', 'Service', 'web').spec.selector).toEqual(rollout.spec.selector.matchLabels);
    expect(find('prod', 'Ingress', 'web').spec.rules[0].http.paths[0].backend.service.name).toBe('web');
  });

  test('the analysis template runs the declared query and condition, with the hash as its argument', () => {
    const analysis = find('prod', 'AnalysisTemplate', 'web-canary-analysis');
    expect(analysis.spec.args).toEqual([{ name: 'canary-hash' }]);
    // (How the condition is guarded against an empty or NaN result: test/k8s/argo-and-eso.test.ts.)
    expect(analysis.spec.metrics[0]).toMatchObject({ successCondition: expect.stringContaining('(result[0] >= 0.99)'), provider: { prometheus: { query: QUERY } } });
  });

  test('a canary\'s pod template is the one a Deployment would have: restricted, with the environment\'s resources and probes', () => {
    const c = find('prod', 'Rollout', 'web').spec.template.spec.containers[0];
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(c.resources.requests.cpu).toBe('500m');
    expect(c.readinessProbe.httpGet.port).toBe('http');
  });

  test('the autoscaler of a Rollout targets the Rollout, and the Rollout leaves replicas to it', () => {
    expect(find('prod', 'HorizontalPodAutoscaler', 'web').spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'web' });
    expect(find('prod', 'Rollout', 'web').spec.replicas).toBeUndefined();
  });

  test('a blue-green is a Rollout with a preview service and manual promotion', () => {
    expect(find('prod', 'Rollout', 'api').spec.strategy).toEqual({
      blueGreen: { activeService: 'api', previewService: 'api-preview', autoPromotionEnabled: false, scaleDownDelaySeconds: 30 },
    });
    expect(find('prod', 'Service', 'api-preview')).toBeDefined();
    expect(find('staging', 'Service', 'api-preview')).toBeUndefined();
  });

  test('a rolling update renders the declared surge and unavailability', () => {
    const rolling = testPlatform({ apps: [service('web', { delivery: Delivery.rollingUpdate({ maxSurge: '25%', maxUnavailable: 1 }) })] });
    const deployment = renderPlatform({ platform: rolling }).objects.find((o) => o.manifest.kind === 'Deployment')!.manifest as Json;
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
    const blueGreenWorker = worker('web', { delivery: Delivery.blueGreen() });
    expect(fails(undefined, blueGreenWorker)).toContain('apps.web.delivery: is a blue-green, which needs a service');
  });

  test('a rolling update that can never progress', () => {
    expect(fails(Delivery.rollingUpdate({ maxSurge: 0, maxUnavailable: 0 }))).toContain('allows neither an extra nor a missing pod');
  });

  test('a strategy that is not a Delivery', () => {
    expect(fails('canary')).toContain('apps.web.delivery: must be a Delivery (received "canary")');
  });
});

describe('metrics: what managed Prometheus scrapes, and what a canary analysis reads', () => {
  test.each(['dev', 'staging', 'prod'])('%s: an app that declares metrics gets a PodMonitoring of its pods on that port', (env) => {
    const monitoring = find(env, 'PodMonitoring', 'web');
    const workload = find(env, env === 'prod' ? 'Rollout' : 'Deployment', 'web');
    expect(monitoring.apiVersion).toBe('monitoring.googleapis.com/v1');
    expect(monitoring.spec.selector.matchLabels).toEqual(workload.spec.selector.matchLabels);
    expect(monitoring.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
    // The port it names is one the container serves.
    expect(workload.spec.template.spec.containers[0].ports).toContainEqual(expect.objectContaining({ name: 'metrics', containerPort: 9090 }));
  });

  test('series are labelled app="<app>", and with the pod template hash a canary analysis selects its version by', () => {
    expect(find('prod', 'PodMonitoring', 'web').spec.targetLabels.fromPod).toEqual([
      { from: 'app.kubernetes.io/name', to: 'app' },
      { from: 'rollouts-pod-template-hash', to: 'rollouts_pod_template_hash' },
    ]);
  });

  test.each(['dev', 'staging', 'prod'])('%s: the network policy admits only the managed collectors on the metrics port', (env) => {
    const rules = find(env, 'NetworkPolicy', 'web').spec.ingress;
    const toMetrics = rules.filter((r: Json) => r.ports.some((p: Json) => p.port === 9090));
    expect(toMetrics).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gmp-system' } } }], ports: [{ port: 9090, protocol: 'TCP' }] }]);
  });

  test('an app without metrics has no PodMonitoring, and previews are not scraped', () => {
    expect(out.objects.filter((o) => o.manifest.kind === 'PodMonitoring').map((o) => `${o.environment}/${o.file}`).sort()).toEqual([
      'dev/apps/web/podmonitoring-web.yaml', 'prod/apps/web/podmonitoring-web.yaml', 'staging/apps/web/podmonitoring-web.yaml',
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

describe('a query frontend of the platform\'s own, which a canary analysis reads', () => {
  // GIVEN a query frontend app that Argo Rollouts calls, reading its environment's project, and a canary whose analysis queries it
  const frontend = service('query-frontend', {
    args: ['--web.listen-address=:9090', '--query.project-id=$(GCP_PROJECT)'],
    ports: [{ name: 'http', port: 9090 }],
    identity: { roles: ['roles/monitoring.viewer'] },
    calledFrom: [{ namespace: 'argo-rollouts' }],
  });
  const address = 'http://query-frontend.alpha.svc.cluster.local:9090';
  const web = service('web');
  const withFrontend = render(pipeline([web, frontend], {
    dev: { apps: { 'query-frontend': { env: { GCP_PROJECT: 'test-dev-project' } } } },
    staging: { apps: { 'query-frontend': { env: { GCP_PROJECT: 'test-staging-project' } } } },
    prod: {
      apps: {
        'query-frontend': { replicas: 2, env: { GCP_PROJECT: 'test-prod-project' } },
        'web': { replicas: 2, delivery: canary({ query: 'vector(1)', successCondition: 'result[0] >= 0.99', prometheusAddress: address }) },
      },
    },
  }));
  const get = (kind: string, name: string): Json => manifest(withFrontend, 'prod', kind, name);

  test('the analysis queries the address it declares, which is the frontend\'s Service', () => {
    const svc = get('Service', 'query-frontend');
    expect(get('AnalysisTemplate', 'web-canary-analysis').spec.metrics[0].provider.prometheus.address).toBe(address);
    expect(address).toBe(`http://${svc.metadata.name}.${svc.metadata.namespace}.svc.cluster.local:${svc.spec.ports[0].port}`);
  });

  test('without an address, the analysis queries the managed Prometheus frontend', () => {
    expect(find('prod', 'AnalysisTemplate', 'web-canary-analysis').spec.metrics[0].provider.prometheus.address).toBe('http://frontend.gmp-system.svc.cluster.local:9090');
  });

  test('calledFrom admits the named namespace, on every port of the app, and nothing else', () => {
    expect(get('NetworkPolicy', 'query-frontend').spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'argo-rollouts' } } }], ports: [{ port: 9090, protocol: 'TCP' }] },
    ]);
  });

  test('args name the app\'s variables, which each environment sets', () => {
    const container = get('Deployment', 'query-frontend').spec.template.spec.containers[0];
    expect(container.args).toContain('--query.project-id=$(GCP_PROJECT)');
    expect(container.env).toContainEqual({ name: 'GCP_PROJECT', value: 'test-prod-project' });
    expect(manifest(withFrontend, 'dev', 'Deployment', 'query-frontend').spec.template.spec.containers[0].env).toContainEqual({ name: 'GCP_PROJECT', value: 'test-dev-project' });
  });

  test('its identity is a service account of its environment\'s project', () => {
    expect(get('ServiceAccount', 'query-frontend').metadata.annotations['iam.gke.io/gcp-service-account']).toBe('query-frontend@test-prod-project.iam.gserviceaccount.com');
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
