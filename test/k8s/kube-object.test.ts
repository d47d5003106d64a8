import * as fs from 'fs';
import { ApiObject, ApiObjectMetadataDefinition, App, Chart, IResolver, ImplicitTokenResolver, JsonPatch, Lazy, LazyResolver, NumberStringUnionResolver, ResolutionContext } from 'cdk8s';
import * as fc from 'fast-check';
import { schemaValidator } from '../../src/guardrails/schema';
import { KubeObject, KubeType, RENAMED_FIELDS, kube, metadataJson } from '../../src/k8s';
import { k8s } from '../../src/k8s/imports';

/** The same props as a plain cdk8s ApiObject and as a KubeObject, in two charts of one app. */
function both(props: Record<string, unknown>, app = new App({ outdir: 'unused' })): { plain: ApiObject; fast: KubeObject } {
  const options = { namespace: 'team-a', labels: { 'app.kubernetes.io/part-of': 'shop' }, disableResourceNameHashes: true };
  const full = { apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 'thing' }, ...props };
  return {
    plain: new ApiObject(new Chart(app, 'plain', options), 'obj', full as never),
    fast: new KubeObject(new Chart(app, 'fast', options), 'obj', full as never),
  };
}

/** Byte-level equality: key order matters (it is the order of the YAML). */
const text = (o: ApiObject) => JSON.stringify(o.toJson());

describe('metadataJson(metadata) is metadata.toJson()', () => {
  afterEach(() => jest.restoreAllMocks());

  const key = fc.oneof(fc.constantFrom('a', 'b', 'name', 'namespace', 'labels', 'uid', 'generateName', '0', '10', 'constructor', 'value', 'resolve'), fc.string({ maxLength: 5 }))
    .filter((k) => k !== '__proto__');
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.string({ maxLength: 6 }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.constant([]),
      fc.constant({}),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(key, tie('value'), { maxKeys: 4, noNullPrototype: true }),
    ),
  }));
  const strings = fc.dictionary(key, fc.oneof(fc.string({ maxLength: 4 }), fc.constant(undefined)), { maxKeys: 4, noNullPrototype: true });
  /** Metadata as declared, then changed the ways an escape hatch can change it. */
  const declared = fc.record({
    name: fc.option(fc.string({ maxLength: 6 }), { nil: undefined }),
    namespace: fc.option(fc.string({ maxLength: 6 }), { nil: undefined }),
    labels: fc.option(strings, { nil: undefined }),
    annotations: fc.option(strings, { nil: undefined }),
    finalizers: fc.option(fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }), { nil: undefined }),
    extra: fc.dictionary(key.filter((k) => !['name', 'namespace', 'labels', 'annotations', 'finalizers', 'ownerReferences'].includes(k)), value, { maxKeys: 3, noNullPrototype: true }),
    added: fc.array(fc.tuple(fc.constantFrom('label', 'annotation', 'finalizer', 'owner', 'add'), key, value), { maxLength: 4 }),
  });

  test('for any declared metadata and any later additions', () => {
    const app = new App({ outdir: 'unused' });
    const chart = new Chart(app, 'chart', { disableResourceNameHashes: true });
    let n = 0;
    fc.assert(fc.property(declared, (d) => {
      const o = new ApiObject(chart, `o${n++}`, {
        apiVersion: 'v1', kind: 'Thing', metadata: { name: d.name, namespace: d.namespace, labels: d.labels, annotations: d.annotations, finalizers: d.finalizers, ...d.extra } as never,
      });
      for (const [what, k, v] of d.added) {
        if (what === 'label') o.metadata.addLabel(k, String(v));
        else if (what === 'annotation') o.metadata.addAnnotation(k, String(v));
        else if (what === 'finalizer') o.metadata.addFinalizers(String(v));
        else if (what === 'owner') o.metadata.addOwnerReference({ apiVersion: 'v1', kind: 'Thing', name: k, uid: String(v) });
        else o.metadata.add(k, v);
      }
      // The same JSON, or the same error (cdk8s refuses a map whose own `constructor` key is not Object).
      expect(outcome(() => metadataJson(o.metadata))).toEqual(outcome(() => o.metadata.toJson()));
    }), { numRuns: 600 });
  });

  test('where cdk8s\'s resolvers act on plain-looking values: an own constructor key, an array with a value property', () => {
    const app = new App({ outdir: 'unused' });
    const chart = new Chart(app, 'chart');
    const cases: Array<(o: ApiObject) => void> = [
      (o) => o.metadata.addLabel('constructor', 'x'),
      (o) => { o.metadata.addLabel('constructor', 'x'); o.metadata.addLabel('value', 'v'); },
      (o) => { o.metadata.add('value', 'v'); o.metadata.add('constructor', 'c'); },
      (o) => o.metadata.add('arr', Object.assign(['f'], { value: 'v' })),
      (o) => o.metadata.add('arr', Object.assign(['f'], { constructor: Object })),
    ];
    cases.forEach((change, i) => {
      const o = new ApiObject(chart, `o${i}`, { apiVersion: 'v1', kind: 'Thing', metadata: { name: 'x' } });
      change(o);
      expect(outcome(() => metadataJson(o.metadata))).toEqual(outcome(() => o.metadata.toJson()));
      const { plain, fast } = both({ spec: { a: Object.assign(['f'], { value: 'v' }), b: { constructor: 'c', value: 1 } } });
      expect(outcome(() => text(fast))).toEqual(outcome(() => text(plain)));
    });
  });

  test('takes its own path for plain metadata, and cdk8s\'s for a Lazy or a hole an empty value would leave in an array', () => {
    const app = new App({ outdir: 'unused' });
    const chart = new Chart(app, 'chart');
    const cdk8s = jest.spyOn(ApiObjectMetadataDefinition.prototype, 'toJson');
    const o = new ApiObject(chart, 'o', { apiVersion: 'v1', kind: 'Thing', metadata: { name: 'x', labels: { b: '1', a: '2' } } });
    expect(metadataJson(o.metadata)).toEqual({ name: 'x', labels: { a: '2', b: '1' } });
    expect(cdk8s).not.toHaveBeenCalled();
    o.metadata.add('lazy', Lazy.any({ produce: () => 'later' }));
    expect(metadataJson(o.metadata)).toEqual({ name: 'x', labels: { a: '2', b: '1' }, lazy: 'later' });
    const holes = new ApiObject(chart, 'holes', { apiVersion: 'v1', kind: 'Thing', metadata: { name: 'y', finalizers: [[] as never, 'f'] } });
    expect(metadataJson(holes.metadata)).toEqual(holes.metadata.toJson());
    expect(cdk8s).toHaveBeenCalledTimes(3);
  });
});

