import * as path from 'path';
import { BaselineEntry, loadBaseline } from './baseline';
import { CHECKOV_VERSION, Installation, Say } from './checkov';
import { ScanResult, report, scan } from './scan';

const FIXTURES = path.join(__dirname, 'fixtures');

/**
 * `npm run checkov -- --self-test`: the real checkov over a fixture tree
 * (fixtures/dist: a GKE cluster with legacy ABAC in dev only, a privileged
 * Deployment, a kustomization file), judged against fixture baselines. It
 * proves that a failure the baseline does not accept fails the run and is
 * printed, that an entry fixed in one environment is stale there, and that a
 * baseline matching exactly passes. Prints `self-test: N passed, M failed`.
 */
export async function selfTest(installation: Installation, say: Say, out: Pick<Console, 'log' | 'error'>): Promise<number> {
  const started = process.hrtime.bigint();
  const distDir = path.join(FIXTURES, 'dist');
  say(`scanning the fixtures in ${path.relative(process.cwd(), distDir)} and judging them against three baselines`);
  const result = await scan(installation, distDir);
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  let passed = 0;
  let failed = 0;
  const expect = (what: string, ok: boolean, detail = '') => {
    if (ok) passed++;
    else failed++;
    out.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${ok || !detail ? '' : `\n     ${detail}`}`);
  };
  const cluster = 'google_container_cluster.gke_cluster';

  expect('the kustomization file is not scanned', !result.targets.kubernetes.some((f) => f.endsWith('kustomization.yaml')) && result.targets.kubernetes.length === 1,
    result.targets.kubernetes.join(', '));
  expect('Terraform resources are named <type>.<name>', result.findings.some((f) => f.checkId === 'CKV_GCP_7' && f.resource === cluster),
    result.findings.filter((f) => f.checkId === 'CKV_GCP_7').map((f) => f.resource).join(', '));

  // A: the fixture baseline accepts CKV_GCP_12 everywhere and CKV_GCP_7 everywhere (it fails in dev only).
  const fixture = loadBaseline(path.join(FIXTURES, 'baseline.yaml'));
  const a = report(result, fixture, seconds());
  const printed = a.lines.join('\n');
  expect('a new failure fails the run', a.exitCode === 1, `exit code ${a.exitCode}`);
  expect('the new failure is printed with check id, name, file and resource',
    /NEW {3}CKV_K8S_16 Container should not be privileged\n.*dev\/apps\/bad\/deployment-bad\.yaml {2}Deployment\.fixture\.bad/.test(printed), printed);
  expect('an accepted failure is not new', a.comparison.accepted.some((x) => x.finding.checkId === 'CKV_GCP_12')
    && !a.comparison.unaccepted.some((f) => f.checkId === 'CKV_GCP_12' || f.checkId === 'CKV_GCP_7'));
  expect('an entry that matches in dev only is stale in prod, and only there',
    a.comparison.stale.length === 1 && a.comparison.stale[0].entry.check === 'CKV_GCP_7' && a.comparison.stale[0].environment === 'prod',
    JSON.stringify(a.comparison.stale.map((s) => [s.entry.check, s.environment])));
  expect('the last line is the summary', a.lines[a.lines.length - 1].startsWith(`checkov ${CHECKOV_VERSION}: FAILED: `), a.lines[a.lines.length - 1]);

  // B: a baseline that accepts exactly what fails, per environment, passes.
  const exact = exactBaseline(result);
  const b = report(result, { file: 'exact baseline', entries: exact }, seconds());
  expect('a baseline that accepts exactly what fails passes', b.exitCode === 0 && b.comparison.stale.length === 0 && b.comparison.unaccepted.length === 0,
    b.lines.join('\n'));

  // C: the same plus an entry for a check that passes: the stale entry alone fails the run.
  const extra: BaselineEntry = { check: 'CKV_GCP_7', resource: cluster, environments: ['prod'], reason: 'fixture: legacy ABAC is off in prod, so this matches nothing' };
  const c = report(result, { file: 'exact baseline + 1', entries: [...exact, extra] }, seconds());
  expect('a stale entry alone fails the run', c.exitCode === 1 && c.comparison.unaccepted.length === 0 && c.comparison.stale.length === 1,
    c.lines.slice(-3).join('\n'));

  out.log(`self-test: ${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

function exactBaseline(result: ScanResult): BaselineEntry[] {
  const entries = new Map<string, BaselineEntry>();
  for (const f of result.findings) {
    const key = `${f.checkId} ${f.resource} ${f.environment}`;
    entries.set(key, { check: f.checkId, resource: f.resource, environments: [f.environment], reason: 'fixture: accepts exactly this failure' });
  }
  return [...entries.values()];
}
