import { ApiObject, ApiObjectProps, App, ImplicitTokenResolver, JsonPatch, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from './imports';

/**
 * A cdk8s ApiObject whose props are Kubernetes JSON already: strings,
 * numbers, booleans, plain objects and arrays, as `k8s.Kube*.manifest()`
 * returns them or as our custom resources write them.
 *
 * Its `toJson()` is cdk8s's `ApiObject.toJson()`, without the resolver walk
 * where that walk can change nothing. cdk8s resolves every value of every
 * object with three resolvers (allocating a key path and a context per
 * value), then copies the result again to sort its keys: about half of the
 * Kubernetes render at 1,000 apps. For plain JSON under cdk8s's default
 * resolvers that walk is the identity, so one pass that sorts keys and drops
 * null and undefined values gives the same object.
 *
 * Everything else takes cdk8s's own path: an object with JSON patches, one
 * whose props hold anything but plain JSON (a `Lazy`, an `IntOrString`, any
 * class instance), or one in an App with other resolvers. Metadata always
 * comes from cdk8s (`metadata.toJson()`), so labels and annotations that an
 * escape hatch adds with `metadata.addLabel()` are kept.
 */
export class KubeObject extends ApiObject {
  private readonly body: ApiObjectProps;
  private patched = false;

  constructor(scope: Construct, id: string, props: ApiObjectProps) {
    super(scope, id, props);
    this.body = props;
  }

  public addJsonPatch(...ops: JsonPatch[]): void {
    this.patched = true;
    super.addJsonPatch(...ops);
  }

  public toJson(): any {
    if (this.patched || !defaultResolvers(App.of(this))) return super.toJson();
    const json = plainJson({ ...this.body, metadata: this.metadata.toJson() });
    if (json === NOT_PLAIN) return super.toJson();
    // cdk8s puts apiVersion, kind and metadata first, then the other keys, sorted.
    const result: Record<string, unknown> = {};
    for (const key of ['apiVersion', 'kind', 'metadata', ...Object.keys(json as object)]) {
      if (key in (json as object)) result[key] = (json as Record<string, unknown>)[key];
    }
    return result;
  }
}

/**
 * A Kubernetes object declared with cdk8s-plus-27's typed props (`k8s.KubeDeploymentProps`
 * and so on): `kube(k8s.KubeDeployment, scope, 'deployment', props)` renders
 * what `new k8s.KubeDeployment(scope, 'deployment', props)` renders, through
 * {@link KubeObject}. The props become JSON once, when they are declared
 * ({@link typedPropsJson}).
 */
export function kube<P>(type: KubeType<P>, scope: Construct, id: string, props: NoInfer<P>): KubeObject {
  return new KubeObject(scope, id, typedPropsJson(type, props));
}

/** A cdk8s-plus-27 L1 class, e.g. `k8s.KubeDeployment`. */
export interface KubeType<P> {
  readonly GVK: { readonly apiVersion: string; readonly kind: string };
  manifest(props?: P): any;
}

/**
 * What `type.manifest(props)` returns, up to key order and undefined
 * members (which {@link KubeObject} sorts and drops): the props with
 * `IntOrString` and `Quantity` values as their number or string. cdk8s-plus-27's generated converters copy the props
 * field by field (one object copy per field set, plus a copy per map entry);
 * for our objects that copying is most of what is left of the Kubernetes
 * render. Where a TypeScript field name is not the API's (`clusterIp` is
 * `clusterIP`, `ref` is `$ref`: {@link RENAMED_FIELDS}) the generated
 * converter is used, so the JSON is always the API's; so it is for any other
 * class instance (a `Date`). One difference is deliberate: a field the API
 * does not have is kept, where the converter drops it silently; the schema
 * guardrail then refuses it by name.
 */
export function typedPropsJson<P>(type: KubeType<P>, props: P): ApiObjectProps {
  const json = typedJson(props);
  if (json === USE_CONVERTER || json === null || typeof json !== 'object' || Array.isArray(json)) return type.manifest(props);
  return { ...type.GVK, ...(json as Record<string, unknown>) };
}

/**
 * TypeScript field names of cdk8s-plus-27 that differ from the Kubernetes
 * API's (its generated converters rename them). Checked against
 * `cdk8s-plus-27/lib/imports/k8s.js` by a test.
 */
export const RENAMED_FIELDS: ReadonlySet<string> = new Set([
  'ref', 'schema', 'clusterIp', 'datasetUuid', 'diskUri', 'externalId', 'hostIp', 'hostIpc', 'hostPid',
  'insecureSkipTlsVerify', 'loadBalancerIp', 'nodeId', 'nonResourceUrLs', 'pdId', 'podCidr', 'podCidRs',
  'providerId', 'setHostnameAsFqdn', 'storagePolicyId', 'targetCpuUtilizationPercentage', 'targetWwNs', 'volumeId',
  'xKubernetesEmbeddedResource', 'xKubernetesIntOrString', 'xKubernetesListMapKeys', 'xKubernetesListType',
  'xKubernetesMapType', 'xKubernetesPreserveUnknownFields', 'xKubernetesValidations',
]);

/** Looked up once: `k8s` is a module namespace, whose members are getters. */
const { IntOrString, Quantity } = k8s;

/** Returned by {@link typedJson} when the generated converter must do the work. */
const USE_CONVERTER: unique symbol = Symbol('use the generated converter');

function typedJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = typedJson(value[i]);
      if (item === USE_CONVERTER) return USE_CONVERTER;
      out[i] = item;
    }
    return out;
  }
  if (value instanceof IntOrString || value instanceof Quantity) return value.value;
  if (Object.getPrototypeOf(value) !== Object.prototype) return USE_CONVERTER;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (RENAMED_FIELDS.has(key)) return USE_CONVERTER;
    const member = typedJson((value as Record<string, unknown>)[key]);
    if (member === USE_CONVERTER) return USE_CONVERTER;
    out[key] = member;
  }
  return out;
}

const checkedApps = new WeakMap<App, boolean>();

/** Whether the App resolves with cdk8s's three default resolvers only (each the identity on plain JSON). */
function defaultResolvers(app: App): boolean {
  let known = checkedApps.get(app);
  if (known === undefined) {
    known = app.resolvers.length === 3
      && app.resolvers[0] instanceof LazyResolver
      && app.resolvers[1] instanceof ImplicitTokenResolver
      && app.resolvers[2] instanceof NumberStringUnionResolver;
    checkedApps.set(app, known);
  }
  return known;
}

/** Returned by {@link plainJson} for a value outside plain JSON. */
const NOT_PLAIN: unique symbol = Symbol('not plain JSON');

/**
 * `value` as cdk8s's `sanitizeValue(resolve(value))` gives it for plain JSON
 * (keys sorted, null and undefined members left out, array items kept in
 * place), or {@link NOT_PLAIN} when anything in it is not plain JSON.
 */
function plainJson(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      return NOT_PLAIN;
  }
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = plainJson(value[i]);
      if (item === NOT_PLAIN) return NOT_PLAIN;
      out[i] = item;
    }
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = plainJson((value as Record<string, unknown>)[key]);
    if (member === NOT_PLAIN) return NOT_PLAIN;
    if (member !== undefined) out[key] = member;
  }
  return out;
}
