import { ApiObject, ApiObjectMetadataDefinition, ApiObjectProps, App, ImplicitTokenResolver, JsonPatch, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from './imports';

/**
 * A cdk8s ApiObject that renders faster than cdk8s does, to the same JSON.
 *
 * cdk8s's `ApiObject.toJson()` resolves every value of every object with
 * three resolvers (allocating a key path and a context per value), then
 * copies the result again to sort its keys; cdk8s-plus-27's L1 classes then
 * copy it once more, field by field, into the API's JSON. For props that are
 * plain JSON (and `IntOrString` or `Quantity` values, for typed props) under
 * cdk8s's default resolvers, the walk is the identity and the conversion
 * only unwraps those values: one pass that unwraps, sorts keys and drops
 * null and undefined gives the same object.
 *
 * Everything else takes exactly the path cdk8s (and, for typed props, the L1
 * class) takes: an untyped object with JSON patches; props that hold any other class
 * instance (a `Lazy`, a `Date`) or a field whose TypeScript name is not the
 * API's ({@link RENAMED_FIELDS}); an App with other resolvers; and
 * `CDK8S_DISABLE_SORT` set. Props are read when the object is rendered, as
 * cdk8s reads them. Metadata is read from cdk8s's metadata definition when the
 * object is rendered ({@link metadataJson}), so labels and annotations that an
 * escape hatch adds are kept.
 *
 * JSON patches of an object with typed props (what an escape hatch adds with
 * `addJsonPatch()`) apply to the object as it renders, in the API's field
 * names. cdk8s-plus-27's L1 classes apply them to the typed props before their
 * converter, which silently drops whatever the converter does not know: a
 * misspelt field (which the schema guardrail would have refused), a field
 * newer than the typings, or a field spelt the API's way where the typings
 * differ (`clusterIP`). Here what the patch says is what renders, and is
 * checked; a field a patch adds comes last in its object.
 *
 * Known differences, both on input our renderer does not produce, and both
 * for typed props only: a metadata field the API does not have
 * (`metadata.add('foo', ...)`) is kept (the L1 converter drops it; the schema
 * guardrail refuses it by name), and an `IntOrString` inside an untyped
 * (`any`) field renders as its value (the L1 class writes `{ value }`).
 */
export class KubeObject extends ApiObject {
  private readonly body: ApiObjectProps;
  private readonly typed?: KubeType<unknown>;
  private patched = false;
  /** JSON patches of an object with typed props, applied to its API JSON (see the class comment). */
  private readonly apiPatches: JsonPatch[] = [];

  /**
   * @param props the object: Kubernetes JSON, or with `typed`, cdk8s-plus-27's typed props (with apiVersion and kind)
   * @param typed the cdk8s-plus-27 L1 class whose typed props `props` holds
   */
  constructor(scope: Construct, id: string, props: ApiObjectProps, typed?: KubeType<any>) {
    super(scope, id, props);
    this.body = props;
    this.typed = typed;
  }

  public addJsonPatch(...ops: JsonPatch[]): void {
    if (this.typed) {
      this.apiPatches.push(...ops);
      return;
    }
    this.patched = true;
    super.addJsonPatch(...ops);
  }

  public toJson(): any {
    const json = this.unpatchedJson();
    if (this.apiPatches.length === 0) return json;
    try {
      const patched = JsonPatch.apply(json, ...this.apiPatches);
      // As cdk8s orders a patched object: apiVersion, kind and metadata first.
      const result: Record<string, unknown> = {};
      for (const key of ['apiVersion', 'kind', 'metadata', ...Object.keys(patched)]) if (key in patched) result[key] = patched[key];
      return result;
    } catch (err) {
      throw new Error(`Failed serializing construct at path '${this.node.path}' with name '${this.name}': ${err}`);
    }
  }

  /** The object before patches of typed props: cdk8s's JSON (with its own patches), converted by the L1 class when typed. */
  private unpatchedJson(): any {
    const fast = this.patched || process.env.CDK8S_DISABLE_SORT || !defaultResolvers(App.of(this)) ? NOT_PLAIN : this.fastJson();
    if (fast !== NOT_PLAIN) return fast;
    // cdk8s's own path, then for typed props the L1 class's conversion (what `KubeX.toJson()` does).
    const resolved = super.toJson();
    return this.typed ? this.typed.manifest(resolved) : resolved;
  }

  private fastJson(): unknown {
    const { metadata: _declared, ...rest } = this.body;
    const body = plainJson(rest, this.typed !== undefined) as Record<string, unknown> | typeof NOT_PLAIN;
    if (body === NOT_PLAIN) return NOT_PLAIN;
    const metadata = metadataJson(this.metadata);
    // cdk8s puts apiVersion, kind and metadata first, then the other keys, sorted.
    const result: Record<string, unknown> = {};
    if ('apiVersion' in body) result.apiVersion = body.apiVersion;
    if ('kind' in body) result.kind = body.kind;
    if (metadata !== undefined) result.metadata = metadata;
    for (const key of Object.keys(body)) {
      if (key !== 'apiVersion' && key !== 'kind') result[key] = body[key];
    }
    return result;
  }
}

/**
 * A Kubernetes object declared with cdk8s-plus-27's typed props (`k8s.KubeDeploymentProps`
 * and so on): `kube(k8s.KubeDeployment, scope, 'deployment', props)` renders
 * what `new k8s.KubeDeployment(scope, 'deployment', props)` renders, through
 * {@link KubeObject}.
 */
export function kube<P>(type: KubeType<P>, scope: Construct, id: string, props: NoInfer<P>): KubeObject {
  return new KubeObject(scope, id, { ...type.GVK, ...props } as ApiObjectProps, type);
}

/** A cdk8s-plus-27 L1 class, e.g. `k8s.KubeDeployment`. */
export interface KubeType<P> {
  readonly GVK: { readonly apiVersion: string; readonly kind: string };
  manifest(props?: P): any;
}

/**
 * TypeScript field names of cdk8s-plus-27 that differ from the Kubernetes
 * API's (its generated converters rename them). Checked against
 * `cdk8s-plus-27/lib/imports/k8s.js` by a test.
 */
export const RENAMED_FIELDS: ReadonlySet<string> = new Set([
  'ref', 'schema', 'clientIp', 'clusterIp', 'datasetUuid', 'diskUri', 'downwardApi', 'externalId', 'hostIp', 'hostIpc', 'hostPid',
  'insecureSkipTlsVerify', 'loadBalancerIp', 'nodeId', 'nonResourceUrLs', 'openApiv3Schema', 'pdId', 'podCidr', 'podCidRs',
  'providerId', 'scaleIo', 'setHostnameAsFqdn', 'storagePolicyId', 'targetCpuUtilizationPercentage', 'targetWwNs', 'volumeId',
  'xKubernetesEmbeddedResource', 'xKubernetesIntOrString', 'xKubernetesListMapKeys', 'xKubernetesListType',
  'xKubernetesMapType', 'xKubernetesPreserveUnknownFields', 'xKubernetesValidations',
]);

/** Looked up once: `k8s` is a module namespace, whose members are getters. */
const { IntOrString, Quantity } = k8s;

/** Whether the App resolves with exactly cdk8s's three default resolvers (each the identity on plain JSON). */
function defaultResolvers(app: App): boolean {
  const r = app.resolvers;
  return r.length === 3
    && r[0].constructor === LazyResolver
    && r[1].constructor === ImplicitTokenResolver
    && r[2].constructor === NumberStringUnionResolver;
}

/** Returned by {@link plainJson} for a value outside plain JSON. */
const NOT_PLAIN: unique symbol = Symbol('not plain JSON');

/**
 * An array that one of cdk8s's default resolvers would replace instead of
 * walking: one with a `resolve` function (ImplicitTokenResolver), a string or
 * number `value` property (NumberStringUnionResolver), or its own
 * `constructor`. A plain object is walked only while its `constructor` is
 * `Object`, so one with an own `constructor` key is not plain either.
 */
function resolverActsOn(array: unknown[]): boolean {
  const a = array as unknown[] & { resolve?: unknown; value?: unknown };
  return typeof a.resolve === 'function' || typeof a.value === 'string' || typeof a.value === 'number'
    || Object.prototype.hasOwnProperty.call(a, 'constructor');
}

/**
 * `value` as cdk8s's `sanitizeValue(resolve(value))` gives it for plain JSON
 * (keys sorted, null and undefined members left out, array items kept in
 * place), or {@link NOT_PLAIN} when anything in it is not plain JSON. With
 * `typed` (cdk8s-plus-27's typed props), what the L1 class's conversion then
 * gives: `IntOrString` and `Quantity` values unwrapped, and {@link NOT_PLAIN}
 * for a field the conversion renames ({@link RENAMED_FIELDS}). With
 * `dropEmpty`, as cdk8s sanitizes metadata: empty arrays and empty objects are
 * left out too, and an array item that would be left out is {@link NOT_PLAIN}
 * (cdk8s leaves a hole there).
 */
function plainJson(value: unknown, typed: boolean, dropEmpty = false): unknown {
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
    if (resolverActsOn(value)) return NOT_PLAIN;
    if (dropEmpty && value.length === 0) return undefined;
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = plainJson(value[i], typed, dropEmpty);
      if (item === NOT_PLAIN || (dropEmpty && item === undefined)) return NOT_PLAIN;
      out[i] = item;
    }
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) {
    return typed && (value instanceof IntOrString || value instanceof Quantity) ? value.value : NOT_PLAIN;
  }
  if (Object.prototype.hasOwnProperty.call(value, 'constructor')) return NOT_PLAIN;
  const out: Record<string, unknown> = {};
  let empty = true;
  for (const key of Object.keys(value).sort()) {
    if (typed && RENAMED_FIELDS.has(key)) return NOT_PLAIN;
    const member = plainJson((value as Record<string, unknown>)[key], typed, dropEmpty);
    if (member === NOT_PLAIN) return NOT_PLAIN;
    if (member !== undefined) {
      out[key] = member;
      empty = false;
    }
  }
  return dropEmpty && empty ? undefined : out;
}

