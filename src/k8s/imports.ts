/**
 * The typed Kubernetes 1.27 API objects (L1) of cdk8s-plus-27: the only part
 * of cdk8s-plus-27 the renderer uses, from the package's root (its module
 * path, lib/imports/k8s, is not its API; the root also loads the high-level
 * constructs, about 90 ms of start-up under tsx).
 */
export { k8s } from 'cdk8s-plus-27';
