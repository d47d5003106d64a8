import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import * as m from './manifests';
import { syntheticPlatform } from '../../bench/synthetic';
import { validatorsModule } from '../../scripts/generate-schemas';
import { SCHEMA_DIR, SchemaValidator } from '../../src/guardrails/schema';
import { SchemaIndex } from '../../src/guardrails/schema-index';
import { VALIDATORS_FILE, precompiledValidators } from '../../src/guardrails/schema-validators';
import { extensions, platform } from '../../src/platform';
import { renderPlatform } from '../../src/synth';

const index = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, 'index.json'), 'utf8')) as SchemaIndex;
/** The committed checks (schemas/validators.cjs): what the agreement tests below hold to the run-time validator. */
const checks = precompiledValidators(SCHEMA_DIR, index)!;
/** The validator compiled at run time only. */
const runtime = new SchemaValidator({ precompiled: false });

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

});

describe('the committed precompiled checks (schemas/validators.cjs)', () => {
  test('are what scripts/generate-schemas.ts generates from the committed schemas (else: npx tsx scripts/generate-schemas.ts --validators schemas)', () => {
    expect(validatorsModule(SCHEMA_DIR) === fs.readFileSync(path.join(SCHEMA_DIR, VALIDATORS_FILE), 'utf8')).toBe(true);
  });

  test('are used by the validator of the committed schemas, and say valid or not in one call', () => {
    expect(checks['apps/v1/Deployment'](m.deployment())).toBe(true);
    expect(checks['apps/v1/Deployment']({ ...m.deployment(), spec: { replicas: 'two' } })).toBe(false);
  });

  describe('in a copy of the schema directory', () => {
    let copy: string;
    beforeEach(() => {
      copy = fs.mkdtempSync(path.join(os.tmpdir(), 'schema-validators-'));
      for (const f of fs.readdirSync(SCHEMA_DIR)) fs.copyFileSync(path.join(SCHEMA_DIR, f), path.join(copy, f));
    });
    afterEach(() => fs.rmSync(copy, { recursive: true, force: true }));

    test('are refused when a schema changed after they were generated: stale checks would pass what it refuses', () => {
      const k8s = JSON.parse(fs.readFileSync(path.join(copy, 'k8s-1.27.json'), 'utf8'));
      const serviceSpec = k8s.$defs['io.k8s.api.core.v1.ServiceSpec'];
      serviceSpec.required = [...(serviceSpec.required ?? []), 'clusterIP'];
      fs.writeFileSync(path.join(copy, 'k8s-1.27.json'), JSON.stringify(k8s));
      expect(() => new SchemaValidator({ schemaDir: copy }).validate(m.service()))
        .toThrow(/validators\.cjs was generated from other schemas than the ones beside it; regenerate it: npx tsx scripts\/generate-schemas\.ts --validators /);
      // Without them, the run-time validator checks the changed schema.
      expect(new SchemaValidator({ schemaDir: copy, precompiled: false }).validate(m.service()).map((v) => v.message).join()).toContain('clusterIP');
    });

    test('a directory without them is checked by the run-time validator alone', () => {
      fs.rmSync(path.join(copy, VALIDATORS_FILE));
      const validator = new SchemaValidator({ schemaDir: copy });
      expect(validator.validate(m.service())).toEqual([]);
      expect(validator.validate({ ...m.service(), spec: { ports: 'none' } }).map((v) => v.path)).toEqual(['spec.ports']);
    });
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