describe('KubeObject renders exactly what cdk8s ApiObject renders', () => {
  afterEach(() => jest.restoreAllMocks());

  test('takes its own path for plain JSON, and cdk8s\'s for a patched object', () => {
    const { fast } = both({ spec: { b: 1, a: 'x' } });
    const cdk8s = jest.spyOn(ApiObject.prototype, 'toJson');
    expect(fast.toJson()).toEqual({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: expect.anything(), spec: { a: 'x', b: 1 } });
    expect(cdk8s).not.toHaveBeenCalled();
    fast.addJsonPatch(JsonPatch.remove('/spec/b'));
    expect(fast.toJson().spec).toEqual({ a: 'x' });
    expect(cdk8s).toHaveBeenCalledTimes(1);
  });

  test('for any plain JSON body (keys sorted, null and undefined left out, apiVersion, kind and metadata first)', () => {
    const key = fc.oneof(fc.constantFrom('a', 'B', 'kind', 'metadata', 'apiVersion', 'spec', 'z', '_', 'x-y', '0', '10', '9', 'constructor', 'value'), fc.string({ maxLength: 6 }));
    const { value } = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string({ maxLength: 8 }),
        fc.integer(),
        fc.double({ noNaN: true }),
        fc.boolean(),
        fc.constant(null),
        fc.constant(undefined),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(key, tie('value'), { maxKeys: 5, noNullPrototype: true }),
      ),
    }));
    const body = fc.dictionary(key.filter((k) => !['apiVersion', 'kind', 'metadata', '__proto__'].includes(k)), value, { maxKeys: 6, noNullPrototype: true });
    fc.assert(fc.property(body, (props) => {
      const { plain, fast } = both(props);
      expect(outcome(() => text(fast))).toEqual(outcome(() => text(plain)));
    }), { numRuns: 400 });
  });

  test('with labels and annotations an escape hatch adds after the object is declared', () => {
    const { plain, fast } = both({ spec: { b: 1, a: [2, { d: null, c: 'x' }] } });
    for (const o of [plain, fast]) {
      o.metadata.addLabel('team', 'a');
      o.metadata.addAnnotation('note', 'b');
      o.metadata.addFinalizers('example.com/cleanup');
    }
    expect(text(fast)).toBe(text(plain));
    expect(fast.toJson().metadata).toEqual({
      annotations: { note: 'b' },
      finalizers: ['example.com/cleanup'],
      labels: { 'app.kubernetes.io/part-of': 'shop', 'team': 'a' },
      name: 'thing',
      namespace: 'team-a',
    });
  });

  test('with JSON patches (cdk8s applies them)', () => {
    const { plain, fast } = both({ spec: { replicas: 1 } });
    for (const o of [plain, fast]) o.addJsonPatch(JsonPatch.replace('/spec/replicas', 3), JsonPatch.add('/spec/paused', true));
    expect(text(fast)).toBe(text(plain));
    expect(fast.toJson().spec).toEqual({ paused: true, replicas: 3 });
  });

  test('with a Lazy or a class instance in its props (cdk8s resolves or refuses them)', () => {
    const lazy = both({ spec: { replicas: Lazy.any({ produce: () => 4 }) } });
    expect(text(lazy.fast)).toBe(text(lazy.plain));
    expect(lazy.fast.toJson().spec).toEqual({ replicas: 4 });

    class Odd { public readonly x = 1; }
    const odd = both({ spec: { odd: new Odd() } });
    expect(() => odd.plain.toJson()).toThrow(/non-simple object of type 'Odd'/);
    expect(() => odd.fast.toJson()).toThrow(/non-simple object of type 'Odd'/);
  });

  test('in an App with its own resolvers (they run)', () => {
    class Upper implements IResolver {
      public resolve(context: ResolutionContext): void {
        if (typeof context.value === 'string' && context.value.startsWith('upper:')) context.replaceValue(context.value.slice(6).toUpperCase());
      }
    }
    const { plain, fast } = both({ spec: { greeting: 'upper:hello' } }, new App({ outdir: 'unused', resolvers: [new Upper()] }));
    expect(text(fast)).toBe(text(plain));
    expect(fast.toJson().spec).toEqual({ greeting: 'HELLO' });
  });
});

