import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as m from './manifests';
import { SchemaValidator, SchemaViolation, formatViolation, schemaValidator } from '../../src/guardrails/schema';
import { renderPlatform } from '../../src/synth';
import { fullPlatform } from '../fixtures';

// One validator for the whole file: each kind's schema compiles once.
const validator = schemaValidator();

function violationsOf(manifest: unknown): SchemaViolation[] {
  return validator.validate(manifest);
}

describe('valid objects pass', () => {
  test.each([
    ['Deployment', m.deployment],
    ['Service', m.service],
    ['Ingress', m.ingress],
    ['HorizontalPodAutoscaler', m.hpa],
    ['PodDisruptionBudget', m.pdb],
    ['NetworkPolicy', m.networkPolicy],
    ['Job', m.job],
    ['CronJob', m.cronJob],
    ['ExternalSecret (v1)', m.externalSecret],
    ['SecretStore (gcpsm, Workload Identity)', m.secretStore],
    ['Application', m.application],
    ['AppProject', m.appProject],
    ['Rollout', m.rollout],
  ])('%s', (_name, build) => {
    expect(violationsOf(build())).toEqual([]);
  });

  test('open places stay open: Helm valuesObject takes any values', () => {
    // GIVEN an Application whose Helm values are free-form (x-kubernetes-preserve-unknown-fields)
    const app = m.application();
    app.spec.source = { repoURL: 'https://charts.example', chart: 'redis', targetRevision: '18.0.0', helm: { valuesObject: { anything: { nested: [1, 'two'] } } } };

    // THEN nothing is reported
    expect(violationsOf(app)).toEqual([]);
  });

  test('int-or-string and quantity fields take both forms', () => {
    const dep = m.deployment();
    dep.spec.strategy.rollingUpdate = { maxSurge: 1, maxUnavailable: '10%' };
    dep.spec.template.spec.containers[0].resources = { requests: { cpu: 0.5, memory: '1Gi' }, limits: { cpu: '2', memory: '1.5Gi' } };
    expect(violationsOf(dep)).toEqual([]);
  });
});

