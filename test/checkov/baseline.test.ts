import * as fs from 'fs';
import * as path from 'path';
import { BaselineEntry, BaselineError, Finding, compare, loadBaseline, validateBaseline } from '../../conformance/checkov/baseline';
import { parseReports } from '../../conformance/checkov/checkov';
import { BASELINE_FILE } from '../../conformance/checkov/cli';
import { report } from '../../conformance/checkov/scan';
import { findTargets, locate } from '../../conformance/checkov/targets';
import { KUBERNETES_RULES } from '../../src/guardrails/kubernetes-rules';
import { TERRAFORM_RULES } from '../../src/guardrails/terraform-rules';

// The checkov run itself needs Python (npm run checkov -- --self-test); these are its pure parts.

const FIXTURE_DIST = path.join(__dirname, '..', '..', 'conformance', 'checkov', 'fixtures', 'dist');
const cluster = 'google_container_cluster.gke_cluster';
const finding = (environment: string, checkId: string, resource = cluster, file = 'terraform/cdk.tf.json'): Finding =>
  ({ environment, checkId, resource, file, checkName: `name of ${checkId}` });
const entry = (check: string, more: Partial<BaselineEntry> = {}): BaselineEntry =>
  ({ check, resource: cluster, reason: 'a reason long enough to be judged by a reviewer', ...more });

describe('compare', () => {
  test('a failure no entry accepts is unaccepted; an accepted one is not', () => {
    const result = compare([finding('dev', 'CKV_GCP_7'), finding('dev', 'CKV_GCP_12')], [entry('CKV_GCP_12')], ['dev']);
    expect(result.unaccepted.map((f) => f.checkId)).toEqual(['CKV_GCP_7']);
    expect(result.accepted.map((a) => a.finding.checkId)).toEqual(['CKV_GCP_12']);
    expect(result.stale).toEqual([]);
  });

  test('an entry without environments must match in every environment, or it is stale where it does not', () => {
    const result = compare([finding('dev', 'CKV_GCP_12')], [entry('CKV_GCP_12')], ['dev', 'prod']);
    expect(result.stale.map((s) => s.environment)).toEqual(['prod']);
  });

  test('an entry limited to some environments accepts nothing elsewhere and is judged only there', () => {
    const result = compare([finding('dev', 'CKV_GCP_12'), finding('prod', 'CKV_GCP_12')], [entry('CKV_GCP_12', { environments: ['dev'] })], ['dev', 'prod']);
    expect(result.unaccepted.map((f) => f.environment)).toEqual(['prod']);
    expect(result.stale).toEqual([]);
  });

  test('resource and file match exactly or with * globs', () => {
    const k8s = finding('dev', 'CKV_K8S_35', 'Deployment.orders.orders-api', 'apps/orders-api/deployment-orders-api.yaml');
    expect(compare([k8s], [entry('CKV_K8S_35', { resource: 'Deployment.orders.*', file: 'apps/orders-api/*.yaml' })], ['dev']).unaccepted).toEqual([]);
    expect(compare([k8s], [entry('CKV_K8S_35', { resource: 'Deployment.orders' })], ['dev']).unaccepted).toHaveLength(1);
    expect(compare([k8s], [entry('CKV_K8S_35', { resource: 'Deployment.orders.orders-api', file: 'apps/other/*' })], ['dev']).unaccepted).toHaveLength(1);
    // A dot in a pattern is a dot, not any character.
    expect(compare([finding('dev', 'CKV_GCP_12', 'google_container_clusterXgke_cluster')], [entry('CKV_GCP_12')], ['dev']).unaccepted).toHaveLength(1);
  });
});

