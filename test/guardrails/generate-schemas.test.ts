import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { generateSchemas, parseCommandLine, validatorsModule } from '../../scripts/generate-schemas';
import { SchemaValidator } from '../../src/guardrails/schema';

/*
 * The generator on small upstream-shaped inputs: an OpenAPI v3 document with
 * one kind, and a CRD with a served and an unserved version.
 */

const ref = (name: string) => ({ allOf: [{ $ref: `#/components/schemas/${name}` }], default: {}, description: 'docs' });

const openApi = {
  openapi: '3.0.0',
  components: {
    schemas: {
      'io.k8s.api.core.v1.ConfigMap': {
        'description': 'ConfigMap holds configuration data.',
        'type': 'object',
        'properties': {
          apiVersion: { type: 'string', description: 'docs' },
          kind: { type: 'string' },
          metadata: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'),
          data: { type: 'object', additionalProperties: { type: 'string', default: '' } },
          limit: ref('io.k8s.apimachinery.pkg.api.resource.Quantity'),
          extension: ref('io.k8s.apimachinery.pkg.runtime.RawExtension'),
          status: ref('io.k8s.api.core.v1.ConfigMapStatus'),
        },
        'x-kubernetes-group-version-kind': [{ group: '', kind: 'ConfigMap', version: 'v1' }],
      },
      'io.k8s.api.core.v1.ConfigMapStatus': { type: 'object', properties: { phase: { type: 'string' } } },
      'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
        type: 'object',
        properties: { name: { type: 'string' }, labels: { type: 'object', additionalProperties: { type: 'string' } } },
      },
      'io.k8s.apimachinery.pkg.api.resource.Quantity': { oneOf: [{ type: 'string' }, { type: 'number' }] },
      'io.k8s.apimachinery.pkg.runtime.RawExtension': { type: 'object', description: 'anything' },
      'io.k8s.api.core.v1.Unused': { type: 'object', properties: { x: { type: 'string' } } },
    },
  },
};

// Big enough to be hoisted into $defs when it repeats.
const endpoint = {
  type: 'object',
  description: 'An endpoint.',
  required: ['host'],
  properties: Object.fromEntries(['host', 'path', 'scheme', 'caBundle', 'tokenRef', 'audience', 'region', 'project', 'zone', 'cluster'].map((p) => [p, { type: 'string', minLength: 1, description: `the ${p}` }])),
};

function widgetCrd(extra: Record<string, unknown> = {}) {
  const schema = {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: {
        'type': 'object',
        'required': ['mode'],
        'x-kubernetes-validations': [{ rule: 'self.mode != "off" || !has(self.size)', message: 'size needs a mode' }],
        'properties': {
          mode: { type: 'string', enum: ['fast', 'safe', 'off'] },
          size: { 'anyOf': [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true },
          values: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true },
          marker: { type: 'object' },
          first: endpoint,
          second: endpoint,
          choice: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, oneOf: [{ required: ['a'] }, { required: ['b'] }] },
          ...extra,
        },
      },
      status: { type: 'object', properties: { ready: { type: 'boolean' } } },
    },
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      names: { kind: 'Widget', plural: 'widgets' },
      scope: 'Namespaced',
      versions: [
        { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } },
        { name: 'v1beta1', served: false, storage: false, schema: { openAPIV3Schema: schema } },
      ],
    },
  };
}

/** Every directory the tests create, removed after them. */
const roots: string[] = [];
afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

function inputs(crd: object = widgetCrd()): { openApiDir: string; crdDir: string; outDir: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gen-schemas-'));
  roots.push(root);
  const openApiDir = path.join(root, 'openapi');
  const crdDir = path.join(root, 'crds');
  fs.mkdirSync(openApiDir);
  fs.mkdirSync(crdDir);
  fs.writeFileSync(path.join(openApiDir, 'api_v1.json'), JSON.stringify(openApi));
  // Several documents per file, not all of them CRDs.
  fs.writeFileSync(path.join(crdDir, 'widgets.yaml'), `${stringify(crd)}---\n${stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } })}`);
  return { openApiDir, crdDir, outDir: path.join(root, 'out') };
}

