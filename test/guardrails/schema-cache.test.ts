import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import * as m from './manifests';
import { syntheticPlatform } from '../../bench/synthetic';
import { SCHEMA_DIR, SchemaValidator } from '../../src/guardrails/schema';
import { PrecompiledValidators, defaultCacheDir, precompiledValidators } from '../../src/guardrails/schema-cache';
import { extensions, platform } from '../../src/platform';
import { renderPlatform } from '../../src/synth';

let cache: string;
let checks: PrecompiledValidators;
/** The validator compiled at run time only: what the precompiled checks must agree with. */
const runtime = new SchemaValidator({ cacheDir: false });

beforeAll(() => {
  cache = fs.mkdtempSync(path.join(os.tmpdir(), 'schema-cache-test-'));
  // The first call builds and writes the module (and answers with the checks it compiled); the second loads the
  // module: the generated code is what the agreement tests below hold to the run-time validator.
  const built = precompiledValidators(SCHEMA_DIR, cache);
  checks = precompiledValidators(SCHEMA_DIR, cache);
  expect(checks).not.toBe(built);
});
afterAll(() => fs.rmSync(cache, { recursive: true, force: true }));

const kindOf = (o: { apiVersion: string; kind: string }) => `${o.apiVersion}/${o.kind}`;
const valid = (manifest: Record<string, unknown>) => runtime.validate(manifest).length === 0;

/** Objects of every kind our renderer emits, plus the hand-written manifests of the schema tests. */
const samples: Array<Record<string, unknown>> = [
  ...renderPlatform({ platform, extensions, today: '2026-11-22' }).objects.map((o) => o.manifest as unknown as Record<string, unknown>),
  ...renderPlatform({ platform: syntheticPlatform(12), today: '2026-11-22' }).objects.map((o) => o.manifest as unknown as Record<string, unknown>),
  ...[m.deployment, m.service, m.ingress, m.hpa, m.pdb, m.networkPolicy, m.job, m.cronJob]
    .map((build) => build() as unknown as Record<string, unknown>),
  ...[m.externalSecret, m.secretStore, m.application, m.appProject, m.rollout].map((build) => build() as unknown as Record<string, unknown>),
];
/** One sample per kind. */
const byKind = [...new Map(samples.map((s) => [kindOf(s as never), s])).values()];