describe('validateBaseline', () => {
  test('reports every problem at once, with its entry', () => {
    const doc = { accepted: [{ check: 'GCP_12', resource: cluster, reason: 'short' }, { check: 'CKV_GCP_12', resource: cluster, reason: 'x'.repeat(40), todo: true, because: 1 }] };
    expect(() => validateBaseline(doc, 'b.yaml')).toThrow(BaselineError);
    let message = '';
    try {
      validateBaseline(doc, 'b.yaml');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('b.yaml: accepted[0].check: "GCP_12" is not a checkov check id');
    expect(message).toContain('b.yaml: accepted[0].reason: say what the check wants');
    expect(message).toContain('b.yaml: accepted[1]: unknown key "because"');
    expect(message).toContain('b.yaml: accepted[1].owner: a todo entry names who fixes it');
  });

  test('the committed baseline is valid: every entry has a reason, every todo an owner', () => {
    const baseline = loadBaseline(BASELINE_FILE);
    expect(baseline.entries.length).toBeGreaterThan(0);
    for (const e of baseline.entries) {
      expect(e.reason.length).toBeGreaterThanOrEqual(40);
      if (e.todo) expect(e.owner).toBeTruthy();
    }
  });
});

describe('checkov output', () => {
  test('parseReports reads one report, a list of reports, and an empty result', () => {
    const tf = { check_type: 'terraform_json', summary: { passed: 3 }, results: { failed_checks: [{ check_id: 'CKV_GCP_7', check_name: 'n', file_abs_path: '/d/dev/x', resource: 'resource.a' }] } };
    const k8s = { check_type: 'kubernetes', summary: { passed: 2 }, results: { failed_checks: [], parsing_errors: ['/d/dev/bad.yaml'] } };
    expect(parseReports(tf).failures).toEqual([{ framework: 'terraform_json', checkId: 'CKV_GCP_7', checkName: 'n', file: '/d/dev/x', resource: 'resource.a' }]);
    expect(parseReports([tf, k8s])).toMatchObject({ passed: 5, parsingErrors: ['/d/dev/bad.yaml'] });
    expect(parseReports({ passed: 0, failed: 0 })).toEqual({ failures: [], passed: 0, parsingErrors: [] });
  });

  test('locate names the environment, the file inside it, and the Terraform resource with its type', () => {
    const file = path.join(FIXTURE_DIST, 'dev', 'terraform', 'cdk.tf.json');
    expect(locate({ framework: 'terraform_json', checkId: 'CKV_GCP_7', checkName: 'n', file, resource: 'resource.gke_cluster' }, FIXTURE_DIST))
      .toEqual({ environment: 'dev', file: 'terraform/cdk.tf.json', checkId: 'CKV_GCP_7', checkName: 'n', resource: cluster });
  });

  test('the scan leaves kustomization files out', () => {
    const targets = findTargets(FIXTURE_DIST);
    expect(targets.environments).toEqual(['dev', 'prod']);
    expect(targets.kubernetes.map((f) => path.relative(FIXTURE_DIST, f))).toEqual([path.join('dev', 'apps', 'bad', 'deployment-bad.yaml')]);
    expect(targets.terraform).toHaveLength(2);
  });

  test('the report prints each new failure and stale entry, and ends with a one-line summary', () => {
    const result = { targets: findTargets(FIXTURE_DIST), findings: [finding('dev', 'CKV_GCP_7')], passed: 10, parsingErrors: [] };
    const { lines, exitCode } = report(result, { file: 'baseline.yaml', entries: [entry('CKV_GCP_12', { environments: ['prod'] })] }, 1.5);
    expect(exitCode).toBe(1);
    expect(lines).toContain('NEW   CKV_GCP_7 name of CKV_GCP_7');
    expect(lines.some((l) => l.startsWith('STALE baseline.yaml accepted[0] CKV_GCP_12 google_container_cluster.gke_cluster: no longer fails in prod'))).toBe(true);
    expect(lines[lines.length - 1]).toMatch(/^checkov \S+: FAILED: 1 new failure, 1 stale baseline entry, 0 accepted by 0 entries \(0 todo\), 10 passed; 3 files in 2 environments in 1\.5 s$/);
  });
});

describe('docs/checkov.md', () => {
  test('maps every guardrail rule of ours to checkov (or says it has none)', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'checkov.md'), 'utf8');
    const missing = [...TERRAFORM_RULES, ...KUBERNETES_RULES].map((r) => r.id).filter((id) => !doc.includes(`| \`${id}\` |`));
    expect(missing).toEqual([]);
  });
});