describe('JSON patches of an object with typed props apply to the object as it renders', () => {
  const chart = () => new Chart(new App({ outdir: 'unused' }), 'chart', { namespace: 'team-a', disableResourceNameHashes: true });
  const service = { metadata: { name: 's' }, spec: { ports: [{ port: 80 }], selector: { app: 's' } } };

  test('in the API\'s field names, with fields the typings do not know kept, so that the schema guardrail sees them', () => {
    const ours = kube(k8s.KubeService, chart(), 'ours', service);
    const l1 = new k8s.KubeService(chart(), 'l1', service);
    for (const o of [ours, l1]) {
      o.addJsonPatch(JsonPatch.add('/spec/clusterIP', 'None'), JsonPatch.add('/spec/sessionAfinity', 'ClientIP'), JsonPatch.replace('/spec/ports/0/port', 8080));
    }
    // The L1 class drops both: clusterIP is clusterIp in its typings, sessionAfinity is misspelt.
    expect(l1.toJson().spec).toEqual({ ports: [{ port: 8080 }], selector: { app: 's' } });
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

  test('an untyped KubeObject keeps cdk8s\'s own patching', () => {
    const plain = new ApiObject(chart(), 'plain', { apiVersion: 'v1', kind: 'Service', ...service } as never);
    const ours = new KubeObject(chart(), 'plain', { apiVersion: 'v1', kind: 'Service', ...service } as never);
    for (const o of [plain, ours]) o.addJsonPatch(JsonPatch.add('/spec/clusterIP', 'None'));
    expect(JSON.stringify(ours.toJson())).toBe(JSON.stringify(plain.toJson()));
  });
});

describe('kube() renders exactly what the cdk8s-plus-27 class renders', () => {
  /** Declares `props` both ways in one chart and compares the JSON text. */
  function compare<P>(type: (new (scope: Chart, id: string, props: P) => ApiObject) & KubeType<P>, props: P): Record<string, any> {
    const chart = new Chart(new App({ outdir: 'unused' }), 'chart', { namespace: 'team-a', disableResourceNameHashes: true });
    const typed = new type(chart, 'typed', props);
    const ours = kube(type, chart, 'ours', props);
    expect(JSON.stringify(ours.toJson())).toBe(JSON.stringify(typed.toJson()));
    return ours.toJson();
  }

  afterEach(() => jest.restoreAllMocks());

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

  test('a Deployment with a full pod template, in field order, without the generated converter', () => {
    const converter = jest.spyOn(k8s.KubeDeployment, 'manifest');
    compare(k8s.KubeDeployment, {
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
    expect(converter).not.toHaveBeenCalled();
  });

  test('a field whose TypeScript name is not the API\'s goes through the generated converter', () => {
    const converter = jest.spyOn(k8s.KubeService, 'manifest');
    const service = compare(k8s.KubeService, {
      metadata: { name: 'db' },
      spec: { clusterIp: 'None', selector: { app: 'db' }, ports: [{ port: 5432, targetPort: k8s.IntOrString.fromNumber(5432) }] },
    });
    expect(service.spec.clusterIP).toBe('None');
    expect(service.spec).not.toHaveProperty('clusterIp');
    expect(converter).toHaveBeenCalled();
  });

  test('RENAMED_FIELDS lists exactly the fields cdk8s-plus-27\'s converters rename', () => {
    const source = fs.readFileSync(require.resolve('cdk8s-plus-27/lib/imports/k8s.js'), 'utf8');
    const renamed = new Set<string>();
    for (const [, api, ts] of source.matchAll(/^\s+'([^']+)': .*?\bobj\.([A-Za-z0-9_]+)/gm)) {
      if (api !== ts) renamed.add(ts);
    }
    expect(renamed.size).toBeGreaterThan(20);
    expect([...RENAMED_FIELDS].sort()).toEqual([...renamed].sort());
  });

  test('renamed fields inside converters (downwardApi, clientIp) are the API\'s', () => {
    const pod = compare(k8s.KubePod, {
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c' }], volumes: [{ name: 'v', downwardApi: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }] },
    });
    expect(pod.spec.volumes[0]).toHaveProperty('downwardAPI');
    const service = compare(k8s.KubeService, { metadata: { name: 's' }, spec: { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIp: { timeoutSeconds: 60 } } } });
    expect(service.spec.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 60 } });
  });

  test('a Lazy anywhere, and nulls beside a renamed field, render as the class renders them', () => {
    const deployment = compare(k8s.KubeDeployment, {
      metadata: { name: 'web' },
      spec: { selector: {}, template: Lazy.any({ produce: () => ({ spec: { containers: [{ name: 'a' }] } }) }) as never },
    });
    expect(deployment.spec.template).toEqual({ spec: { containers: [{ name: 'a' }] } });
    compare(k8s.KubePod, { metadata: { name: 'p' }, spec: { containers: Lazy.any({ produce: () => [{ name: 'a' }] }) as never } });
    compare(k8s.KubeService, { metadata: { name: 's' }, spec: { clusterIp: 'None', selector: null as never, ports: [null as never] } });
  });

  test('reads the props when it renders, as the class does', () => {
    const chart = new Chart(new App({ outdir: 'unused' }), 'chart', { disableResourceNameHashes: true });
    const props = { metadata: { name: 'web' }, spec: { replicas: 1, selector: {}, template: { spec: { containers: [{ name: 'a' }] } } } };
    const ours = kube(k8s.KubeDeployment, chart, 'ours', props);
    props.spec.replicas = 3;
    props.spec.template.spec.containers.push({ name: 'b' });
    expect(ours.toJson().spec).toEqual({ replicas: 3, selector: {}, template: { spec: { containers: [{ name: 'a' }, { name: 'b' }] } } });
  });

  test('with CDK8S_DISABLE_SORT, keys keep their order, as cdk8s keeps them', () => {
    process.env.CDK8S_DISABLE_SORT = '1';
    try {
      const configMap = compare(k8s.KubeConfigMap, { metadata: { name: 'c' }, data: { b: '1', a: '2' } });
      expect(Object.keys(configMap.data)).toEqual(['b', 'a']);
      const { plain, fast } = both({ spec: { b: 1, a: 2 } });
      expect(text(fast)).toBe(text(plain));
    } finally {
      delete process.env.CDK8S_DISABLE_SORT;
    }
  });

  test('a subclass of a default resolver counts as another resolver', () => {
    class Upper extends LazyResolver {
      public resolve(context: ResolutionContext): void {
        if (context.value === 'up:x') context.replaceValue('X');
        else super.resolve(context);
      }
    }
    const app = new App({ outdir: 'unused', resolvers: [new Upper(), new ImplicitTokenResolver(), new NumberStringUnionResolver()] });
    const { plain, fast } = both({ spec: { v: 'up:x' } }, app);
    expect(fast.toJson().spec).toEqual({ v: 'X' });
    expect(text(fast)).toBe(text(plain));
  });
});

/** What a call returned, or the error it threw (the construct path of `both()`'s fast copy spelled as the plain one's). */
function outcome(fn: () => unknown): { readonly returned: string } | { readonly threw: string } {
  try {
    return { returned: JSON.stringify(fn()) };
  } catch (e) {
    return { threw: (e as Error).message.replace("at path 'fast/", "at path 'plain/") };
  }
}
