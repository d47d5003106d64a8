import { createHash } from 'crypto';
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import { SCHEMA_FORMATS } from './schema-formats';
import { SCHEMA_INDEX_FILE, SchemaIndex } from './schema-index';

/** One kind's precompiled check: true when the object is valid. */
export type ValidityCheck = (data: unknown) => boolean;

/** Precompiled checks keyed by kind (`apps/v1/Deployment`). */
export type PrecompiledValidators = Readonly<Record<string, ValidityCheck>>;

/** The module of precompiled checks in a schema directory, generated with the schemas by scripts/generate-schemas.ts. */
export const VALIDATORS_FILE = 'validators.cjs';

/** What the generated module exports. */
export interface ValidatorsModule {
  /** {@link schemasDigest} of the schemas it was generated from. */
  readonly schemasDigest: string;
  /**
   * The checks, given the formats ({@link SCHEMA_FORMATS}) that the generated code names, and a
   * require for ajv's runtime helpers (resolved from the engine, wherever the schema directory is).
   */
  load(formats: typeof SCHEMA_FORMATS, require: NodeJS.Require): Record<string, unknown>;
}

/**
 * The precompiled validity checks of a schema directory (its
 * {@link VALIDATORS_FILE}: ajv's standalone code for every kind, generated
 * with the schemas), or undefined when it has none. They only say valid or
 * not, stopping at the first error: a valid object, nearly every object,
 * costs one call; the validator compiled at run time explains an invalid
 * one. Loading them instead of compiling the schemas at run time saves
 * about half a second of every synth of the example (docs/performance.md).
 *
 * Throws when the module was generated from other schemas than the
 * directory holds, or lacks a kind: stale checks would pass what the
 * schemas refuse.
 */
export function precompiledValidators(schemaDir: string, index: SchemaIndex): PrecompiledValidators | undefined {
  const file = path.join(path.resolve(schemaDir), VALIDATORS_FILE);
  if (!fs.existsSync(file)) return undefined;
  const regenerate = `regenerate it: npx tsx scripts/generate-schemas.ts --validators ${path.relative(process.cwd(), path.dirname(file)) || '.'}`;
  // A generated module, found beside the schemas at run time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const generated = require(file) as Partial<ValidatorsModule>;
  if (generated.schemasDigest !== schemasDigest(schemaDir, index) || typeof generated.load !== 'function') {
    throw new Error(`${file} was generated from other schemas than the ones beside it; ${regenerate}`);
  }
  const checks = generated.load(SCHEMA_FORMATS, createRequire(__filename));
  const missing = Object.keys(index.kinds).filter((kind) => typeof checks[kind] !== 'function');
  if (missing.length > 0) throw new Error(`${file} has no check for ${missing.join(', ')}; ${regenerate}`);
  return checks as PrecompiledValidators;
}

/** SHA-256 of the index and every schema document it names, as read from `schemaDir`. */
export function schemasDigest(schemaDir: string, index: SchemaIndex): string {
  const hash = createHash('sha256');
  for (const name of [SCHEMA_INDEX_FILE, ...Object.keys(index.files).sort()]) {
    hash.update(name).update('\0').update(fs.readFileSync(path.join(schemaDir, name))).update('\0');
  }
  return hash.digest('hex');
}