describe('unknown fields are rejected', () => {
  test('at the top level', () => {
    const svc = { ...m.service(), bogus: true };
    expect(violationsOf(svc)).toEqual([
      { path: 'bogus', message: 'unknown field "bogus"; known fields: apiVersion, kind, metadata, spec', value: true },
    ]);
  });

  test('in the metadata of a built-in kind', () => {
    const dep = m.deployment();
    dep.metadata.labelz = { team: 'shop' };
    expect(violationsOf(dep)).toEqual([
      { path: 'metadata.labelz', message: 'unknown field "labelz"; did you mean "labels"?', value: { team: 'shop' } },
    ]);
  });

  test.each([
    ['Application', m.application],
    ['ExternalSecret', m.externalSecret],
    ['Rollout', m.rollout],
  ])('in the metadata of a custom resource (%s)', (_name, build) => {
    // GIVEN a CR (its CRD only says metadata is an object)
    const cr = build();
    cr.metadata.annotation = { a: 'b' };

    // THEN metadata is checked as a Kubernetes ObjectMeta
    expect(violationsOf(cr)).toEqual([
      { path: 'metadata.annotation', message: 'unknown field "annotation"; did you mean "annotations"?', value: { a: 'b' } },
    ]);
  });

  test('in a container, with the field it was probably meant to be', () => {
    const dep = m.deployment();
    dep.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    expect(violationsOf(dep)).toEqual([{
      path: 'spec.template.spec.containers[0].imagePullPolicyy',
      message: 'unknown field "imagePullPolicyy"; did you mean "imagePullPolicy"?',
      value: 'Always',
    }]);
  });

  test('in a securityContext', () => {
    const dep = m.deployment();
    dep.spec.template.spec.containers[0].securityContext.bogus = 1;
    const [v, ...rest] = violationsOf(dep);
    expect(rest).toEqual([]);
    expect(v.path).toBe('spec.template.spec.containers[0].securityContext.bogus');
    expect(v.message).toMatch(/^unknown field "bogus"; known fields: allowPrivilegeEscalation, .*readOnlyRootFilesystem/);
  });

  test('in an Argo CD Application source', () => {
    const app = m.application();
    app.spec.source.bogus = 'x';
    expect(violationsOf(app)).toEqual([expect.objectContaining({ path: 'spec.source.bogus', message: expect.stringMatching(/^unknown field "bogus"/) })]);
  });

  test('in an ExternalSecret remoteRef', () => {
    const es = m.externalSecret();
    es.spec.data[0].remoteRef.bogus = 'x';
    expect(violationsOf(es)).toEqual([expect.objectContaining({ path: 'spec.data[0].remoteRef.bogus', message: expect.stringMatching(/^unknown field "bogus"/) })]);
  });

  test('in a SecretStore Workload Identity block', () => {
    const store = m.secretStore();
    const wi = store.spec.provider.gcpsm.auth.workloadIdentity;
    wi.clusterProjectId = wi.clusterProjectID;
    delete wi.clusterProjectID;
    expect(violationsOf(store)).toEqual([expect.objectContaining({
      path: 'spec.provider.gcpsm.auth.workloadIdentity.clusterProjectId',
      message: 'unknown field "clusterProjectId"; did you mean "clusterProjectID"?',
    })]);
  });

  test('in a Rollout canary step and a Rollout container', () => {
    const ro = m.rollout();
    ro.spec.strategy.canary.steps[1].pause.durration = '1m';
    ro.spec.template.spec.containers[0].bogus = true;
    expect(violationsOf(ro).map((v) => v.path)).toEqual([
      'spec.strategy.canary.steps[1].pause.durration',
      'spec.template.spec.containers[0].bogus',
    ]);
  });

  test('in a CRD object that declares no fields', () => {
    // Rollout's antiAffinity.requiredDuringSchedulingIgnoredDuringExecution is `type: object` with no properties.
    const ro = m.rollout();
    ro.spec.strategy.canary.antiAffinity = { requiredDuringSchedulingIgnoredDuringExecution: { weight: 1 } };
    expect(violationsOf(ro)).toEqual([{
      path: 'spec.strategy.canary.antiAffinity.requiredDuringSchedulingIgnoredDuringExecution.weight',
      message: 'unknown field "weight"; this object takes no fields',
      value: 1,
    }]);
  });

  test('status is not part of a rendered manifest', () => {
    expect(violationsOf({ ...m.deployment(), status: { replicas: 3 } }).map((v) => v.path)).toEqual(['status']);
    expect(violationsOf({ ...m.application(), status: {} }).map((v) => v.path)).toEqual(['status']);
  });
});

