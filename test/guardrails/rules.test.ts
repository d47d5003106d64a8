import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { runCheck } from '../../src/cli/check';
import { runSynth } from '../../src/cli/synth';
import {
  CheckedObject, GuardrailError, KUBERNETES_RULES, PlatformGuardrailsValidation, formatReport, runGuardrails,
} from '../../src/guardrails';
import { renderKubernetes } from '../../src/k8s';
import { previewableApps } from '../../src/k8s/preview';
import { AppSpec, CanaryStep, Delivery, PlatformValidationError, Tier, resolvePlatform } from '../../src/model';
import { readTree, renderPlatform, synthesize } from '../../src/synth';
import { environment, fullPlatform, platform as testPlatform, render, service } from '../fixtures';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A production platform with one service, rendered; objects can be mutated per test. */
function prodPlatform(apps: AppSpec[] = [service('web', { autoscaling: { minReplicas: 2, maxReplicas: 4 } })], replicas?: number) {
  const overrides = replicas === undefined ? {} : { apps: Object.fromEntries(apps.map((a) => [a.name, { replicas }])) };
  return testPlatform({ apps, environments: [environment('prod', apps.map((a) => a.name), { tier: Tier.PRODUCTION, ...overrides })] });
}

function renderedObjects(spec = prodPlatform()): CheckedObject[] {
  return JSON.parse(JSON.stringify(renderKubernetes(resolvePlatform(spec))));
}

/** The rule ids that fire after mutating the web Deployment (or any object) of a clean render. */
function rulesAfter(mutate: (objects: CheckedObject[]) => void, spec = prodPlatform()): string[] {
  const objects = renderedObjects(spec);
  mutate(objects);
  const report = runGuardrails(objects, { platform: resolvePlatform(spec), today: '2026-11-21' });
  return [...new Set(report.violations.map((v) => v.rule))].sort();
}

const deployment = (objects: CheckedObject[]): Json => objects.find((o) => o.manifest.kind === 'Deployment')!.manifest;
const container = (objects: CheckedObject[]): Json => deployment(objects).spec.template.spec.containers[0];

