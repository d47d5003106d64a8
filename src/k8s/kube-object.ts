import { ApiObject, ApiObjectProps, App, ImplicitTokenResolver, JsonPatch, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import { Construct } from 'constructs';

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
 * and so on): `kube(k8s.KubeDeployment, scope, 'deployment', props)` is
 * `new k8s.KubeDeployment(scope, 'deployment', props)` with the JSON computed
 * once, when it is declared (`KubeDeployment.manifest(props)`), and rendered by {@link KubeObject}.
 */
export function kube<P>(type: { manifest(props?: P): any }, scope: Construct, id: string, props: NoInfer<P>): KubeObject {
  return new KubeObject(scope, id, type.manifest(props));
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