describe('wrong values are rejected with the path named', () => {
  test('wrong type', () => {
    const dep = m.deployment();
    dep.spec.replicas = 'five';
    expect(violationsOf(dep)).toEqual([{ path: 'spec.replicas', message: 'must be integer, received "five"', value: 'five' }]);
  });

  test('int-or-string that is neither', () => {
    const svc = m.service();
    svc.spec.ports[0].targetPort = true;
    expect(violationsOf(svc)).toEqual([{ path: 'spec.ports[0].targetPort', message: 'must be integer or string, received true', value: true }]);
  });

  test('a map value under a key that is not an identifier', () => {
    const dep = m.deployment();
    dep.metadata.labels = { 'app.kubernetes.io/version': 2 };
    expect(violationsOf(dep)).toEqual([{ path: 'metadata.labels["app.kubernetes.io/version"]', message: 'must be string, received 2', value: 2 }]);
  });

  test('bad enum value lists the allowed values', () => {
    const es = m.externalSecret();
    es.spec.target.creationPolicy = 'Sometimes';
    const [v, ...rest] = violationsOf(es);
    expect(rest).toEqual([]);
    expect(v).toEqual({ path: 'spec.target.creationPolicy', message: expect.stringMatching(/^must be one of "Owner", "Orphan", .*; received "Sometimes"$/), value: 'Sometimes' });
  });

  test('bad enum in a store reference', () => {
    const es = m.externalSecret();
    es.spec.secretStoreRef.kind = 'Secretstore';
    expect(violationsOf(es)).toEqual([
      { path: 'spec.secretStoreRef.kind', message: 'must be one of "SecretStore", "ClusterSecretStore"; received "Secretstore"', value: 'Secretstore' },
    ]);
  });

  test('a quantity the API server would not parse', () => {
    const dep = m.deployment();
    dep.spec.template.spec.containers[0].resources.limits.memory = '512MB';
    expect(violationsOf(dep)).toEqual([{
      path: 'spec.template.spec.containers[0].resources.limits.memory',
      message: 'must be a quantity such as 250m, 1.5, 128Mi or 2Gi, received "512MB"',
      value: '512MB',
    }]);
  });

  test('an int32 out of range', () => {
    const dep = m.deployment();
    dep.spec.template.spec.containers[0].ports[0].containerPort = 2 ** 31;
    expect(violationsOf(dep)).toEqual([expect.objectContaining({ path: 'spec.template.spec.containers[0].ports[0].containerPort', message: 'must be a 32-bit integer, received 2147483648' })]);
  });

  test('Secret data that is not base64 (plain text belongs in stringData)', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, type: 'Opaque', data: { user: 'YWRtaW4=', password: 'hunter2!' } };
    expect(violationsOf(secret)).toEqual([{ path: 'data.password', message: 'must be base64-encoded data, received "hunter2!"', value: 'hunter2!' }]);
    expect(violationsOf({ ...secret, data: undefined, stringData: { password: 'hunter2!' } })).toEqual([]);
  });

  test('missing required fields, in a built-in and in a CR', () => {
    const dep = m.deployment();
    delete dep.spec.selector;
    delete dep.spec.template.spec.containers[0].name;
    expect(violationsOf(dep)).toEqual([
      { path: 'spec.selector', message: 'missing required field "selector"' },
      { path: 'spec.template.spec.containers[0].name', message: 'missing required field "name"' },
    ]);

    const app = m.application();
    delete app.spec.destination;
    expect(violationsOf(app)).toEqual([{ path: 'spec.destination', message: 'missing required field "destination"' }]);
  });

  test('every problem of an object is reported at once', () => {
    const dep = m.deployment();
    dep.bogus = 1;
    dep.spec.replicas = '3';
    dep.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    delete dep.spec.template.spec.containers[0].image;
    expect(violationsOf(dep).map(formatViolation)).toEqual([
      '[bogus] unknown field "bogus"; known fields: apiVersion, kind, metadata, spec',
      '[spec.replicas] must be integer, received "3"',
      '[spec.template.spec.containers[0].ports[0].containerPort] must be integer, received "http"',
    ]);
  });
});

describe('apiVersion and kind', () => {
  test('external-secrets.io/v1beta1 is rejected: the CRD does not serve it', () => {
    const es = { ...m.externalSecret(), apiVersion: 'external-secrets.io/v1beta1' };
    expect(violationsOf(es)).toEqual([{
      path: 'apiVersion',
      message: 'external-secrets.io/v1beta1 ExternalSecret is not served by the ExternalSecret CRD in schemas/ (served: external-secrets.io/v1); use apiVersion "external-secrets.io/v1"',
      value: 'external-secrets.io/v1beta1',
    }]);
  });

  test('an unknown kind says there is no schema and how to add one', () => {
    const obj = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'x' }, spec: {} };
    expect(violationsOf(obj)).toEqual([{
      path: 'kind',
      message: 'no schema for apiVersion "monitoring.coreos.com/v1" kind "ServiceMonitor": use a known apiVersion and kind, or add its CRD to schemas/ with scripts/generate-schemas.ts (see schemas/README.md)',
      value: 'ServiceMonitor',
    }]);
  });

  test('a misspelt kind gets a suggestion', () => {
    expect(violationsOf({ ...m.deployment(), kind: 'Deploymnet' })[0].message).toMatch(/^no schema for apiVersion "apps\/v1" kind "Deploymnet" \(did you mean "Deployment"\?\)/);
  });

  test('a kind with a slash does not borrow another kind\'s schema (apps + v1/Deployment is not apps/v1 + Deployment)', () => {
    const v = new SchemaValidator();
    expect(v.has('apps', 'v1/Deployment')).toBe(false);
    expect(violationsOf({ ...m.deployment(), apiVersion: 'apps', kind: 'v1/Deployment' })).toEqual([expect.objectContaining({
      path: 'kind',
      message: expect.stringMatching(/^no schema for apiVersion "apps" kind "v1\/Deployment"/),
    })]);
  });

  test('a known kind in an unknown apiVersion names the one we know', () => {
    expect(violationsOf({ ...m.deployment(), apiVersion: 'apps/v1beta2' })).toEqual([expect.objectContaining({
      path: 'apiVersion',
      message: expect.stringMatching(/^no schema for Deployment in apps\/v1beta2; Deployment is known as "apps\/v1"/),
    })]);
  });

  test('missing apiVersion or kind, or not an object', () => {
    const { apiVersion: _a, ...noApiVersion } = m.service();
    expect(violationsOf(noApiVersion)).toEqual([{ path: 'apiVersion', message: 'missing required field "apiVersion"' }]);
    expect(violationsOf({ ...m.service(), kind: 3 })).toEqual([{ path: 'kind', message: 'must be a non-empty string, received 3', value: 3 }]);
    expect(violationsOf(['not', 'an', 'object'])).toEqual([expect.objectContaining({ path: '', message: expect.stringMatching(/^must be an object with apiVersion, kind and metadata/) })]);
  });

  test('the validator knows the kinds we emit', () => {
    for (const kind of ['v1/Namespace', 'apps/v1/Deployment', 'autoscaling/v2/HorizontalPodAutoscaler', 'policy/v1/PodDisruptionBudget',
      'networking.k8s.io/v1/Ingress', 'scheduling.k8s.io/v1/PriorityClass', 'argoproj.io/v1alpha1/ApplicationSet',
      'argoproj.io/v1alpha1/AnalysisTemplate', 'external-secrets.io/v1/ClusterSecretStore']) {
      expect(validator.kinds).toContain(kind);
    }
    expect(validator.has('external-secrets.io/v1beta1', 'ExternalSecret')).toBe(false);
  });
});