/** The fields of cdk8s's `ApiObjectMetadataDefinition` that its `toJson()` reads (private in its typings). */
interface MetadataFields {
  readonly name?: unknown;
  readonly namespace?: unknown;
  readonly labels: Record<string, unknown>;
  readonly annotations: Record<string, unknown>;
  readonly finalizers: unknown[];
  readonly ownerReferences: unknown[];
  readonly _additionalAttributes: Record<string, unknown>;
}

/**
 * `metadata.toJson()`, without cdk8s's resolver walk when the metadata is
 * plain JSON. cdk8s resolves the metadata's fields (the declared ones, then
 * name, namespace, annotations, finalizers, owner references and labels as
 * they are now) and sanitizes them: keys sorted, null, undefined, empty
 * arrays and empty objects left out. Those fields are private in cdk8s's
 * typings, so they are checked to be what cdk8s 2.70 holds; if they are not
 * (another cdk8s), or any value is not plain JSON, or sanitizing would leave
 * a hole in an array, this is cdk8s's own `toJson()`. A test compares the
 * two on random metadata.
 */
export function metadataJson(metadata: ApiObjectMetadataDefinition): unknown {
  const m = metadata as unknown as Partial<MetadataFields>;
  if (!isRecord(m._additionalAttributes) || !isRecord(m.labels) || !isRecord(m.annotations)
    || !Array.isArray(m.finalizers) || !Array.isArray(m.ownerReferences)) {
    return metadata.toJson();
  }
  const fields = {
    ...m._additionalAttributes,
    name: m.name,
    namespace: m.namespace,
    annotations: m.annotations,
    finalizers: m.finalizers,
    ownerReferences: m.ownerReferences,
    labels: m.labels,
  };
  const plain = plainJson(fields, false, true);
  return plain === NOT_PLAIN ? metadata.toJson() : plain;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}