function generate(dirs: ReturnType<typeof inputs>) {
  return generateSchemas({ k8sOpenApiDir: dirs.openApiDir, crdDir: dirs.crdDir, outDir: dirs.outDir, builtinKinds: ['v1/ConfigMap'], crdKinds: ['example.com/Widget'] });
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

describe('generate-schemas', () => {
  const dirs = inputs();
  const { written, stats } = generate(dirs);
  const validator = new SchemaValidator({ schemaDir: dirs.outDir });
  const widget = (spec: object) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { mode: 'fast', ...spec } });
  const configMap = (extra: object) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, ...extra });

  test('writes the index, one document per source and their precompiled checks, deterministically', () => {
    expect(Object.keys(written).sort()).toEqual(['crd-example.com.json', 'index.json', 'k8s-1.27.json', 'validators.cjs']);
    const again = inputs();
    generate(again);
    for (const file of Object.keys(written)) {
      expect(fs.readFileSync(path.join(again.outDir, file), 'utf8')).toBe(fs.readFileSync(path.join(dirs.outDir, file), 'utf8'));
    }
    const index = readJson(path.join(dirs.outDir, 'index.json'));
    expect(Object.keys(index.kinds)).toEqual(['example.com/v1/Widget', 'v1/ConfigMap']);
    expect(index.notServed).toEqual(['example.com/v1beta1/Widget']);
    expect(index.files['crd-example.com.json']).toEqual({ sources: ['widgets.yaml'], references: ['k8s-1.27.json'] });
  });

  test('keeps only what the kinds reference, without docs, defaults or status', () => {
    const defs = readJson(path.join(dirs.outDir, 'k8s-1.27.json')).$defs;
    expect(Object.keys(defs).sort()).toEqual([
      'io.k8s.api.core.v1.ConfigMap',
      'io.k8s.apimachinery.pkg.api.resource.Quantity',
      'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
      'io.k8s.apimachinery.pkg.runtime.RawExtension',
    ]);
    expect(defs['io.k8s.api.core.v1.ConfigMap'].properties.metadata).toEqual({ $ref: '#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' });
    expect(JSON.stringify(defs)).not.toMatch(/description|default|x-kubernetes/);
  });

  test('hoists repeated and big subtrees into $defs, never a properties map', () => {
    const doc = readJson(path.join(dirs.outDir, 'crd-example.com.json'));
    expect(Object.keys(doc.$defs).sort()).toEqual(['Widget.v1', 'Widget.v1.spec', 'Widget.v1.spec.first']);
    // spec occurs once but is big: its own definition, compiled when an object has a spec.
    expect(doc.$defs['Widget.v1'].properties.spec).toEqual({ $ref: '#/$defs/Widget.v1.spec' });
    // first and second are the same subtree: one definition.
    const spec = doc.$defs['Widget.v1.spec'];
    expect(spec.properties.first).toEqual({ $ref: '#/$defs/Widget.v1.spec.first' });
    expect(spec.properties.second).toEqual({ $ref: '#/$defs/Widget.v1.spec.first' });
    expect(Object.keys(doc.$defs['Widget.v1.spec.first'].properties)).toContain('host');
    expect(doc.$defs['Widget.v1.spec.first'].additionalProperties).toBe(false);
    expect(stats.hoisted).toBe(2);
  });

  test('counts what it cannot check', () => {
    expect(stats.celRules).toBe(1);
    expect(stats.preserveUnknownFields).toEqual(['example.com/v1/Widget spec.values']);
  });

  test('built-ins: strict where properties are listed, open where none are', () => {
    expect(validator.validate(configMap({ data: { a: 'b' }, limit: '1Gi', extension: { any: 'thing' } }))).toEqual([]);
    expect(validator.validate(configMap({ metadata: { name: 'c', labelz: {} } })).map((v) => v.path)).toEqual(['metadata.labelz']);
    expect(validator.validate(configMap({ status: { phase: 'x' } })).map((v) => v.path)).toEqual(['status']);
    expect(validator.validate(configMap({ limit: '1GB' })).map((v) => v.path)).toEqual(['limit']);
    expect(validator.validate(configMap({ limit: 1.5 }))).toEqual([]);
  });

  test('CRDs: strict, metadata as ObjectMeta, preserve-unknown-fields open, served versions only', () => {
    expect(validator.validate(widget({ size: 3, values: { free: { form: true } }, marker: {}, first: { host: 'a' }, choice: { a: 'x' } }))).toEqual([]);
    expect(validator.validate(widget({ size: 'large' }))).toEqual([]);
    expect(validator.validate({ ...widget({}), metadata: { name: 'w', labelz: {} } }).map((v) => v.path)).toEqual(['metadata.labelz']);
    expect(validator.validate(widget({ second: { host: 'a', bogus: 1 } })).map((v) => v.path)).toEqual(['spec.second.bogus']);
    expect(validator.validate(widget({ marker: { x: 1 } })).map((v) => v.message)).toEqual(['unknown field "x"; this object takes no fields']);
    expect(validator.validate(widget({ size: true })).map((v) => v.message)).toEqual(['must be integer or string, received true']);
    expect(validator.validate(widget({ mode: 'slow' })).map((v) => v.message)).toEqual(['must be one of "fast", "safe", "off"; received "slow"']);
    expect(validator.validate(widget({ choice: {} })).map((v) => v.message)).toEqual(['must set exactly one of "a", "b"']);
    expect(validator.validate({ ...widget({}), status: { ready: true } }).map((v) => v.path)).toEqual(['status']);
    expect(validator.validate({ ...widget({}), apiVersion: 'example.com/v1beta1' })[0].message).toMatch(/not served .*use apiVersion "example.com\/v1"/);
  });

  test('the precompiled checks beside the schemas are the ones the validator uses, and agree with it', () => {
    expect(fs.readFileSync(path.join(dirs.outDir, 'validators.cjs'), 'utf8')).toBe(validatorsModule(dirs.outDir));
    const runtime = new SchemaValidator({ schemaDir: dirs.outDir, precompiled: false });
    for (const w of [widget({}), widget({ size: true }), widget({ second: { host: 'a', bogus: 1 } }), configMap({ limit: '1GB' }), configMap({ data: { a: 'b' } })]) {
      expect(validator.validate(w)).toEqual(runtime.validate(w));
    }
  });

  test('stops on a schema keyword it does not know, naming where', () => {
    const bad = inputs(widgetCrd({ weird: { 'type': 'string', 'x-kubernetes-something-new': true } }));
    expect(() => generate(bad)).toThrow('example.com/v1/Widget spec.weird: schema keyword "x-kubernetes-something-new" is not supported by the generator');
  });

  test('stops when a wanted kind is missing from the inputs', () => {
    const dirs2 = inputs();
    expect(() => generateSchemas({ k8sOpenApiDir: dirs2.openApiDir, crdDir: dirs2.crdDir, outDir: dirs2.outDir, builtinKinds: ['apps/v1/Deployment'], crdKinds: [] }))
      .toThrow('built-in kind apps/v1/Deployment is not in the OpenAPI documents');
    expect(() => generateSchemas({ k8sOpenApiDir: dirs2.openApiDir, crdDir: dirs2.crdDir, outDir: dirs2.outDir, builtinKinds: [], crdKinds: ['example.com/Gadget'] }))
      .toThrow('CRD for example.com/Gadget not found');
  });
});