describe('the rules', () => {
  test('each has a stable id, a rationale, a fix and equivalents', () => {
    const ids = KUBERNETES_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of KUBERNETES_RULES) {
      expect(r.id).toMatch(/^[a-z0-9-]+$/);
      expect(r.rationale.length).toBeGreaterThan(20);
      expect(r.fix.length).toBeGreaterThan(10);
      expect(r.equivalents.length).toBeGreaterThan(0);
    }
  });

  test('a platform using every part of the engine passes every rule; the only exemptions are the built-in ones (previews, cluster registration)', () => {
    const { guardrails } = render(fullPlatform());
    expect(guardrails.violations).toEqual([]);
    const kubernetes = guardrails.exempted.filter((e) => !e.kind.startsWith('terraform:'));
    expect(kubernetes.map((e) => `${e.environment}:${e.rule}:${e.kind}/${e.name}`)).toEqual([
      'dev:argocd-project-no-wildcards:AppProject/preview-namespaces', 'dev:argocd-project-no-wildcards:AppProject/preview',
      'dev:no-secret-data:Secret/cluster-test-dev', 'staging:no-secret-data:Secret/cluster-test-staging', 'prod:no-secret-data:Secret/cluster-test-prod',
    ]);
    expect(guardrails.exempted.every((e) => e.reason.startsWith('built in: '))).toBe(true);
  });

  test('the built-in exemption does not cover a cluster Secret that carries a credential', () => {
    expect(rulesAfter((o) => {
      const secret = o.find((x) => x.manifest.kind === 'Secret')!.manifest as Json;
      secret.stringData.config = '{"bearerToken":"abc"}';
    })).toEqual(['no-secret-data']);
  });

  test('a clean render of a production test platform has no violation', () => {
    expect(rulesAfter(() => undefined)).toEqual([]);
  });

  test.each<[string, (objects: CheckedObject[]) => void]>([
    ['run-as-non-root', (o) => { container(o).securityContext.runAsNonRoot = false; }],
    ['no-privilege-escalation', (o) => { delete container(o).securityContext.allowPrivilegeEscalation; }],
    ['drop-all-capabilities', (o) => { container(o).securityContext.capabilities = { drop: ['NET_RAW'], add: ['SYS_ADMIN'] }; }],
    ['seccomp-runtime-default', (o) => { container(o).securityContext.seccompProfile = { type: 'Unconfined' }; }],
    ['no-host-namespaces', (o) => { deployment(o).spec.template.spec.hostNetwork = true; }],
    ['no-host-path', (o) => { deployment(o).spec.template.spec.volumes.push({ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }); }],
    ['no-host-ports', (o) => { container(o).ports[0].hostPort = 8080; }],
    ['not-privileged', (o) => { container(o).securityContext.privileged = true; }],
    ['read-only-root-filesystem', (o) => { container(o).securityContext.readOnlyRootFilesystem = false; }],
    ['resources-requests-limits', (o) => { delete container(o).resources.limits; }],
    ['readiness-liveness-probes', (o) => { delete container(o).livenessProbe; }],
    ['no-default-namespace', (o) => { (o.find((x) => x.manifest.kind === 'ServiceAccount')!.manifest as Json).metadata.namespace = 'default'; }],
    ['production-zone-spread', (o) => { delete deployment(o).spec.template.spec.topologySpreadConstraints; }],
    ['service-selects-pods', (o) => { (o.find((x) => x.manifest.kind === 'Service')!.manifest as Json).spec.selector = { app: 'nothing' }; }],
    ['argocd-no-default-project', (o) => { (o.find((x) => x.manifest.kind === 'Application' && x.manifest.metadata!.name === 'web')!.manifest as Json).spec.project = 'default'; }],
    ['argocd-application-own-path', (o) => { (o.find((x) => x.manifest.kind === 'Application' && x.manifest.metadata!.name === 'web')!.manifest as Json).spec.source.path = 'dist/prod/apps/other'; }],
    ['argocd-destination-own-cluster', (o) => { (o.find((x) => x.manifest.kind === 'Application' && x.manifest.metadata!.name === 'web')!.manifest as Json).spec.destination.name = 'test-dev'; }],
    ['argocd-project-no-wildcards', (o) => { (o.find((x) => x.manifest.kind === 'AppProject' && x.manifest.metadata!.name === 'alpha')!.manifest as Json).spec.destinations.push({ name: '*', namespace: '*' }); }],
    ['argocd-project-role-policies', (o) => {
      (o.find((x) => x.manifest.kind === 'AppProject' && x.manifest.metadata!.name === 'alpha')!.manifest as Json).spec.roles[0].policies.push('p, proj:alpha:developers, projects, get, alpha/*, allow');
    }],
  ])('%s fires on its violation', (rule, mutate) => {
    expect(rulesAfter(mutate)).toContain(rule);
  });

  test('rollout-canary-gets-traffic: a stable Service without traffic routing is refused; our canaries name none', () => {
    const canary = prodPlatform([service('web', { autoscaling: { minReplicas: 2, maxReplicas: 4 }, delivery: Delivery.canary({ steps: [CanaryStep.weight(20), CanaryStep.pause('5m')] }) })]);
    expect(rulesAfter(() => undefined, canary)).toEqual([]);
    const strategy = (o: CheckedObject[]): Json => (o.find((x) => x.manifest.kind === 'Rollout')!.manifest as Json).spec.strategy.canary;
    expect(rulesAfter((o) => Object.assign(strategy(o), { stableService: 'web', canaryService: 'web-canary' }), canary)).toEqual(['rollout-canary-gets-traffic']);
    // A canaryService alone narrows only that extra Service: the app's own still spans both sets of pods.
    expect(rulesAfter((o) => Object.assign(strategy(o), { canaryService: 'web-canary' }), canary)).toEqual([]);
    // With traffic routing, the Services are how traffic is split: allowed.
    expect(rulesAfter((o) => Object.assign(strategy(o), { stableService: 'web', canaryService: 'web-canary', trafficRouting: { nginx: { stableIngress: 'web' } } }), canary))
      .not.toContain('rollout-canary-gets-traffic');
  });

  test('previews-github-rate-limit warns once per environment when anonymous pull-request generators poll over 60 times an hour', () => {
    // GIVEN previews of four apps in dev, polling GitHub with a token
    const full = render(fullPlatform());
    const dev = (): CheckedObject[] => JSON.parse(JSON.stringify(full.objects.filter((o) => o.environment === 'dev')));
    const warnings = (objects: CheckedObject[]) => runGuardrails(objects, { platform: full.resolved, today: '2026-11-21' }).violations
      .filter((v) => v.rule === 'previews-github-rate-limit');
    const sets = (o: CheckedObject[]): Json[] => o.filter((x) => x.manifest.kind === 'ApplicationSet').map((x) => x.manifest);
    // With the token: nothing to say.
    expect(sets(dev()).every((s) => s.spec.generators[0].pullRequest.github.tokenRef)).toBe(true);
    expect(warnings(dev())).toEqual([]);
    // Without it, eight generators polling every 180 s make 160 requests an hour: one warning, on the first ApplicationSet.
    const anonymous = dev();
    for (const s of sets(anonymous)) delete s.spec.generators[0].pullRequest.github.tokenRef;
    const [warning, ...more] = warnings(anonymous);
    expect(more).toEqual([]);
    expect(warning).toMatchObject({ severity: 'warning', name: 'preview-backend', path: 'spec.generators' });
    // Two per app (its namespace and its app), every 180 s: 20 requests an hour each.
    const n = sets(anonymous).length;
    expect(n).toBe(2 * previewableApps(full.resolved.environments[0]).length);
    expect(n).toBe(8);
    expect(warning.message).toContain(`${n} pull-request generators without a token poll GitHub about ${n * 20} times an hour, over the anonymous limit of 60`);
    // Every n minutes, n generators make exactly 60: within the limit.
    for (const s of sets(anonymous)) s.spec.generators[0].pullRequest.requeueAfterSeconds = n * 60;
    expect(warnings(anonymous)).toEqual([]);
  });

  test('images: no tag or latest everywhere, a digest in production', () => {
    expect(rulesAfter((o) => { container(o).image = 'registry.example.com/apps/web'; })).toEqual(['image-digest-in-production', 'image-tag-pinned']);
    expect(rulesAfter((o) => { container(o).image = 'registry.example.com/apps/web:latest'; })).toEqual(['image-digest-in-production', 'image-tag-pinned']);
    expect(rulesAfter((o) => { container(o).image = 'registry.example.com:5000/apps/web:1.0.0'; })).toEqual(['image-digest-in-production']);
  });

  test('secrets: no Secret with data, no secret-looking env values or config', () => {
    expect(rulesAfter((o) => o.push({ ...o[0], file: 'apps/web/secret-x.yaml', manifest: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x', namespace: 'alpha' }, data: { k: 'djE=' } } })))
      .toEqual(['argocd-project-admits-kind', 'no-secret-data']);
    expect(rulesAfter((o) => { container(o).env = [{ name: 'DB_PASSWORD', value: 'hunter2hunter2' }]; })).toEqual(['no-secret-looking-values']);
    expect(rulesAfter((o) => { container(o).env = [{ name: 'DATABASE_URL', value: 'postgres://app:s3cr3t@db:5432/app' }]; })).toEqual(['no-secret-looking-values']);
    expect(rulesAfter((o) => o.push({ ...o[0], file: 'apps/web/configmap-c.yaml', manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'alpha' }, data: { 'app.yaml': 'db:\n  password: correcthorse\n' } } })))
      .toEqual(['no-secret-looking-values']);
    // Names that merely sound secret are fine with non-secret values.
    expect(rulesAfter((o) => { container(o).env = [{ name: 'TOKEN_TTL_SECONDS', value: '3600' }, { name: 'AUTH_URL', value: 'https://auth.example.com/login' }]; })).toEqual([]);
  });

  test('every pod must be selected by a NetworkPolicy', () => {
    expect(rulesAfter((o) => {
      for (const p of o.filter((x) => x.manifest.kind === 'NetworkPolicy')) (p.manifest as Json).spec.podSelector = { matchLabels: { none: 'x' } };
    })).toContain('pods-network-isolated');
  });

  test('production: two replicas, and a disruption budget that allows a disruption', () => {
    // The model refuses one replica where it is declared; the rule still judges what is rendered (an escape hatch's, say).
    const fixed = prodPlatform([service('web')], 2);
    expect(rulesAfter(() => undefined, fixed)).toEqual([]);
    expect(rulesAfter((o) => { deployment(o).spec.replicas = 1; }, fixed)).toEqual(['production-replicas']);
    expect(rulesAfter((o) => { (o.find((x) => x.manifest.kind === 'PodDisruptionBudget')!.manifest as Json).spec = { minAvailable: 2, selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } }; }))
      .toEqual(['production-disruption-budget']);
    expect(rulesAfter((o) => o.splice(o.findIndex((x) => x.manifest.kind === 'PodDisruptionBudget'), 1))).toEqual(['production-disruption-budget']);
  });

  test('production rules do not apply outside production', () => {
    const dev = testPlatform({ apps: [service('web')] });
    expect(rulesAfter((o) => { delete deployment(o).spec.template.spec.topologySpreadConstraints; }, dev)).toEqual([]);
  });

  test('a malformed object is reported, not crashed on', () => {
    expect(() => rulesAfter((o) => { deployment(o).spec.template.spec.containers = [null]; })).not.toThrow();
  });
});