describe('precompiled validity checks', () => {
  test('cover every kind of the schema index, and agree with the run-time validator on every valid sample', () => {
    const index = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, 'index.json'), 'utf8')) as { kinds: Record<string, unknown> };
    expect(Object.keys(checks).sort()).toEqual(Object.keys(index.kinds).sort());
    expect(byKind.length).toBeGreaterThanOrEqual(15);
    for (const s of samples) {
      expect(valid(s)).toBe(true);
      expect(checks[kindOf(s as never)](s)).toBe(true);
    }
  });

  test('agree with the run-time validator on broken objects of every kind (wrong types, unknown fields, missing fields, bad formats)', () => {
    const replacement = fc.oneof(
      fc.constantFrom<unknown>(null, true, 0, -1, 2 ** 31, 1.5, '', 'x', '5', '1Gi', '2026-11-22', 'not-a-date', 'AAAA', '%%', [], [1], ['x'], {}, { bogus: 1 }),
      fc.string({ maxLength: 5 }),
      fc.integer(),
    );
    const change = fc.record({
      sample: fc.nat({ max: byKind.length - 1 }),
      at: fc.nat(),
      how: fc.constantFrom('replace', 'add-unknown', 'delete'),
      value: replacement,
    });
    fc.assert(fc.property(fc.array(change, { minLength: 1, maxLength: 3 }), (changes) => {
      const base = byKind[changes[0].sample];
      const broken = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
      for (const c of changes) mutate(broken, c.at, c.how, c.value);
      if (typeof broken.apiVersion !== 'string' || typeof broken.kind !== 'string') return;
      const check = checks[kindOf(broken as never)];
      if (!check) return;
      expect(check(broken)).toBe(valid(broken));
    }), { numRuns: 1500 });
  });

  test('agree on every field of one object per kind, set in turn to values formats and types refuse', () => {
    let refused = 0;
    for (const base of byKind) {
      const count = placesIn(base).length;
      for (let at = 0; at < count; at++) {
        for (const value of [2 ** 31, 1.5, -1, 'not-a-date', 'AAA', '', null, { bogus: 1 }]) {
          const broken = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
          mutate(broken, at, 'replace', value);
          const check = typeof broken.apiVersion === 'string' && typeof broken.kind === 'string' ? checks[kindOf(broken as never)] : undefined;
          if (!check) continue;
          const expected = valid(broken);
          if (!expected) refused++;
          expect([kindOf(base as never), at, value, check(broken)]).toEqual([kindOf(base as never), at, value, expected]);
        }
      }
    }
    expect(refused).toBeGreaterThan(500);
  });

  test('the schemas use only the keywords these agreement tests were written for (a new one needs new cases above)', () => {
    // Walked through every schema position. $ref siblings, oneOf/anyOf, nullable and the like would each deserve
    // their own agreement cases between the precompiled checks (plain $ref) and the run-time validator (lazy refs).
    const index = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, 'index.json'), 'utf8')) as { files: Record<string, unknown> };
    const seen = new Set<string>();
    const refSiblings = new Set<string>();
    const visit = (schema: unknown): void => {
      if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return;
      const node = schema as Record<string, unknown>;
      for (const k of Object.keys(node)) seen.add(k);
      if ('$ref' in node) for (const k of Object.keys(node)) if (k !== '$ref' && k !== '$comment') refSiblings.add(k);
      for (const k of ['properties', '$defs', 'definitions', 'patternProperties']) {
        if (node[k] && typeof node[k] === 'object') Object.values(node[k] as object).forEach(visit);
      }
      for (const k of ['additionalProperties', 'items', 'not', 'contains', 'propertyNames', 'if', 'then', 'else']) visit(node[k]);
      for (const k of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(node[k])) (node[k] as unknown[]).forEach(visit);
    };
    for (const f of Object.keys(index.files)) visit(JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, f), 'utf8')));
    expect([...seen].sort()).toEqual([
      '$comment', '$defs', '$id', '$ref', 'additionalProperties', 'enum', 'format', 'items', 'maxLength', 'maxProperties',
      'minItems', 'minLength', 'minProperties', 'minimum', 'pattern', 'properties', 'required', 'type',
    ]);
    expect([...refSiblings]).toEqual([]);
  });

  test('are cached: later calls load the module the first one wrote, once per process', () => {
    const files = fs.readdirSync(cache).filter((f) => /^schema-validators-[0-9a-f]{16}\.cjs$/.test(f));
    expect(files).toHaveLength(1);
    expect(fs.readFileSync(path.join(cache, files[0]), 'utf8')).toContain('precompiled validity checks');
    const before = fs.statSync(path.join(cache, files[0])).mtimeMs;
    const again = precompiledValidators(SCHEMA_DIR, cache);
    expect(again).toBe(checks);
    expect(fs.statSync(path.join(cache, files[0])).mtimeMs).toBe(before);
    expect(again['apps/v1/Deployment'](m.deployment())).toBe(true);
    expect(again['apps/v1/Deployment']({ ...m.deployment(), spec: { replicas: 'two' } })).toBe(false);
  });

  test('a cached module that does not load is rebuilt', () => {
    const [file] = fs.readdirSync(cache).filter((f) => f.endsWith('.cjs'));
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'schema-cache-broken-'));
    try {
      fs.writeFileSync(path.join(other, file), 'this is not JavaScript');
      expect(precompiledValidators(SCHEMA_DIR, other)['v1/Service'](m.service())).toBe(true);
      expect(fs.readFileSync(path.join(other, file), 'utf8')).toContain('precompiled validity checks');
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  test('an unwritable cache is not built (the run-time validator alone is cheaper): the validator still checks everything', () => {
    const [file] = fs.readdirSync(cache).filter((f) => f.endsWith('.cjs'));
    const notADirectory = path.join(cache, file, 'sub'); // under a file: cannot be created
    expect(() => precompiledValidators(SCHEMA_DIR, notADirectory)).toThrow();
    const validator = new SchemaValidator({ cacheDir: notADirectory });
    expect(validator.validate(m.service())).toEqual([]);
    expect(validator.validate({ ...m.service(), spec: { ports: 'none' } }).map((v) => v.path)).toEqual(['spec.ports']);
  });

  test('a relative PLATFORM_RUN_CACHE is taken from the current directory, as scripts/run.cjs takes it', () => {
    const saved = process.env.PLATFORM_RUN_CACHE;
    try {
      process.env.PLATFORM_RUN_CACHE = 'some/cache';
      expect(defaultCacheDir('/project')).toBe(path.resolve('some/cache'));
      delete process.env.PLATFORM_RUN_CACHE;
      expect(defaultCacheDir('/project')).toBe(path.join('/project', 'node_modules', '.cache', 'platform-definition'));
    } finally {
      if (saved === undefined) delete process.env.PLATFORM_RUN_CACHE;
      else process.env.PLATFORM_RUN_CACHE = saved;
    }
  });

  test('a changed schema builds another module, which checks the new schema', () => {
    const schemas = fs.mkdtempSync(path.join(os.tmpdir(), 'schema-cache-schemas-'));
    try {
      for (const f of fs.readdirSync(SCHEMA_DIR)) fs.copyFileSync(path.join(SCHEMA_DIR, f), path.join(schemas, f));
      const k8s = JSON.parse(fs.readFileSync(path.join(schemas, 'k8s-1.27.json'), 'utf8'));
      const serviceSpec = k8s.$defs['io.k8s.api.core.v1.ServiceSpec'];
      serviceSpec.required = [...(serviceSpec.required ?? []), 'clusterIP'];
      fs.writeFileSync(path.join(schemas, 'k8s-1.27.json'), JSON.stringify(k8s));
      const changed = precompiledValidators(schemas, cache);
      expect(fs.readdirSync(cache).filter((f) => f.endsWith('.cjs'))).toHaveLength(2);
      expect(changed['v1/Service'](m.service())).toBe(false);
      expect(checks['v1/Service'](m.service())).toBe(true);
      // And a validator of that directory explains it, through the run-time validator.
      expect(new SchemaValidator({ schemaDir: schemas, cacheDir: cache }).validate(m.service()).map((v) => v.message).join()).toContain('clusterIP');
    } finally {
      fs.rmSync(schemas, { recursive: true, force: true });
    }
  });
});

/** Every value of `root` (depth first), as its parent and key. */
function placesIn(root: unknown): Array<[Record<string, unknown> | unknown[], string | number]> {
  const places: Array<[Record<string, unknown> | unknown[], string | number]> = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      node.forEach((v, i) => { places.push([node, i]); walk(v); });
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        places.push([node as Record<string, unknown>, k]);
        walk(v);
      }
    }
  };
  walk(root);
  return places;
}

/** Changes the `at`-th value (depth first) of `root`: replaces it, adds an unknown field beside it, or deletes it. */
function mutate(root: Record<string, unknown>, at: number, how: string, value: unknown): void {
  const places = placesIn(root);
  if (places.length === 0) return;
  const [parent, key] = places[at % places.length];
  if (how === 'replace') (parent as Record<string | number, unknown>)[key] = value;
  else if (how === 'delete' && !Array.isArray(parent)) delete parent[key as string];
  else if (how === 'add-unknown' && !Array.isArray(parent)) parent.bogusField = value;
}
