import * as fs from 'fs';
import * as path from 'path';
import {
  applicationProblems, destinationProblems, externalSecretProblems, ingressProblems, restrictedProfileProblems, where, workloadIdentityProblems,
} from './properties';
import { appSourcesIn, renderCodeOwners } from '../src/delivery/codeowners';
import { CheckedStack, GuardrailError, KUBERNETES_RULES, TERRAFORM_RULES, runGuardrails, schemaValidator } from '../src/guardrails';
import { resolvePlatform } from '../src/model';
import { extensions, platform } from '../src/platform';
import { RenderedPlatform, renderPlatform } from '../src/synth';

/*
 * The organisation's own platform (src/platform.ts, src/apps/, src/teams.ts,
 * environments/) is checked here only by what holds for any valid platform,
 * iterating whatever it declares: adding, renaming or removing an app, a team
 * or an environment never needs an edit here. Its exact output is the
 * committed dist/, checked byte for byte by `npm run check` (drift). The
 * engine's behaviours are tested on fixtures, in the other test files.
 */

const ROOT = path.join(__dirname, '..');
const NO_SCHEMA = { validate: () => [] };

let rendered: RenderedPlatform;
let renderError: unknown;
beforeAll(() => {
  try {
    rendered = renderPlatform({ platform, extensions });
  } catch (err) {
    renderError = err;
  }
});

/** The rendered example; fails the calling test with the render's own error when it did not render. */
function example(): RenderedPlatform {
  if (!rendered) throw renderError;
  return rendered;
}

test('resolves: every declaration is valid and names only fields the model knows', () => {
  expect(() => resolvePlatform(platform)).not.toThrow();
});

test('renders every environment with no guardrail error', () => {
  const problems = renderError instanceof GuardrailError ? renderError.message : renderError;
  expect(problems).toBeUndefined();
  expect(example().guardrails.errors).toBe(0);
  expect(example().resolved.environments.map((e) => e.name)).toEqual(platform.environments.map((e) => e.name));
});

test('every guardrail exemption that applies is built in or declared, with its reason', () => {
  const declared = new Set([
    ...(platform.exemptions ?? []).map((e) => e.reason),
    ...platform.apps.flatMap((a) => a.exemptions ?? []).map((e) => e.reason),
  ]);
  const unexplained = example().guardrails.exempted.filter((e) => !e.reason.startsWith('built in: ') && !declared.has(e.reason));
  expect(unexplained).toEqual([]);
});

test('every object validates against its Kubernetes or CRD schema', () => {
  const validator = schemaValidator();
  const problems = example().objects.flatMap((o) => validator.validate(o.manifest).map((v) => `${where(o)}: ${v.path}: ${v.message}`));
  expect(problems).toEqual([]);
});

test('every pod meets the restricted Pod Security Standard its namespace enforces', () => {
  expect(restrictedProfileProblems(example().objects)).toEqual([]);
});

test('every app has an Application in each environment where it is enabled, and none where it is disabled', () => {
  expect(applicationProblems(platform, example())).toEqual([]);
});

test('every ExternalSecret reads a Secret Manager secret that its environment\'s Terraform declares, readable by its store\'s identity', () => {
  expect(platform.environments.flatMap((env) => externalSecretProblems(example(), env.name))).toEqual([]);
});

test('every Workload Identity annotation names a service account that its environment\'s Terraform creates, for that ServiceAccount only', () => {
  expect(platform.environments.flatMap((env) => workloadIdentityProblems(example(), env.name))).toEqual([]);
});

test('every Argo CD destination is the cluster its environment\'s Terraform builds', () => {
  expect(platform.environments.flatMap((env) => destinationProblems(example(), env.name))).toEqual([]);
});

test('every Ingress names an address and a certificate for its hosts that its environment\'s Terraform creates', () => {
  expect(platform.environments.flatMap((env) => ingressProblems(example(), env.name))).toEqual([]);
});

describe('production rules, as the guardrails state them (one statement of each rule, shared with the synth)', () => {
  const production = () => example().resolved.environments.filter((e) => e.tier.isProduction).map((e) => e.name);

  test.each(KUBERNETES_RULES.filter((r) => r.scope === 'production').map((r) => [r.id, r]))('%s holds in every production environment', (_id, rule) => {
    const objects = example().objects.filter((o) => production().includes(o.environment));
    const report = runGuardrails(objects, { platform: example().resolved, rules: [rule], terraformRules: [], schema: NO_SCHEMA });
    expect(report.violations.map((v) => `${v.environment}/${v.file}: ${v.path}: ${v.message}`)).toEqual([]);
  });

  test.each(TERRAFORM_RULES.filter((r) => r.scope === 'production').map((r) => [r.id, r]))('%s holds in every production environment\'s Terraform', (_id, rule) => {
    const stacks: CheckedStack[] = example().stacks.filter((s) => production().includes(s.environment))
      .map((s) => ({ environment: s.environment, file: s.file, source: `stack ${s.environment}`, json: s.json as CheckedStack['json'] }));
    const report = runGuardrails([], { platform: example().resolved, rules: [], terraformRules: [rule], stacks, schema: NO_SCHEMA });
    expect(report.violations.map((v) => `${v.environment}/${v.file}: ${v.kind} ${v.name} ${v.path}: ${v.message}`)).toEqual([]);
  });
});

test('the committed .github/CODEOWNERS is what the model renders (run `npm run codeowners` after changing teams, apps or environments)', () => {
  const codeOwners = renderCodeOwners(resolvePlatform(platform), { appSource: appSourcesIn(ROOT) });
  expect(fs.readFileSync(path.join(ROOT, '.github', 'CODEOWNERS'), 'utf8')).toBe(codeOwners);
});
