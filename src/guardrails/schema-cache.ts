import { createHash } from 'crypto';
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import Ajv, { _ } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { version as AJV_VERSION } from 'ajv/package.json';
import { SCHEMA_FORMATS, formatsSource } from './schema-formats';
import { SCHEMA_INDEX_FILE, SchemaIndex } from './schema-index';

/** One kind's precompiled check: true when the object is valid. */
export type ValidityCheck = (data: unknown) => boolean;

/** Precompiled checks keyed by kind (`apps/v1/Deployment`). */
export type PrecompiledValidators = Readonly<Record<string, ValidityCheck>>;

/** Bump when the generated module's shape or the options below change: every cached module is rebuilt. */
const FORMAT = 1;

/**
 * Validity checks for every kind in a schema directory, compiled once and
 * kept as generated JavaScript in `cacheDir`, so that a synth does not
 * compile schemas at all (about a quarter of a second per run, at any
 * size: the example's synth spends about as long compiling schemas as
 * rendering).
 *
 * They only say valid or not (ajv, the same schemas and formats, stopping at
 * the first error): a valid object, nearly every object, costs one call; an
 * invalid one is checked again by the validator compiled at run time, which
 * explains every error. The module is named by a digest of everything it is
 * built from (the schema files, ajv's version, the formats' source, this
 * format), so a changed schema or an upgraded ajv builds a new one. Built
 * the first time a synth validates after such a change (about 0.7 s once)
 * and written atomically; concurrent builds (test workers) each write the
 * same bytes. A module that fails to load is rebuilt. When the cache cannot
 * be written (a read-only `node_modules`), the checks compiled in memory
 * are used for this run.
 */
export function precompiledValidators(schemaDir: string, cacheDir: string): PrecompiledValidators {
  const { key, files } = cacheKey(schemaDir);
  const file = path.join(cacheDir, `schema-validators-${key}.cjs`);
  const loaded = load(file, files.index);
  if (loaded) return loaded;
  const { code, validators } = build(schemaDir, files);
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, file);
  } catch {
    // Not cached: this run uses the checks it compiled.
  }
  return validators;
}

/** The cache directory scripts/run.cjs uses for its bundles (`PLATFORM_RUN_CACHE` moves it). */
export function defaultCacheDir(projectRoot: string): string {
  return process.env.PLATFORM_RUN_CACHE ?? path.join(projectRoot, 'node_modules', '.cache', 'platform-definition');
}

interface SchemaFiles {
  readonly index: SchemaIndex;
  /** Schema documents by file name, as read. */
  readonly documents: ReadonlyMap<string, string>;
}

function cacheKey(schemaDir: string): { key: string; files: SchemaFiles } {
  const hash = createHash('sha256').update(`${FORMAT}\0${AJV_VERSION}\0${formatsSource()}\0`);
  const indexText = fs.readFileSync(path.join(schemaDir, SCHEMA_INDEX_FILE), 'utf8');
  hash.update(indexText).update('\0');
  const index = JSON.parse(indexText) as SchemaIndex;
  const documents = new Map<string, string>();
  for (const name of Object.keys(index.files).sort()) {
    const text = fs.readFileSync(path.join(schemaDir, name), 'utf8');
    documents.set(name, text);
    hash.update(name).update('\0').update(text).update('\0');
  }
  return { key: hash.digest('hex').slice(0, 16), files: { index, documents } };
}

/** The cached module's checks, or undefined when it is missing, does not load, or lacks a kind. */
function load(file: string, index: SchemaIndex): PrecompiledValidators | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    // A generated module at a path known only at run time (the bundle resolves nothing here).
    const factory = createRequire(file)(file) as (formats: unknown, req: NodeJS.Require) => Record<string, unknown>;
    const validators = factory(SCHEMA_FORMATS, createRequire(require.resolve('ajv/package.json')));
    return Object.keys(index.kinds).every((kind) => typeof validators[kind] === 'function') ? validators as PrecompiledValidators : undefined;
  } catch {
    return undefined;
  }
}

/** Compiles every kind with ajv and generates the module that holds the checks. */
function build(schemaDir: string, files: SchemaFiles): { code: string; validators: PrecompiledValidators } {
  const ajv = new Ajv({
    allErrors: false,
    strict: false,
    logger: false,
    inlineRefs: false,
    code: { source: true, optimize: false, formats: _`formats` },
  });
  for (const [name, format] of Object.entries(SCHEMA_FORMATS)) ajv.addFormat(name, format);
  for (const [name, text] of files.documents) {
    const doc = JSON.parse(text) as { $id?: string };
    if (doc?.$id !== name) throw new Error(`${path.join(schemaDir, name)}: $id must be "${name}"; regenerate schemas/ with scripts/generate-schemas.ts`);
    ajv.addSchema(doc);
  }
  const refs: Record<string, string> = {};
  const validators: Record<string, ValidityCheck> = {};
  for (const [kind, entry] of Object.entries(files.index.kinds)) {
    refs[kind] = `${entry.file}${entry.ref}`;
    const validate = ajv.getSchema(refs[kind]);
    if (!validate) throw new Error(`${path.join(schemaDir, entry.file)} has no schema at ${entry.ref} for ${kind}; regenerate schemas/ with scripts/generate-schemas.ts`);
    validators[kind] = (data) => validate(data) as boolean;
  }
  // ajv's standalone module assigns module.exports and requires its runtime helpers: it runs inside a
  // factory that is given the formats and a require that resolves from ajv.
  const code = [
    '// Generated by src/guardrails/schema-cache.ts from schemas/: precompiled validity checks. Safe to delete.',
    '"use strict";',
    'module.exports = function load(formats, require) {',
    'const module = { exports: {} };',
    'const exports = module.exports;',
    standaloneCode(ajv, refs),
    'return module.exports;',
    '};',
    '',
  ].join('\n');
  return { code, validators };
}
