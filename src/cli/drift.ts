import * as path from 'path';
import { RenderError } from '../k8s';
import { PlatformValidationError } from '../model';
import { FileDrift, findDrift, lastChange } from '../review';
import { PROVENANCE_FILE, SynthOptions, readTree, recoverInterruptedWrite, renderEnvironmentRepo } from '../synth';
import type { Console } from './synth';
import { describeUnexpected } from './unexpected';

/** The command that fixes drift, as printed. */
export const DRIFT_FIX = 'Fix: run `npm run synth`, then commit dist/ with the change that caused it (never edit dist/ by hand: change the declaration and re-render).';

const MAX_FILES = 50;
const MAX_FIELDS = 10;

export interface DriftCheckOptions extends SynthOptions {
  /** Where git runs to say which commit last changed each environment. @default - not said */
  readonly projectDir?: string;
}

/**
 * `npm run check:drift`: fails (exit 1) when `outDir` is not exactly what a
 * fresh synth of the sources writes: a changed, missing or stray file, named
 * with each object and field that differs.
 */
export function runDriftCheck(options: DriftCheckOptions, out: Console = console): number {
  const where = path.relative(options.projectDir ?? process.cwd(), options.outDir) || options.outDir;
  // A synth killed while it applied its changes is finished first: check the tree it committed to, not half of it.
  recoverInterruptedWrite(options.outDir);
  let expected;
  try {
    expected = renderEnvironmentRepo(options);
  } catch (err) {
    if (err instanceof PlatformValidationError || err instanceof RenderError) {
      out.error(`${err.message}\nThe sources do not render, so ${where}/ cannot be checked.`);
    } else {
      out.error(`The drift check failed unexpectedly: ${describeUnexpected(err)}`);
    }
    return 1;
  }
  const drift = findDrift(expected.files, readTree(options.outDir));
  if (drift.length === 0) {
    out.log(`${where}/ is up to date: its ${expected.files.size} files are exactly what the sources render.`);
    if (options.projectDir) {
      for (const env of expected.resolved.environments) {
        const commit = lastChange(options.projectDir, path.join(path.relative(options.projectDir, options.outDir), env.name, PROVENANCE_FILE));
        if (commit) out.log(`  ${env.name.padEnd(10)} output last changed by ${commit}`);
      }
    }
    return 0;
  }
  out.error(`${where}/ differs from what the sources render: ${drift.length} file${drift.length === 1 ? '' : 's'}.`);
  for (const d of drift.slice(0, MAX_FILES)) out.error(describe(d, where));
  if (drift.length > MAX_FILES) out.error(`  ... and ${drift.length - MAX_FILES} more files`);
  out.error(DRIFT_FIX);
  return 1;
}

function describe(d: FileDrift, where: string): string {
  const lines = [`  ${d.status.padEnd(8)} ${where}/${d.file}`];
  if (d.objects.length === 0) {
    lines.push(d.status === 'changed' ? '             only comments or formatting differ' : `             ${d.status === 'stray' ? 'not rendered by the sources: delete it' : 'rendered by the sources, not on disk'}`);
  }
  for (const o of d.objects) {
    const what = `${o.environment} ${o.object}`;
    if (o.status === 'missing') {
      lines.push(`             ${what}: rendered by the sources, missing from ${where}/`);
    } else if (o.status === 'stray') {
      lines.push(`             ${what}: in ${where}/, not rendered by the sources`);
    } else {
      lines.push(`             ${what}: ${o.fields.length === 1 ? '1 field differs' : `${o.fields.length} fields differ`}`);
      for (const f of o.fields.slice(0, MAX_FIELDS)) {
        lines.push(`               ${f.path}: ${where}/ has ${short(f.onDisk)}, the sources render ${short(f.rendered)}`);
      }
      if (o.fields.length > MAX_FIELDS) lines.push(`               ... and ${o.fields.length - MAX_FIELDS} more`);
    }
  }
  return lines.join('\n');
}

function short(value: unknown): string {
  if (value === undefined) return '(nothing)';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
