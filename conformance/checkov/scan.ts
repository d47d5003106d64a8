import * as os from 'os';
import * as path from 'path';
import { Baseline, Comparison, Finding, compare } from './baseline';
import { CHECKOV_VERSION, CheckovError, Installation, runCheckov } from './checkov';
import { Targets, findTargets, locate } from './targets';

export interface ScanResult {
  readonly targets: Targets;
  readonly findings: Finding[];
  readonly passed: number;
  /** `<env>/<file>: <problem>`: files checkov could not parse, so did not check. */
  readonly parsingErrors: string[];
}

/**
 * Runs checkov over every environment of a rendered tree, one process per
 * environment (graph checks such as "a NetworkPolicy selects this pod" must
 * not be satisfied by another environment's objects), as many at once as there are CPUs.
 */
export async function scan(installation: Installation, distDir: string): Promise<ScanResult> {
  const targets = findTargets(distDir);
  if (targets.environments.length === 0) throw new CheckovError(`${distDir} holds no environment directory: run npm run synth first`);
  const perEnv = targets.environments.map((env) => {
    const inEnv = (f: string) => f.startsWith(path.join(distDir, env) + path.sep);
    return [...targets.terraform.filter(inEnv), ...targets.kubernetes.filter(inEnv)];
  });
  const results = await inBatches(perEnv, os.availableParallelism?.() ?? os.cpus().length, (files) => runCheckov(installation, files));
  const cache = new Map();
  const findings = results.flatMap((r) => r.failures.map((f) => locate(f, distDir, cache)))
    .sort((a, b) => `${a.environment}\0${a.file}\0${a.resource}\0${a.checkId}`.localeCompare(`${b.environment}\0${b.file}\0${b.resource}\0${b.checkId}`));
  const parsingErrors = results.flatMap((r) => r.parsingErrors.map((p) => path.relative(distDir, path.resolve(distDir, p))));
  return { targets, findings, passed: results.reduce((n, r) => n + r.passed, 0), parsingErrors };
}

/** What the run reports, line by line, and its exit code: non-zero on a new failure, a stale entry or an unparsed file. */
export function report(result: ScanResult, baseline: Baseline, seconds: number): { lines: string[]; exitCode: number; comparison: Comparison } {
  const comparison = compare(result.findings, baseline.entries, result.targets.environments);
  const where = path.relative(process.cwd(), result.targets.distDir) || '.';
  const lines: string[] = [];
  for (const f of comparison.unaccepted) {
    lines.push(`NEW   ${f.checkId} ${f.checkName}`, `      ${where}/${f.environment}/${f.file}  ${f.resource}`);
  }
  for (const s of comparison.stale) {
    lines.push(`STALE ${baseline.file} accepted[${s.index}] ${s.entry.check} ${s.entry.resource}: no longer fails in ${s.environment}; `
      + 'remove the entry, or narrow its environments, file or resource');
  }
  for (const p of result.parsingErrors) lines.push(`ERROR checkov could not parse ${where}/${p}, so did not check it`);
  if (comparison.unaccepted.length > 0) {
    lines.push('', `Fix each NEW failure in the renderer (src/cloud, src/k8s) or the declarations, or accept it in ${baseline.file} with a reason:`);
    for (const f of dedupe(comparison.unaccepted)) {
      lines.push(`  - check: ${f.checkId}`, `    resource: ${f.resource}`, '    reason: <what the check wants, what we do instead, and why>');
    }
  }
  const usedEntries = new Set(comparison.accepted.map((a) => a.index));
  const todo = [...usedEntries].filter((i) => baseline.entries[i].todo).length;
  const failed = comparison.unaccepted.length > 0 || comparison.stale.length > 0 || result.parsingErrors.length > 0;
  const counts = [
    `${comparison.unaccepted.length} new ${plural(comparison.unaccepted.length, 'failure')}`,
    `${comparison.stale.length} stale baseline ${plural(comparison.stale.length, 'entry', 'entries')}`,
    ...(result.parsingErrors.length > 0 ? [`${result.parsingErrors.length} unparsed ${plural(result.parsingErrors.length, 'file')}`] : []),
    `${comparison.accepted.length} accepted by ${usedEntries.size} ${plural(usedEntries.size, 'entry', 'entries')} (${todo} todo)`,
    `${result.passed} passed`,
  ].join(', ');
  const scanned = `${result.targets.terraform.length + result.targets.kubernetes.length} files in ${result.targets.environments.length} environments`;
  lines.push(`checkov ${CHECKOV_VERSION}: ${failed ? 'FAILED' : 'OK'}: ${counts}; ${scanned} in ${seconds.toFixed(1)} s`);
  return { lines, exitCode: failed ? 1 : 0, comparison };
}

/** One suggestion per check and resource (a finding in three environments is one entry). */
function dedupe(findings: readonly Finding[]): Finding[] {
  const seen = new Map<string, Finding>();
  for (const f of findings) if (!seen.has(`${f.checkId} ${f.resource}`)) seen.set(`${f.checkId} ${f.resource}`, f);
  return [...seen.values()];
}

function plural(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}

async function inBatches<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, worker));
  return results;
}
