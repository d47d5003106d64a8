import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import { schemaValidator } from '../../src/guardrails/schema';
import { KubeType, kube } from '../../src/k8s';
import { k8s } from '../../src/k8s/imports';

const chart = () => new Chart(new App({ outdir: 'unused' }), 'chart', { namespace: 'team-a', disableResourceNameHashes: true });

describe('kube() renders exactly what the cdk8s-plus-27 class renders', () => {
  /** Declares `props` both ways in one chart and compares the JSON text (key order is the YAML's order). */
  function compare<P>(type: (new (scope: Chart, id: string, props: P) => ApiObject) & KubeType<P>, props: P): Record<string, any> {
    const scope = chart();
    const typed = new type(scope, 'typed', props);
    const ours = kube(type, scope, 'ours', props);
    expect(JSON.stringify(ours.toJson())).toBe(JSON.stringify(typed.toJson()));
    return ours.toJson();
  }

  test('IntOrString and Quantity values become numbers and strings', () => {
    const pdb = compare(k8s.KubePodDisruptionBudget, {
      metadata: { name: 'web', labels: { b: '1', a: '2' } },
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { app: 'web' } } },
    });
    expect(pdb.spec.maxUnavailable).toBe(1);
    const quota = compare(k8s.KubeResourceQuota, {
      metadata: { name: 'quota' },
      spec: { hard: { 'requests.cpu': k8s.Quantity.fromString('4'), 'pods': k8s.Quantity.fromNumber(20) } },
    });
    expect(quota.spec.hard).toEqual({ 'pods': 20, 'requests.cpu': '4' });
  });

  test('a Deployment with a full pod template, keys sorted, apiVersion, kind and metadata first', () => {
    const deployment = compare(k8s.KubeDeployment, {
      metadata: { name: 'web', annotations: { z: 'last', a: 'first' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            serviceAccountName: 'web',
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [{
              name: 'web',
              image: 'registry.example.com/web:1.0.0',
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              env: [{ name: 'B', value: '2' }, { name: 'A', valueFrom: { secretKeyRef: { name: 's', key: 'value' } } }],
              resources: { requests: { cpu: k8s.Quantity.fromString('100m') }, limits: { memory: k8s.Quantity.fromString('256Mi') } },
              readinessProbe: { httpGet: { path: '/ready', port: k8s.IntOrString.fromString('http') }, periodSeconds: 5 },
              securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }],
          },
        },
      },
    });
    expect(Object.keys(deployment)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(Object.keys(deployment.spec.template.spec.containers[0])).toEqual([...Object.keys(deployment.spec.template.spec.containers[0])].sort());
    expect(deployment.metadata).toEqual({ annotations: { a: 'first', z: 'last' }, name: 'web', namespace: 'team-a' });
  });

  test('fields whose TypeScript name is not the API\'s (clusterIp, downwardApi, clientIp) render as the API\'s', () => {
    const service = compare(k8s.KubeService, {
      metadata: { name: 'db' },
      spec: { clusterIp: 'None', selector: { app: 'db' }, sessionAffinityConfig: { clientIp: { timeoutSeconds: 60 } }, ports: [{ port: 5432 }] },
    });
    expect(service.spec).toMatchObject({ clusterIP: 'None', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } });
    expect(service.spec).not.toHaveProperty('clusterIp');
    const pod = compare(k8s.KubePod, {
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c' }], volumes: [{ name: 'v', downwardApi: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }] },
    });
    expect(pod.spec.volumes[0]).toHaveProperty('downwardAPI');
  });

  test('labels an escape hatch adds after the object is declared are rendered', () => {
    const deployment = kube(k8s.KubeDeployment, chart(), 'web', { metadata: { name: 'web', labels: { a: '1' } }, spec: { selector: {}, template: {} } });
    deployment.metadata.addLabel('team', 'shop');
    expect(deployment.toJson().metadata.labels).toEqual({ a: '1', team: 'shop' });
  });
});

describe('JSON patches of an object with typed props apply to the object as it renders', () => {
  const service = { metadata: { name: 's' }, spec: { ports: [{ port: 80 }], selector: { app: 's' } } };

  test('in the API\'s field names, with fields the typings do not know kept, so that the schema guardrail sees them', () => {
    // GIVEN the same Service declared with kube() and with the L1 class, and the same patches on both
    const ours = kube(k8s.KubeService, chart(), 'ours', service);
    const l1 = new k8s.KubeService(chart(), 'l1', service);
    for (const o of [ours, l1]) {
      o.addJsonPatch(JsonPatch.add('/spec/clusterIP', 'None'), JsonPatch.add('/spec/sessionAfinity', 'ClientIP'), JsonPatch.replace('/spec/ports/0/port', 8080));
    }
    // THEN the L1 class drops both added fields (clusterIP is clusterIp in its typings, sessionAfinity is misspelt)...
    expect(l1.toJson().spec).toEqual({ ports: [{ port: 8080 }], selector: { app: 's' } });
    // ...while ours renders what the patch says, and the schema guardrail refuses the misspelt field by name
    const rendered = ours.toJson();
    expect(rendered.spec).toEqual({ ports: [{ port: 8080 }], selector: { app: 's' }, clusterIP: 'None', sessionAfinity: 'ClientIP' });
    expect(Object.keys(rendered)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(schemaValidator().validate(rendered).map((v) => v.message)).toEqual([expect.stringMatching(/^unknown field "sessionAfinity"; did you mean "sessionAffinity"\?/)]);
  });

  test('a patch that does not apply names the construct, as cdk8s does', () => {
    const ours = kube(k8s.KubeService, chart(), 'ours', service);
    ours.addJsonPatch(JsonPatch.replace('/spec/nothing/here', 1));
    expect(() => ours.toJson()).toThrow(/^Failed serializing construct at path 'chart\/ours' with name 's': /);
  });
});