describe('the command line', () => {
  test('generates the schemas from upstream files, or only the precompiled checks of a schema directory', () => {
    expect(parseCommandLine(['--k8s-openapi', 'a', '--crds', 'b', '--out', 'c'])).toEqual({ schemas: { k8sOpenApiDir: ['a'], crdDir: ['b'], outDir: 'c' } });
    // input directories may repeat (a later one's CRD replaces an earlier one's); the output may not
    expect(parseCommandLine(['--k8s-openapi', 'a', '--crds', 'b', '--crds', 'd', '--out', 'c'])).toEqual({ schemas: { k8sOpenApiDir: ['a'], crdDir: ['b', 'd'], outDir: 'c' } });
    expect(() => parseCommandLine(['--k8s-openapi', 'a', '--crds', 'b', '--out', 'c', '--out', 'e'])).toThrow('--out is given twice');
    expect(parseCommandLine(['--validators=schemas'])).toEqual({ validators: 'schemas' });
  });

  test('says what is wrong, with the usage', () => {
    expect(() => parseCommandLine(['--crds', 'b', '--out', 'c'])).toThrow(/^missing --k8s-openapi\nusage: /);
    expect(() => parseCommandLine(['--bogus', 'x'])).toThrow(/^unknown argument "--bogus"\nusage: /);
    expect(() => parseCommandLine(['--validators', 'schemas', '--out', 'c'])).toThrow(/^--validators takes no other option\nusage: /);
  });
});
