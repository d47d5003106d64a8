import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import * as fc from 'fast-check';
import { parse } from 'yaml';
import { runSynth } from '../../src/cli/synth';
import { GuardrailError } from '../../src/guardrails';
import { RenderError } from '../../src/k8s';
import { AppSpec, Exposure, PlatformSpec, PlatformValidationError, Probe, Workload } from '../../src/model';
import { readTree, renderPlatform, synthesize } from '../../src/synth';
import { environment, platform as testPlatform, service } from '../fixtures';

/**
 * Property-based robustness: generated invalid and hostile declarations must
 * end in one of our errors (with a message) or in valid output — never a crash,
 * a hang or a partial dist/.
 */

const KNOWN_ERRORS = [PlatformValidationError, RenderError, GuardrailError];

/** Strings a careless or hostile declaration might hold. */
const hostile = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '-', 'a', 'web', 'UPPER', '../../etc/passwd', '/abs', 'a/b', '$(rm -rf /)', '"; DROP TABLE apps; --',
    '{{ .Values.x }}', '${jndi:ldap://x}', 'key: value', '- item', '*anchor', '&anchor', '!!python/object', 'null', 'true', '0x1F', '1e3',
    'multi\nline', 'tab\there', '\u0000', '\u202e', 'ünïcødé', '日本語', '🚀', 'x'.repeat(300), 'latest'),
);

/** Values of the wrong type, as plain JavaScript or an escape hatch could pass them. */
const wrongType = fc.oneof(
  fc.constant(null), fc.constant(undefined), fc.integer(), fc.double(), fc.boolean(),
  fc.array(fc.string(), { maxLength: 2 }), fc.object({ maxDepth: 1 }),
);

const anything = fc.oneof(hostile, wrongType);

/** A service whose fields are each either sensible or hostile. */
const hostileApp: fc.Arbitrary<AppSpec> = fc.record({
  name: fc.oneof(fc.constantFrom('web', 'api', 'worker-one'), hostile),
  team: fc.oneof(fc.constant('alpha'), hostile),
  image: fc.oneof(fc.constant('registry.example.com/apps/web'), hostile),
  port: fc.oneof(fc.constant(8080), fc.integer({ min: -5, max: 70000 }), fc.double(), wrongType),
  portName: fc.oneof(fc.constant('http'), hostile),
  env: fc.dictionary(fc.oneof(fc.constantFrom('LOG_LEVEL', 'A_B'), hostile), anything, { maxKeys: 3 }),
  config: fc.dictionary(fc.oneof(fc.constant('app.yaml'), hostile), fc.oneof(hostile, wrongType), { maxKeys: 2 }),
  replicas: fc.oneof(fc.constant(undefined), fc.integer({ min: -2, max: 5 }), wrongType),
  subdomain: fc.option(hostile),
  secret: fc.option(fc.record({ name: fc.oneof(fc.constant('db-password'), hostile), envVar: fc.oneof(fc.constant('DB_PASSWORD'), hostile) })),
  cpu: fc.option(fc.oneof(fc.constantFrom('100m', '2', '0.5'), hostile)),
  calls: fc.option(fc.oneof(fc.array(fc.oneof(fc.constantFrom('web', 'api'), hostile), { maxLength: 2 }), wrongType)),
  probes: fc.option(wrongType),
  exposure: fc.option(wrongType),
}).map((g) => ({
  ...service(g.name as string, {
    team: g.team as string,
    image: g.image as string,
    ports: [{ name: g.portName as string, port: g.port as number }],
    probes: { readiness: Probe.http('/ready', g.portName as string), liveness: Probe.tcp(g.portName as string) },
    env: g.env as Record<string, string>,
    configFiles: g.config as Record<string, string>,
    replicas: g.replicas as number,
    exposure: g.subdomain === null ? undefined : Exposure.public({ subdomain: g.subdomain as string }),
    secrets: g.secret ? [g.secret as { name: string; envVar: string }] : undefined,
    resources: g.cpu === null ? undefined : { cpuRequest: g.cpu as string, cpuLimit: '4' },
    calls: g.calls === null ? undefined : g.calls as string[],
  }),
  ...(g.probes === null ? {} : { probes: g.probes as never }),
  ...(g.exposure === null ? {} : { exposure: g.exposure as never }),
}));

/** Renders, and returns what happened: output, or one of our errors. Anything else fails the property. */
function attempt(spec: PlatformSpec, extensions = {}): { files?: ReadonlyMap<string, string>; error?: Error } {
  try {
    return { files: renderPlatform({ platform: spec, extensions, today: '2026-11-21' }).files };
  } catch (err) {
    const known = KNOWN_ERRORS.some((E) => err instanceof E);
    if (!known) throw new Error(`unexpected ${(err as Error)?.name}: ${(err as Error)?.message}\n${(err as Error)?.stack}`);
    expect((err as Error).message.length).toBeGreaterThan(20);
    return { error: err as Error };
  }
}

/** Valid output: every file inside its environment directory, and YAML that parses back to an object with a kind and name. */
function expectValidOutput(files: ReadonlyMap<string, string>): void {
  for (const [file, content] of files) {
    expect(file.split('/')).not.toContain('..');
    if (file.endsWith('/terraform/cdk.tf.json')) {
      expect(Object.keys(JSON.parse(content))).toContain('resource');
      continue;
    }
    expect(file).toMatch(/^[a-z0-9-]+\/[a-z-]+(\/[a-z0-9._-]+)+\.yaml$/);
    const doc = parse(content);
    if (file.endsWith('/kustomization.yaml')) {
      expect(doc.kind).toBe('Kustomization');
      continue;
    }
    expect(typeof doc.kind).toBe('string');
    expect(typeof doc.metadata.name).toBe('string');
  }
}

