import { AppSpec, Exposure, PlatformValidationError, Probe, formatIssue } from '../../src/model';
import { renderPlatform } from '../../src/synth';
import { environment, platform, service } from '../fixtures';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/*
 * GKE Ingress of a public app: a BackendConfig (health check from the
 * readiness probe, connection draining) referenced from its Service, and a
 * FrontendConfig (HTTP to HTTPS redirect) referenced from its Ingress.
 */

const PREVIEWS = { github: { owner: 'example', repo: 'platform', tokenSecret: 'github-token' }, domain: 'preview.example.com' };

function publicApp(overrides: Partial<AppSpec> = {}): AppSpec {
  return service('web', {
    ports: [{ name: 'http', port: 8080 }, { name: 'admin', port: 9000 }],
    exposure: Exposure.public({ subdomain: 'www' }),
    probes: {
      readiness: Probe.http('/ready', 'http', { periodSeconds: 5, timeoutSeconds: 8, failureThreshold: 4 }),
      liveness: Probe.http('/live', 'admin'),
    },
    terminationGracePeriodSeconds: 45,
    ...overrides,
  });
}

function render(app: AppSpec = publicApp(), withPreviews = false) {
  const env = environment('dev', [app.name], withPreviews ? { previews: PREVIEWS } : {});
  return renderPlatform({ platform: platform({ apps: [app], environments: [env] }) }).objects;
}

const find = (objects: ReturnType<typeof render>, kind: string, dir = 'apps/') =>
  objects.filter((o) => o.manifest.kind === kind && o.file.startsWith(dir)).map((o) => o.manifest as Json);

describe('GKE Ingress of a public app', () => {
  test('GIVEN a public app THEN its BackendConfig checks health with the readiness probe, on the exposed port, at its timing', () => {
    const [backend] = find(render(), 'BackendConfig');
    expect(backend.spec.healthCheck).toEqual({
      type: 'HTTP',
      requestPath: '/ready',
      port: 8080,
      checkIntervalSec: 5,
      // Google Cloud wants timeout <= interval
      timeoutSec: 5,
      healthyThreshold: 1,
      unhealthyThreshold: 4,
    });
  });

  test('GIVEN a public app THEN the load balancer drains a removed pod for as long as the pod may take to stop', () => {
    const [backend] = find(render(), 'BackendConfig');
    expect(backend.spec.connectionDraining).toEqual({ drainingTimeoutSec: 45 });
  });

  test('GIVEN a public app THEN its Service gives the exposed port its BackendConfig', () => {
    const objects = render();
    const [backend] = find(objects, 'BackendConfig');
    const [svc] = find(objects, 'Service');
    expect(JSON.parse(svc.metadata.annotations['cloud.google.com/backend-config'])).toEqual({ ports: { http: backend.metadata.name } });
    expect(backend.metadata.namespace).toBe(svc.metadata.namespace);
  });

  test('GIVEN a public app THEN plain HTTP is redirected to HTTPS by a FrontendConfig, with the HTTP listener kept for it', () => {
    const objects = render();
    const [frontend] = find(objects, 'FrontendConfig');
    const [ingress] = find(objects, 'Ingress');
    expect(frontend.spec).toEqual({ redirectToHttps: { enabled: true, responseCodeName: 'MOVED_PERMANENTLY_DEFAULT' } });
    expect(ingress.metadata.annotations['networking.gke.io/v1beta1.FrontendConfig']).toBe(frontend.metadata.name);
    expect(ingress.metadata.annotations['kubernetes.io/ingress.allow-http']).toBe('true');
  });

  test('GIVEN an internal app THEN it has neither', () => {
    const objects = render(service('web'));
    expect([...find(objects, 'BackendConfig'), ...find(objects, 'FrontendConfig')]).toEqual([]);
    expect(find(objects, 'Service')[0].metadata.annotations).toBeUndefined();
  });

  test('GIVEN a preview of a public app THEN it keeps plain HTTP, and its BackendConfig comes with the namespace, not from the pull request', () => {
    const objects = render(publicApp(), true);
    const [ingress] = find(objects, 'Ingress', 'previews/');
    expect(ingress.metadata.annotations).toBeUndefined();
    expect(find(objects, 'FrontendConfig', 'previews/')).toEqual([]);
    const backends = objects.filter((o) => o.manifest.kind === 'BackendConfig' && o.file.startsWith('previews/')).map((o) => o.file);
    expect(backends).toEqual(['previews/web/namespace/backendconfig-web.yaml']);
  });

  test('GIVEN a public app whose readiness probe is not an HTTP GET on the exposed port THEN validation refuses it', () => {
    const messages = (readiness: Probe) => {
      try {
        render(publicApp({ probes: { readiness, liveness: Probe.http('/live', 'http') } }));
      } catch (err) {
        return (err as PlatformValidationError).issues.map(formatIssue);
      }
      return [];
    };
    for (const [readiness, received] of [[Probe.tcp('http'), '"type":"tcp"'], [Probe.http('/ready', 'admin'), '"port":"admin"']] as const) {
      const found = messages(readiness);
      expect(found).toHaveLength(1);
      expect(found[0]).toContain('apps.web.probes.readiness');
      expect(found[0]).toContain('must be an HTTP probe on the exposed port "http"');
      expect(found[0]).toContain(received);
    }
  });
});
