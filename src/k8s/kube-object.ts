import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/** A cdk8s-plus-27 L1 class, e.g. `k8s.KubeDeployment`: its public static `manifest(props)` converts typed props to the API's JSON. */
export interface KubeType<P> {
  manifest(props: P): any;
}

/**
 * A Kubernetes object declared with cdk8s-plus-27's typed props:
 * `kube(k8s.KubeDeployment, scope, 'deployment', props)` is a cdk8s
 * `ApiObject` holding `k8s.KubeDeployment.manifest(props)`, the L1 class's
 * own conversion to the API's field names. It renders what
 * `new k8s.KubeDeployment(scope, 'deployment', props)` renders (the
 * committed dist/ proves it), with one difference on purpose: a JSON patch
 * an escape hatch adds applies to the API's JSON, so what it says is what
 * renders and is checked. The L1 class applies patches to its typed props
 * and then converts them, silently dropping a field its typings do not
 * know (`/spec/clusterIP`, which the typings call `clusterIp`, or a misspelt one).
 * The props are converted when declared, so they are plain values (no `Lazy`).
 */
export function kube<P>(type: KubeType<P>, scope: Construct, id: string, props: NoInfer<P>): ApiObject {
  return new ApiObject(scope, id, type.manifest(props));
}

/**
 * An object without typed props (a custom resource): cdk8s's `ApiObject` itself.
 * @deprecated use `ApiObject` from cdk8s; kept while renderers still name it.
 */
export const KubeObject = ApiObject;
/** @deprecated use `ApiObject` from cdk8s. */
export type KubeObject = ApiObject;