describe('hostile declarations', () => {
  test('an app with hostile or mistyped fields gives a clear error or valid output', () => {
    fc.assert(fc.property(hostileApp, (app) => {
      const spec = testPlatform({ apps: [app], environments: [environment('dev', [String(app.name)])] });
      const result = attempt(spec);
      if (result.files) expectValidOutput(result.files);
    }), { numRuns: 300 });
  });

  test('strings survive the round trip to YAML unchanged (no injection)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.string({ maxLength: 200 }), (value, file) => {
      const spec = testPlatform({ apps: [service('web', { env: { VALUE: value }, configFiles: { 'app.conf': file } })] });
      const result = attempt(spec);
      if (!result.files) return; // a secret-looking value is refused by the guardrails: fine
      const deployment = parse(result.files.get('dev/apps/web/deployment-web.yaml')!);
      expect(deployment.spec.template.spec.containers[0].env).toContainEqual({ name: 'VALUE', value });
      const configMap = [...result.files].find(([f]) => f.includes('configmap-web-config'))!;
      expect(parse(configMap[1]).data['app.conf']).toBe(file);
    }), { numRuns: 80 });
  });

  test('whole declarations of the wrong shape are reported, not crashed on', () => {
    fc.assert(fc.property(
      fc.record({
        teams: fc.oneof(anything, fc.array(anything, { maxLength: 2 })),
        apps: fc.oneof(anything, fc.array(anything, { maxLength: 2 })),
        environments: fc.oneof(anything, fc.array(anything, { maxLength: 2 })),
      }),
      (broken) => {
        const spec = { ...testPlatform(), ...broken } as unknown as PlatformSpec;
        attempt(spec);
      },
    ), { numRuns: 200 });
  });

  test('many apps, huge values: still a bounded, valid render', () => {
    const apps = Array.from({ length: 60 }, (_, i) => service(`app-${i}`, { env: { BIG: 'x'.repeat(10_000) } }));
    const spec = testPlatform({ apps, teams: [{ name: 'alpha', owners: 'alpha@example.com', quota: { requestsCpu: '100', requestsMemory: '200Gi', pods: 500 } }] });
    const started = Date.now();
    const result = attempt(spec);
    expect(Date.now() - started).toBeLessThan(10_000);
    expectValidOutput(result.files!);
  });
});

describe('hostile escape hatches', () => {
  test('an escape hatch that renders wrong types gives a clear error or valid output', () => {
    fc.assert(fc.property(fc.record({ kind: anything, name: anything, spec: anything, apiVersion: anything }), (g) => {
      const extensions = {
        web: (scope: never) => {
          new ApiObject(scope, 'odd', { apiVersion: g.apiVersion as string, kind: g.kind as string, metadata: { name: g.name as string }, spec: g.spec });
        },
      };
      const result = attempt(testPlatform(), extensions);
      if (result.files) expectValidOutput(result.files);
    }), { numRuns: 150 });
  });

  test('an escape hatch that throws a non-Error is reported', () => {
    const result = attempt(testPlatform(), { web: () => { throw 'a string'; } }); // eslint-disable-line no-throw-literal
    expect(result.error).toBeInstanceOf(RenderError);
    expect(result.error!.message).toContain('extensions.web threw');
  });
});

describe('no partial dist/', () => {
  test('whatever fails, dist/ stays exactly as it was', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'robust-'));
    try {
      const out = path.join(tmp, 'dist');
      synthesize({ platform: testPlatform(), outDir: out });
      const before = readTree(out);
      const quiet = { log: () => undefined, error: () => undefined };
      await fc.assert(fc.asyncProperty(hostileApp, async (app) => {
        const spec = testPlatform({ apps: [app], environments: [environment('dev', [String(app.name)])] });
        if (runSynth({ platform: spec, outDir: out, today: '2026-11-21' }, quiet) !== 0) {
          expect(readTree(out)).toEqual(before);
          expect(fs.readdirSync(tmp)).toEqual(['dist']);
        } else {
          synthesize({ platform: testPlatform(), outDir: out });
        }
      }), { numRuns: 60 });
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

test('values that String() throws on (a toString that is not a function) are reported, not crashed on', () => {
  // Found by the property test below (seed -574495126): a migration's migrates, and the other names quoted in fixes.
  const unprintable = { toString: [] } as unknown as string;
  const migration = { ...service('migrate'), ports: [], probes: {}, workload: Workload.migration({ migrates: unprintable }) };
  const web = service('web', { team: unprintable, calls: [unprintable], egress: [unprintable] });
  for (const spec of [
    testPlatform({ apps: [service('api'), migration], environments: [environment('dev', ['api', 'migrate'])] }),
    testPlatform({ apps: [web], environments: [environment('dev', ['web'])] }),
  ]) {
    expect(attempt(spec).error).toBeDefined();
  }
});

test('a cron job and a migration with hostile options are reported', () => {
  fc.assert(fc.property(anything, anything, (schedule, migrates) => {
    const cron = { ...service('nightly'), ports: [], probes: {}, workload: Workload.cronJob({ schedule: schedule as string }) };
    const migration = { ...service('migrate'), ports: [], probes: {}, workload: Workload.migration({ migrates: migrates as string }) };
    attempt(testPlatform({ apps: [service('web'), cron, migration], environments: [environment('dev', ['web', 'nightly', 'migrate'])] }));
  }), { numRuns: 150 });
});
