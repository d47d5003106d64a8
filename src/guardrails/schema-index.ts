/*
 * The contract between scripts/generate-schemas.ts, which writes schemas/,
 * and the SchemaValidator, which reads it.
 */

/** The index the validator reads first, in the schema directory. */
export const SCHEMA_INDEX_FILE = 'index.json';

/** `apiVersion/kind`, e.g. `apps/v1/Deployment`, `v1/ConfigMap`, `external-secrets.io/v1/ExternalSecret`. */
export type KindKey = string;

/** Where one kind's schema is: a document in the schema directory and a JSON pointer in it. */
export interface KindEntry {
  /** File name of the document, which is also its `$id`. */
  readonly file: string;
  /** JSON pointer fragment, e.g. `#/$defs/io.k8s.api.apps.v1.Deployment`. */
  readonly ref: string;
}

/** One schema document of the directory. */
export interface SchemaFileEntry {
  /** Upstream files it was generated from (names only). */
  readonly sources: readonly string[];
  /** Other documents of the directory its `$ref`s point into; load them first. */
  readonly references: readonly string[];
}

/** `schemas/index.json`. */
export interface SchemaIndex {
  /** Every kind with a schema. */
  readonly kinds: Readonly<Record<KindKey, KindEntry>>;
  /** Versions a CRD defines but does not serve, e.g. `external-secrets.io/v1beta1/ExternalSecret`. */
  readonly notServed: readonly KindKey[];
  /** Every schema document, keyed by file name. */
  readonly files: Readonly<Record<string, SchemaFileEntry>>;
}

/**
 * What the API server accepts as a resource quantity (`500m`, `128Mi`, `1e3`):
 * the pattern controller-gen writes into CRDs for `resource.Quantity`. The
 * built-in OpenAPI only says "string or number"; the generator adds it there.
 */
export const QUANTITY_PATTERN = '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';