describe('exemptions', () => {
  const spec = (exemptions: AppSpec['exemptions']) => prodPlatform([service('web', { autoscaling: { minReplicas: 2, maxReplicas: 4 }, exemptions })]);
  const writable = (o: CheckedObject[]) => { container(o).securityContext.readOnlyRootFilesystem = false; };
  const run = (s: ReturnType<typeof spec>, today = '2026-11-21') => {
    const objects = renderedObjects(s);
    writable(objects);
    return runGuardrails(objects, { platform: resolvePlatform(s), today });
  };

  test('an exemption with a reason allows the violation and is listed in the report', () => {
    const report = run(spec([{ rule: 'read-only-root-filesystem', reason: 'vendor image writes its cache under /var/lib/app' }]));
    expect(report.errors).toBe(0);
    expect(report.exempted.map((e) => e.rule).sort()).toEqual(['no-secret-data', 'read-only-root-filesystem']);
    expect(formatReport(report).join('\n')).toContain('read-only-root-filesystem: [prod] app web Deployment alpha/web at spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem - vendor image writes its cache under /var/lib/app');
  });

  test('an expired exemption stops holding and says so', () => {
    const report = run(spec([{ rule: 'read-only-root-filesystem', reason: 'vendor image writes its cache', expires: '2026-11-20' }]));
    expect(report.violations.map((v) => v.rule)).toEqual(['read-only-root-filesystem']);
    expect(report.exemptionProblems).toEqual([expect.stringContaining('the exemption from "read-only-root-filesystem" expired on 2026-11-20')]);
    expect(run(spec([{ rule: 'read-only-root-filesystem', reason: 'vendor image writes its cache', expires: '2026-11-21' }])).errors).toBe(0);
  });

  test('an exemption of an unknown rule is an error with a suggestion', () => {
    const report = run(spec([{ rule: 'read-only-rootfs', reason: 'vendor image writes its cache' }]));
    expect(report.exemptionProblems).toEqual([expect.stringContaining('exempts unknown rule "read-only-rootfs"; use a rule id from the report (did you mean "read-only-root-filesystem"?)')]);
  });

  test('an exemption needs a real reason', () => {
    expect(() => resolvePlatform(spec([{ rule: 'read-only-root-filesystem', reason: 'because' }]))).toThrow(PlatformValidationError);
    expect(() => resolvePlatform(spec([{ rule: 'read-only-root-filesystem', reason: 'vendor image writes', expires: '31/12/2026' }]))).toThrow(/expires: is not a date YYYY-MM-DD/);
  });
});

