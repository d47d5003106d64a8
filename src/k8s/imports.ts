/**
 * The typed Kubernetes 1.27 API objects (L1) of cdk8s-plus-27: the only part
 * of cdk8s-plus-27 the renderer uses. Imported from their own module rather
 * than the package root, which also loads every high-level (L2) construct:
 * that costs 30-60 ms of start-up on every synth for classes we never use.
 * The classes are the same (Node caches the module): `k8s` from
 * 'cdk8s-plus-27' and from here are one and the same.
 */
export * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