describe('the committed schema files', () => {
  test('every kind in the index points at a definition that exists', () => {
    const dir = path.join(__dirname, '..', '..', 'schemas');
    const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'));
    const docs = new Map<string, any>();
    for (const [key, entry] of Object.entries<{ file: string; ref: string }>(index.kinds)) {
      if (!docs.has(entry.file)) docs.set(entry.file, JSON.parse(fs.readFileSync(path.join(dir, entry.file), 'utf8')));
      const name = entry.ref.replace(/^#\/\$defs\//, '');
      expect([key, docs.get(entry.file).$defs[name]?.type]).toEqual([key, 'object']);
    }
  });

  test('every $ref resolves', () => {
    const dir = path.join(__dirname, '..', '..', 'schemas');
    const docs = new Map(fs.readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'index.json')
      .map((f) => [f, JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))]));
    const broken: string[] = [];
    const walk = (file: string, node: unknown): void => {
      if (Array.isArray(node)) return node.forEach((n) => walk(file, n));
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') {
          const [target, pointer] = value.split('#');
          const name = pointer.replace(/^\/\$defs\//, '').replace(/~1/g, '/').replace(/~0/g, '~');
          if (!docs.get(target || file)?.$defs?.[name]) broken.push(`${file}: ${value}`);
        } else if (key !== 'enum') {
          walk(file, value);
        }
      }
    };
    for (const [file, doc] of docs) walk(file, doc);
    expect(broken).toEqual([]);
  });

  test('stay small', () => {
    const dir = path.join(__dirname, '..', '..', 'schemas');
    // The schema documents, which the run-time validator reads (not validators.cjs, the code generated from them).
    const total = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
    expect(total).toBeLessThan(1.5 * 1024 * 1024);
  });
});