describe('where the guardrails run', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const privileged = {
    web: (scope: Construct) => {
      new k8s.KubePod(scope, 'debug', { metadata: { name: 'debug' }, spec: { containers: [{ name: 'sh', image: 'busybox:1.36', securityContext: { privileged: true } }] } });
    },
  };
  const quiet = () => {
    const lines: string[] = [];
    return { lines, log: (s: string) => lines.push(s), error: (s: string) => lines.push(s) };
  };

  test('synth: a violation from an escape hatch fails the synth and nothing is written', async () => {
    const out = path.join(tmp, 'dist');
    synthesize({ platform: testPlatform(), outDir: out });
    const before = readTree(out);
    expect(() => renderPlatform({ platform: testPlatform(), extensions: privileged })).toThrow(GuardrailError);
    const console = quiet();
    expect(runSynth({ platform: testPlatform(), extensions: privileged, outDir: out }, console)).toBe(1);
    const text = console.lines.join('\n');
    expect(text).toContain('ERROR not-privileged: [dev] app web Pod alpha/debug');
    expect(text).toContain('spec.containers[0].securityContext.privileged: containers must not run privileged (received true)');
    expect(text).toContain('source: app-web/debug -> dist/dev/apps/web/pod-debug.yaml');
    expect(text).toMatch(/Guardrails: \d+ errors/);
    expect(readTree(out)).toEqual(before);
  });

  test('synth: a failed synth prints the errors, not the exemptions in force', () => {
    const console = quiet();
    expect(runSynth({ platform: testPlatform(), extensions: privileged, outDir: path.join(tmp, 'dist') }, console)).toBe(1);
    const text = console.lines.join('\n');
    expect(text).toMatch(/Guardrails: \d+ errors, 0 warnings, [1-9]\d* exempted/);
    expect(text).not.toContain('Exemptions in force');
  });

  test('synth: a field the API does not define fails the synth with the schema error and a suggestion', async () => {
    const typo = {
      web: (scope: Construct) => {
        new ApiObject(scope, 'typo', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'typo' }, data: { a: 'b' }, imutable: true });
      },
    };
    const console = quiet();
    expect(runSynth({ platform: testPlatform(), extensions: typo, outDir: path.join(tmp, 'dist') }, console)).toBe(1);
    const text = console.lines.join('\n');
    expect(text).toContain('ERROR schema: [dev] app web ConfigMap alpha/typo');
    expect(text).toContain('imutable: unknown field "imutable"; did you mean "immutable"?');
    expect(fs.existsSync(path.join(tmp, 'dist'))).toBe(false);
  });

  test('check: a hand edit in dist/ is caught with the file, object, rule and field', () => {
    const out = path.join(tmp, 'dist');
    synthesize({ platform: testPlatform(), outDir: out });
    const file = path.join(out, 'dev', 'apps', 'web', 'deployment-web.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false'));
    fs.writeFileSync(path.join(out, 'dev', 'apps', 'web', 'broken.yaml'), 'kind: [unclosed');
    const console = quiet();
    expect(runCheck({ platform: testPlatform(), distDir: out, today: '2026-11-21' }, console)).toBe(1);
    const text = console.lines.join('\n');
    expect(text).toContain('ERROR read-only-root-filesystem: [dev] app web Deployment alpha/web');
    expect(text).toContain('spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem');
    expect(text).toContain(`file: ${path.relative(process.cwd(), out)}/dev/apps/web/deployment-web.yaml`);
    expect(text).toMatch(/ERROR unreadable: .*dev\/apps\/web\/broken.yaml is not valid YAML/);
    // The guardrail summary counts objects; the total says the unreadable file counts too.
    expect(text).toContain('Guardrails: 1 error');
    expect(text).toContain('Also 1 unreadable file: 2 errors in all');
  });

  test('check: a clean tree passes', () => {
    const out = path.join(tmp, 'dist');
    synthesize({ platform: testPlatform(), outDir: out });
    const console = quiet();
    expect(runCheck({ platform: testPlatform(), distDir: out }, console)).toBe(0);
    expect(console.lines.join('\n')).toMatch(/Guardrails: 0 errors/);
  });

  test('the cdk8s plugin fails the CLI\'s validation with the violations', () => {
    const out = path.join(tmp, 'cdk8s.out');
    const objects = renderedObjects(testPlatform());
    const files = new Map(objects.map((o) => [`${o.environment}/${o.file}`, JSON.stringify(o.manifest)]));
    const dep = [...files.keys()].find((f) => f.includes('deployment-web'))!;
    files.set(dep, files.get(dep)!.replace('"privileged":false', '"privileged":true'));
    for (const [f, c] of files) {
      fs.mkdirSync(path.dirname(path.join(out, f)), { recursive: true });
      fs.writeFileSync(path.join(out, f), c);
    }
    const violations: Json[] = [];
    let status = '';
    new PlatformGuardrailsValidation({ platform: testPlatform(), outdir: out }).validate({
      manifests: [...files.keys()].map((f) => path.join(out, f)),
      report: { addViolation: (v) => violations.push(v), submit: (s) => { status = s; } },
      logger: { log: () => undefined },
    });
    expect(status).toBe('failure');
    expect(violations.map((v) => v.ruleName)).toEqual(['not-privileged']);
    expect(violations[0].violatingResources[0]).toMatchObject({ resourceName: 'dev/Deployment/alpha/web', locations: ['spec.template.spec.containers[0].securityContext.privileged'] });
  });
});

test('docs/guardrails.md documents every rule', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'guardrails.md'), 'utf8');
  for (const r of KUBERNETES_RULES) expect({ rule: r.id, documented: readme.includes(`| \`${r.id}\` |`) }).toEqual({ rule: r.id, documented: true });
});
