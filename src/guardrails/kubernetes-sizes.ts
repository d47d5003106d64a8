/** Sizes: an object, and a ConfigMap's or Secret's data, must fit in what the API server stores. */
import type { Finding, Rule } from './types';

/**
 * The largest object the API server can store: it writes each object in one
 * etcd request, and etcd refuses requests over its `--max-request-bytes`,
 * 1.5 MiB by default ("etcdserver: request is too large"): go.etcd.io/etcd/
 * server/v3@v3.6.4 embed/config.go `DefaultMaxRequestBytes = 1.5 * 1024 * 1024`.
 * The API server accepts JSON bodies up to twice that (k8s.io/apiserver@v0.34.4
 * pkg/server/config.go `MaxRequestBodyBytes`, "converted to proto when
 * persisted in etcd"); we measure compact JSON, which is never smaller than
 * the stored protobuf of a built-in kind and equals the JSON stored for a
 * custom resource, before the server's own fields (managedFields) are added.
 */
const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;
/**
 * ConfigMap and Secret data: k8s.io/kubernetes@v1.34.4 pkg/apis/core/types.go
 * `MaxSecretSize = 1 * 1024 * 1024`, applied by validation/validation.go's
 * ValidateConfigMap (the bytes of data and binaryData values) and
 * ValidateSecret (the bytes of data values; stringData is merged into data first).
 */
const MAX_DATA_BYTES = 1024 * 1024;

/** e.g. `5,242,912 bytes (5.00 MiB)`. */
function bytes(n: number): string {
  return `${n.toLocaleString('en-US')} bytes (${(n / 1024 / 1024).toFixed(2)} MiB)`;
}

/** The bytes ValidateConfigMap or ValidateSecret count (see {@link MAX_DATA_BYTES}). */
function dataBytes(manifest: Record<string, unknown>): number {
  const values = (field: string) => Object.entries((manifest[field] ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === 'string') as [string, string][];
  const decoded = (v: string) => Buffer.from(v, 'base64').length;
  if (manifest.kind === 'ConfigMap') {
    return values('data').reduce((n, [, v]) => n + Buffer.byteLength(v), 0) + values('binaryData').reduce((n, [, v]) => n + decoded(v), 0);
  }
  const stringData = new Map(values('stringData'));
  return values('data').filter(([k]) => !stringData.has(k)).reduce((n, [, v]) => n + decoded(v), 0)
    + [...stringData.values()].reduce((n, v) => n + Buffer.byteLength(v), 0);
}

export const objectSizeLimit: Rule = {
  id: 'object-size-limit',
  severity: 'error',
  scope: 'all',
  summary: 'an object must fit in one etcd request (1.5 MiB as JSON), and a ConfigMap\'s or Secret\'s data in 1 MiB',
  rationale: 'the API server refuses a larger object (etcd\'s request limit) or larger ConfigMap or Secret data (validation): the sync fails in the cluster, after the merge',
  fix: 'keep large data out of objects: ship it in the image or fetch it at start-up, split a large ConfigMap, and keep environment variables small',
  equivalents: ['kube-linter: (none)', 'Polaris: (none)', 'Kyverno: (none; the API server refuses the object)'],
  check(object) {
    const out: Finding[] = [];
    const size = Buffer.byteLength(JSON.stringify(object.manifest));
    if (size > MAX_OBJECT_BYTES) {
      out.push({ path: '', value: size, message: `is ${bytes(size)} as JSON, over the API server's limit of ${bytes(MAX_OBJECT_BYTES)} per object (etcd's request limit)` });
    }
    if (object.manifest.kind === 'ConfigMap' || object.manifest.kind === 'Secret') {
      const data = dataBytes(object.manifest);
      if (data > MAX_DATA_BYTES) {
        out.push({ path: 'data', value: data, message: `holds ${bytes(data)} of data, over the API server's limit of ${bytes(MAX_DATA_BYTES)} for a ${object.manifest.kind}` });
      }
    }
    return out;
  },
};