describe('messages for alternatives (anyOf / oneOf)', () => {
  // The committed schemas turn int-or-string into a type list, so they have no anyOf;
  // these cases use a small schema directory of their own.
  let alt: SchemaValidator;
  let dir: string;
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'schema-alt-'));
    const thing = {
      type: 'object',
      additionalProperties: false,
      required: ['apiVersion', 'kind'],
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object' },
        port: { anyOf: [{ type: 'integer' }, { type: 'string' }] },
        source: { type: 'object', properties: { git: { type: 'string' }, oci: { type: 'string' } }, additionalProperties: false, oneOf: [{ required: ['git'] }, { required: ['oci'] }] },
        target: { anyOf: [{ $ref: '#/$defs/Named' }, { type: 'string' }] },
      },
    };
    const named = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false };
    fs.writeFileSync(path.join(dir, 'test.json'), JSON.stringify({ $id: 'test.json', $defs: { Thing: thing, Named: named } }));
    fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify({
      kinds: { 'example.com/v1/Thing': { file: 'test.json', ref: '#/$defs/Thing' } },
      notServed: [],
      files: { 'test.json': { sources: [], references: [] } },
    }));
    alt = new SchemaValidator({ schemaDir: dir });
  });
  const thing = (spec: object) => ({ apiVersion: 'example.com/v1', kind: 'Thing', ...spec });

  test('branches that only differ in type become one message', () => {
    expect(alt.validate(thing({ port: true }))).toEqual([{ path: 'port', message: 'must be integer or string, received true', value: true }]);
  });

  test('branches that only require different fields', () => {
    expect(alt.validate(thing({ source: {} }))).toEqual([{ path: 'source', message: 'must set exactly one of "git", "oci"' }]);
    expect(alt.validate(thing({ source: { git: 'a', oci: 'b' } }))).toEqual([{ path: 'source', message: 'must set only one of "git", "oci"', value: { git: 'a', oci: 'b' } }]);
  });

  test('otherwise the errors of the branch whose type matched (here through a $ref)', () => {
    expect(alt.validate(thing({ target: { nam: 'x' } }))).toEqual([
      { path: 'target.name', message: 'missing required field "name"' },
      { path: 'target.nam', message: 'unknown field "nam"; did you mean "name"?', value: 'x' },
    ]);
    expect(alt.validate(thing({ target: 'x' }))).toEqual([]);
  });
});

describe('a platform that uses every part of the engine', () => {
  const rendered = renderPlatform({ platform: fullPlatform() });

  test('renders objects of every kind the renderers write', () => {
    expect(rendered.objects.length).toBeGreaterThan(100);
    expect([...new Set(rendered.objects.map((o) => `${o.manifest.apiVersion}/${o.manifest.kind}`))].sort()).toEqual([
      'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding',
      'apps/v1/Deployment', 'argoproj.io/v1alpha1/AnalysisTemplate', 'argoproj.io/v1alpha1/AppProject', 'argoproj.io/v1alpha1/Application',
      'argoproj.io/v1alpha1/ApplicationSet', 'argoproj.io/v1alpha1/Rollout', 'autoscaling/v2/HorizontalPodAutoscaler', 'batch/v1/CronJob',
      'batch/v1/Job', 'cloud.google.com/v1/BackendConfig', 'external-secrets.io/v1/ExternalSecret', 'external-secrets.io/v1/SecretStore',
      'monitoring.googleapis.com/v1/PodMonitoring', 'networking.gke.io/v1beta1/FrontendConfig', 'networking.k8s.io/v1/Ingress',
      'networking.k8s.io/v1/NetworkPolicy', 'policy/v1/PodDisruptionBudget', 'rbac.authorization.k8s.io/v1/RoleBinding', 'v1/ConfigMap',
      'v1/LimitRange', 'v1/Namespace', 'v1/ResourceQuota', 'v1/Secret', 'v1/Service', 'v1/ServiceAccount',
    ]);
  });

  test('every rendered object validates with zero violations', () => {
    const problems = rendered.objects.flatMap((o) => validator.validate(o.manifest).map((v) => `${o.environment}/${o.file}: ${formatViolation(v)}`));
    expect(problems).toEqual([]);
  });

  test('and a stray field in any of them would be caught', () => {
    // A check on the check: the schemas of every kind we render are strict at the top, in metadata and in spec.
    const missed: string[] = [];
    for (const o of rendered.objects) {
      const broken = JSON.parse(JSON.stringify(o.manifest));
      broken.bogus = 1;
      broken.metadata.bogus = 1;
      if (broken.spec) broken.spec.bogus = 1;
      const paths = validator.validate(broken).map((v) => v.path);
      const expected = ['bogus', 'metadata.bogus', ...(broken.spec ? ['spec.bogus'] : [])];
      if (JSON.stringify(paths.sort()) !== JSON.stringify(expected.sort())) missed.push(`${o.environment}/${o.file}: ${paths.join(', ')}`);
    }
    expect(missed).toEqual([]);
  });
});
