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

/** Bump when the generated module's shape changes: every cached module is rebuilt. */
const FORMAT = 2;

/**
 * The sources whose text is part of the key, besides the schemas: this
 * generator, the formats, and the run-time validator (whose options and
 * keywords the checks must match). An edit to any of them builds new checks.
 */
const VALIDATOR_SOURCES = ['schema-cache', 'schema-formats', 'schema'];

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
 * same bytes; modules unused for a week are pruned. A module that fails to
 * load is rebuilt. Throws when the cache cannot be written (a read-only
 * `node_modules`): building would cost more than the run-time validator's
 * lazy compile, which the caller then uses alone.
 *
 * The module runs as code and decides what passes validation: the cache
 * directory must be as trusted as `node_modules` itself.
 */
export function precompiledValidators(schemaDir: string, cacheDir: string): PrecompiledValidators {
  const { key, files } = cacheKey(schemaDir);
  const file = path.join(path.resolve(cacheDir), `${PREFIX}${key}.cjs`);
  const known = LOADED.get(file);
  if (known) return known;
  const loaded = load(file, files.index);
  if (loaded) {
    LOADED.set(file, loaded);
    return loaded;
  }
  // Building costs more than compiling lazily at run time: only worth it when the result can be kept.
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.accessSync(path.dirname(file), fs.constants.W_OK);
  const { code, validators } = build(schemaDir, files);
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, file);
    prune(path.dirname(file), file);
  } catch {
    fs.rmSync(tmp, { force: true }); // not cached: this run uses the checks it compiled
  }
  return validators;
}

const PREFIX = 'schema-validators-';
/** Modules loaded by this process, by file: one set of functions however many validators ask. */
const LOADED = new Map<string, PrecompiledValidators>();
/** Other checks' modules (older schemas, another checkout) and abandoned temporary files are deleted after this long unused. */
const PRUNE_AFTER_MS = 7 * 24 * 3600 * 1000;

/** Deletes this cache's modules and temporary files, other than `keep`, not modified for {@link PRUNE_AFTER_MS}. */
function prune(dir: string, keep: string): void {
  const old = Date.now() - PRUNE_AFTER_MS;
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (!name.startsWith(PREFIX) || file === keep) continue;
    try {
      if (fs.statSync(file).mtimeMs < old) fs.rmSync(file, { force: true });
    } catch {
      // gone already
    }
  }
}

/** The cache directory scripts/run.cjs uses for its bundles (`PLATFORM_RUN_CACHE` moves it). */
export function defaultCacheDir(projectRoot: string): string {
  const moved = process.env.PLATFORM_RUN_CACHE;
  return moved ? path.resolve(moved) : path.join(projectRoot, 'node_modules', '.cache', 'platform-definition');
}

interface SchemaFiles {
  readonly index: SchemaIndex;
  /** Schema documents by file name, as read. */
  readonly documents: ReadonlyMap<string, string>;
}

function cacheKey(schemaDir: string): { key: string; files: SchemaFiles } {
  const hash = createHash('sha256').update(`${FORMAT}\0${AJV_VERSION}\0${formatsSource()}\0`);
  for (const name of VALIDATOR_SOURCES) hash.update(sourceText(name)).update('\0');
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

/**
 * A module's source text (`.ts` beside this one, as scripts/run.cjs and the
 * tests run it; else the compiled `.js`), or its name when neither is there.
 */
function sourceText(name: string): string {
  for (const ext of ['.ts', '.js']) {
    const file = path.join(__dirname, `${name}${ext}`);
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
  }
  return name;
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
