import { RenderedObject } from '../../src/k8s';
import { CanaryStep, Delivery, Tier, Workload } from '../../src/model';
import { renderPlatform } from '../../src/synth';
import { environment, platform, service } from '../fixtures';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const WAVE = 'argocd.argoproj.io/sync-wave';
const wave = (o: RenderedObject) => Number((o.manifest.metadata as Json).annotations?.[WAVE] ?? 0);
const ofKind = (objects: readonly RenderedObject[], kind: string) => objects.filter((o) => o.manifest.kind === kind);

/** An app reading a secret, and its migration (a PreSync hook) reading the DB admin password. */
function withSecrets() {
  const api = service('orders', { secrets: [{ name: 'db-password', envVar: 'DB_PASSWORD' }] });
  const migrate = {
    ...service('orders-migrate'),
    workload: Workload.migration({ migrates: 'orders' }),
    ports: [],
    probes: {},
    image: api.image,
    secrets: [{ name: 'db-admin', envVar: 'DB_ADMIN_PASSWORD' }],
  };
  return renderPlatform({ platform: platform({ apps: [api, migrate], environments: [environment('dev', ['orders'])] }) }).objects;
}

describe('what Argo CD and External Secrets need of an app with secrets', () => {
  test('GIVEN an app and its migration with secrets THEN each SecretStore (and its ServiceAccount) syncs a wave before its ExternalSecrets', () => {
    const objects = withSecrets();
    for (const es of ofKind(objects, 'ExternalSecret')) {
      const storeName = (es.manifest as Json).spec.secretStoreRef.name;
      const store = objects.find((o) => o.manifest.kind === 'SecretStore' && o.manifest.metadata.name === storeName)!;
      const accountName = (store.manifest as Json).spec.provider.gcpsm.auth.workloadIdentity.serviceAccountRef.name;
      const account = objects.find((o) => o.manifest.kind === 'ServiceAccount' && o.manifest.metadata.name === accountName)!;
      const order = { es: es.file, before: wave(store) < wave(es), account: wave(account) <= wave(store) };
      expect(order).toEqual({ es: es.file, before: true, account: true });
      // a hook's store is a hook too, so the order holds within the PreSync phase
      const hook = (o: RenderedObject) => (o.manifest.metadata as Json).annotations?.['argocd.argoproj.io/hook'];
      expect(hook(store)).toBe(hook(es));
    }
    expect(ofKind(objects, 'ExternalSecret')).toHaveLength(2);
  });

  test('GIVEN an ExternalSecret THEN every remoteRef states what ESO would default, so Argo CD sees no list drift', () => {
    for (const es of ofKind(withSecrets(), 'ExternalSecret')) {
      for (const item of (es.manifest as Json).spec.data) {
        expect(item.remoteRef).toMatchObject({ conversionStrategy: 'Default', decodingStrategy: 'None', metadataPolicy: 'None', nullBytePolicy: 'Ignore' });
      }
    }
  });

  test('GIVEN a team namespace THEN the Namespace carries no metadata.namespace (it is cluster-scoped)', () => {
    const namespaces = ofKind(withSecrets(), 'Namespace');
    expect(namespaces.length).toBeGreaterThan(0);
    for (const ns of namespaces) expect(ns.manifest.metadata.namespace).toBeUndefined();
  });
});

describe('a canary analysis with no traffic to judge', () => {
  const analysisOf = (analysis: Record<string, unknown> = {}) => {
    const web = service('web', {
      delivery: Delivery.canary({ steps: [CanaryStep.weight(20)], analysis: { query: 'sum(ok) / sum(all)', successCondition: 'result[0] >= 0.99', ...analysis } }),
    });
    const spec = platform({ apps: [web], environments: [environment('prod', ['web'], { tier: Tier.PRODUCTION })] });
    return (ofKind(renderPlatform({ platform: spec }).objects, 'AnalysisTemplate')[0].manifest as Json).spec.metrics[0];
  };

  test('GIVEN an empty result or 0/0 THEN the measurement is neither a success nor a failure: inconclusive', () => {
    const metric = analysisOf();
    expect(metric.successCondition).toBe('len(result) > 0 && !isNaN(result[0]) && (result[0] >= 0.99)');
    expect(metric.failureCondition).toBe('len(result) > 0 && !isNaN(result[0]) && !(result[0] >= 0.99)');
    expect(metric.inconclusiveLimit).toBe(3);
  });

  test('GIVEN a new canary THEN the first measurement waits for its series (initialDelay, 2m unless declared)', () => {
    expect(analysisOf().initialDelay).toBe('2m');
    expect(analysisOf({ initialDelay: '5m', inconclusiveLimit: 1 })).toMatchObject({ initialDelay: '5m', inconclusiveLimit: 1 });
  });
});
