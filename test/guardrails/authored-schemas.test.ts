import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { generateSchemas } from '../../scripts/generate-schemas';
import { SchemaValidator, schemaValidator } from '../../src/guardrails/schema';

/*
 * Kinds whose schema inputs are written here (no upstream file exists):
 * ValidatingAdmissionPolicy v1 (not in the 1.27 OpenAPI), GKE's BackendConfig
 * and FrontendConfig (CRDs GKE installs itself). And the generator's
 * repeatable input directories, which feed them in beside the upstream files.
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const validator = schemaValidator();
const paths = (manifest: Json) => validator.validate(manifest).map((v) => v.path);

const policy = (): Json => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name: 'p' },
  spec: {
    failurePolicy: 'Fail',
    matchConstraints: {
      namespaceSelector: { matchLabels: { preview: 'true' } },
      resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['services'] }],
    },
    variables: [{ name: 'x', expression: 'object.spec' }],
    validations: [{ expression: 'object.spec.type == "ClusterIP"', message: 'ClusterIP only' }],
  },
});

describe('schemas authored here validate like the generated ones', () => {
  test('GIVEN a ValidatingAdmissionPolicy and its binding THEN they validate, strictly', () => {
    expect(paths(policy())).toEqual([]);
    const binding = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: 'p' },
      spec: { policyName: 'p', validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { preview: 'true' } } } },
    };
    expect(paths(binding)).toEqual([]);
    const bad = policy();
    bad.spec.validations[0] = { expresion: 'true' };
    bad.spec.failurePolicy = 'Sometimes';
    expect(validator.validate(bad).map((v) => `${v.path}: ${v.message}`)).toEqual([
      'spec.failurePolicy: must be one of "Fail", "Ignore"; received "Sometimes"',
      'spec.validations[0].expression: missing required field "expression"',
      'spec.validations[0].expresion: unknown field "expresion"; did you mean "expression"?',
    ]);
  });

  test('GIVEN a BackendConfig and a FrontendConfig THEN they validate, and a misspelt field is refused', () => {
    const backend: Json = {
      apiVersion: 'cloud.google.com/v1',
      kind: 'BackendConfig',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        healthCheck: { type: 'HTTP', requestPath: '/ready', port: 8080, checkIntervalSec: 10, timeoutSec: 3, healthyThreshold: 1, unhealthyThreshold: 3 },
        connectionDraining: { drainingTimeoutSec: 30 },
      },
    };
    const frontend: Json = {
      apiVersion: 'networking.gke.io/v1beta1',
      kind: 'FrontendConfig',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { redirectToHttps: { enabled: true, responseCodeName: 'MOVED_PERMANENTLY_DEFAULT' } },
    };
    expect([...paths(backend), ...paths(frontend)]).toEqual([]);
    backend.spec.healthCheck.requestpath = '/ready';
    frontend.spec.redirectToHttps = { responseCodeName: 'FOUND' };
    expect(paths(backend)).toEqual(['spec.healthCheck.requestpath']);
    expect(paths(frontend)).toEqual(['spec.redirectToHttps.enabled']);
  });
});

describe('generate-schemas reads several input directories', () => {
  const openApi = {
    components: {
      schemas: {
        'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': { type: 'object', properties: { name: { type: 'string' } } },
      },
    },
  };
  const gadgetCrd = (field: string) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'gadgets.example.com' },
    spec: {
      group: 'example.com',
      names: { kind: 'Gadget', plural: 'gadgets' },
      scope: 'Namespaced',
      versions: [{
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { [field]: { type: 'string' } } } } } },
      }],
    },
  });
  const dir = (root: string, name: string, files: Record<string, string>) => {
    const d = path.join(root, name);
    fs.mkdirSync(d);
    for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(d, file), text);
    return d;
  };

  test('GIVEN the same CRD in two directories THEN the later one is used; GIVEN it twice in one directory THEN it stops', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gen-inputs-'));
    const openApiDir = dir(root, 'openapi', { 'api_v1.json': JSON.stringify(openApi) });
    const upstream = dir(root, 'upstream', { 'gadgets.yaml': stringify(gadgetCrd('old')) });
    const authored = dir(root, 'authored', { 'gadgets.authored.yaml': stringify(gadgetCrd('new')) });
    const outDir = path.join(root, 'out');
    generateSchemas({ k8sOpenApiDir: [openApiDir], crdDir: [upstream, authored], outDir, builtinKinds: [], crdKinds: ['example.com/Gadget'] });
    const generated = new SchemaValidator({ schemaDir: outDir });
    const gadget = (spec: object) => ({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' }, spec });
    expect(generated.validate(gadget({ new: 'x' }))).toEqual([]);
    expect(generated.validate(gadget({ old: 'x' })).map((v) => v.path)).toEqual(['spec.old']);
    const index = JSON.parse(fs.readFileSync(path.join(outDir, 'index.json'), 'utf8'));
    expect(index.files['crd-example.com.json'].sources).toEqual(['gadgets.authored.yaml']);

    const twice = dir(root, 'twice', { 'a.yaml': stringify(gadgetCrd('a')), 'b.yaml': stringify(gadgetCrd('b')) });
    expect(() => generateSchemas({ k8sOpenApiDir: openApiDir, crdDir: twice, outDir, builtinKinds: [], crdKinds: ['example.com/Gadget'] }))
      .toThrow(`--crds ${twice}: example.com/Gadget is defined twice (a.yaml and b.yaml); keep one`);
    fs.rmSync(root, { recursive: true, force: true });
  });
});
