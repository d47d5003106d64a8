import { describeValue } from '../model';
import type { GuardrailReport, Violation } from './types';

function where(v: Violation): string {
  const ns = v.namespace ? `${v.namespace}/` : '';
  return `[${v.environment}]${v.app ? ` app ${v.app}` : ''} ${v.kind} ${ns}${v.name}`;
}

/**
 * The report as lines for a terminal or a CI log: each violation with its
 * environment, app, object, rule, field path and value, fix and source; then
 * every exemption in force (so none is invisible; `exemptions: false` when
 * nothing was rendered, where they are noise); then the counts.
 */
export function formatReport(report: GuardrailReport, options: { readonly distDir?: string; readonly exemptions?: boolean } = {}): string[] {
  const dist = options.distDir ?? 'dist';
  const lines: string[] = [];
  const sorted = [...report.violations].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  for (const v of sorted) {
    lines.push(`${v.severity.toUpperCase()} ${v.rule}: ${where(v)}`);
    const value = v.value === undefined ? 'not set' : `received ${describeValue(v.value)}`;
    lines.push(`    ${v.path || '(object)'}: ${v.message} (${value})`);
    lines.push(`    fix: ${v.fix}`);
    const file = `${dist}/${v.environment}/${v.file}`;
    lines.push(v.source === file ? `    file: ${file}` : `    source: ${v.source} -> ${file}`);
  }
  for (const p of report.exemptionProblems) lines.push(`ERROR exemption: ${p}`);
  if (report.exempted.length > 0 && options.exemptions !== false) {
    lines.push(`Exemptions in force (${report.exempted.length}):`);
    for (const e of report.exempted) {
      lines.push(`    ${e.rule}: ${where(e)} ${e.path ? `at ${e.path} ` : ''}- ${e.reason}${e.expires ? ` (until ${e.expires})` : ''}`);
    }
  }
  lines.push(`Guardrails: ${report.errors} error${report.errors === 1 ? '' : 's'}, ${report.warnings} warning${report.warnings === 1 ? '' : 's'}, `
    + `${report.exempted.length} exempted, over ${report.objectsChecked} objects in ${report.environments.length} environment${report.environments.length === 1 ? '' : 's'}`);
  return lines;
}

/** Thrown by a synth whose output breaks a guardrail; carries the report. */
export class GuardrailError extends Error {
  constructor(public readonly report: GuardrailReport) {
    // Nothing was rendered: the exemptions in force are noise beside the errors (their count stays in the summary).
    super(formatReport(report, { exemptions: false }).join('\n'));
    this.name = 'GuardrailError';
  }
}
