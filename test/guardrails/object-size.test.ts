import { GuardrailError, KUBERNETES_RULES } from '../../src/guardrails';
import type { CheckedObject, RuleContext } from '../../src/guardrails';
import { PlatformSpec } from '../../src/model';
import { extensions, platform } from '../../src/platform';
import { renderPlatform } from '../../src/synth';

const rule = KUBERNETES_RULES.find((r) => r.id === 'object-size-limit')!;
const MiB = 1024 * 1024;
const check = (manifest: Record<string, unknown>) => rule.check({ environment: 'dev', file: 'x.yaml', source: 'x.yaml', manifest } as CheckedObject, {} as RuleContext);
const configMap = (data: Record<string, string>, binaryData?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' }, data, binaryData });

test('the object-size rule was appended: only rules added after it follow it, so that the others keep their order', () => {
  expect(KUBERNETES_RULES.slice(KUBERNETES_RULES.indexOf(rule) + 1).map((r) => r.id)).toEqual(['argocd-project-role-policies']);
});

test('an object over 1.5 MiB as JSON fails, naming its size and the limit', () => {
  const big = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'n' }, spec: { note: 'x'.repeat(1.5 * MiB) } };
  const size = Buffer.byteLength(JSON.stringify(big));
  expect(check(big)).toEqual([{
    path: '',
    value: size,
    message: `is ${size.toLocaleString('en-US')} bytes (1.50 MiB) as JSON, over the API server's limit of 1,572,864 bytes (1.50 MiB) per object (etcd's request limit)`,
  }]);
  expect(check({ ...big, spec: { note: 'x'.repeat(1.5 * MiB - 200) } })).toEqual([]);
});

test('ConfigMap data over 1 MiB fails, counted as the API server counts it: the bytes of data and decoded binaryData values, keys not counted', () => {
  expect(check(configMap({ a: 'x'.repeat(MiB) }))).toEqual([]);
  expect(check(configMap({ a: 'x'.repeat(MiB - 1), b: 'é' }))).toEqual([
    { path: 'data', value: MiB + 1, message: 'holds 1,048,577 bytes (1.00 MiB) of data, over the API server\'s limit of 1,048,576 bytes (1.00 MiB) for a ConfigMap' },
  ]);
  expect(check(configMap({ a: 'x'.repeat(MiB - 2) }, { b: Buffer.from('xyz').toString('base64') }))).toHaveLength(1);
});

test('Secret data: decoded data, with stringData merged over it', () => {
  const secret = (data: Record<string, string>, stringData: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'n' }, data, stringData });
  const half = Buffer.from('x'.repeat(MiB / 2)).toString('base64');
  expect(check(secret({ a: half, b: half }, {}))).toEqual([]);
  expect(check(secret({ a: half, b: half }, { c: 'y' }))).toHaveLength(1);
  expect(check(secret({ a: half, b: half }, { a: 'y' }))).toEqual([]);
});

test('a 5 MB environment variable fails the synth, naming the object, its size and the limit', () => {
  const spec: PlatformSpec = {
    ...platform,
    environments: platform.environments.map((e) => (e.name !== 'dev' ? e : {
      ...e, apps: { ...e.apps, 'storefront-web': { ...e.apps?.['storefront-web'], env: { BLOB: 'x'.repeat(5_000_000) } } },
    })),
  };
  let error: unknown;
  try {
    renderPlatform({ platform: spec, extensions });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(GuardrailError);
  const found = (error as GuardrailError).report.violations.filter((v) => v.rule === 'object-size-limit');
  // The app's Deployment, and its pull-request preview's.
  expect(found.map((v) => `${v.environment} ${v.kind} ${v.name} ${v.file}`)).toEqual([
    'dev Deployment storefront-web apps/storefront-web/deployment-storefront-web.yaml',
    'dev Deployment storefront-web previews/storefront-web/app/deployment-storefront-web.yaml',
  ]);
  expect(found[0].message).toMatch(/^is 5,0\d\d,\d\d\d bytes \(4\.7\d MiB\) as JSON, over the API server's limit of 1,572,864 bytes \(1\.50 MiB\) per object/);
});
