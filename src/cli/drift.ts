import * as path from 'path';
import { RenderError } from '../k8s';
import { PlatformValidationError } from '../model';
import { FileDrift, findDrift, lastChange } from '../review';
import {
  OtherEntry, Repository, SynthOptions, TransactionError, changedReleaseFiles, describeChangedReleaseFiles, describeFileSystemError,
  renderEnvironmentRepo, scanTree,
} from '../synth';
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
 * fresh synth of the sources writes: a changed, missing or stray file (a
 * symbolic link, a special file or an empty directory is a stray too),
 * named with each object and field that differs. It holds the repository's
 * lock while it reads, so it waits for a command that is writing, and
 * finishes what an interrupted one committed before it compares.
 */
export function runDriftCheck(options: DriftCheckOptions, out: Console = console): number {
  const where = path.relative(options.projectDir ?? process.cwd(), options.outDir) || options.outDir;
  const root = path.dirname(path.resolve(options.outDir));
  let repository: Repository;
  try {
    repository = Repository.open(root, { purpose: 'check:drift', readOnly: true, onWait: (m) => out.error(m), onNotice: (m) => out.error(m) });
  } catch (err) {
    if (!(err instanceof TransactionError)) throw err;
    out.error(`${err.message}\nThe drift check did not run.`);
    return 1;
  }
  try {
    return checkHeld(options, out, where, root);
  } catch (err) {
    const fileSystem = describeFileSystemError(err, root);
    if (!fileSystem) throw err;
    out.error(`The drift check cannot read ${where}/: ${fileSystem}`);
    return 1;
  } finally {
    repository.close();
  }
}

function checkHeld(options: DriftCheckOptions, out: Console, where: string, root: string): number {
  const changed = changedReleaseFiles(options.platform, root);
  if (changed.length > 0) {
    out.error(`${describeChangedReleaseFiles(changed, 'the check')}.`);
    return 1;
  }
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
  const onDisk = scanTree(options.outDir);
  const drift: Array<FileDrift & { entry?: OtherEntry }> = [...findDrift(expected.files, onDisk.files), ...onDisk.others.map((entry) => ({
    file: entry.path, status: expected.files.has(entry.path) ? 'changed' as const : 'stray' as const, objects: [], entry,
  }))].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  // A rendered file that is a link (or a FIFO...) on disk is one finding, "changed", not "missing" beside "stray".
  const others = new Set(onDisk.others.map((o) => o.path));
  drift.splice(0, drift.length, ...drift.filter((d) => d.entry || !(d.status === 'missing' && others.has(d.file))));
  if (drift.length === 0) {
    out.log(`${where}/ is up to date: its ${expected.files.size} files are exactly what the sources render.`);
    if (options.projectDir) {
      for (const env of expected.resolved.environments) {
        const commit = lastChange(options.projectDir, path.join(path.relative(options.projectDir, options.outDir), env.name));
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

function describe(d: FileDrift & { entry?: OtherEntry }, where: string): string {
  const lines = [`  ${d.status.padEnd(8)} ${where}/${d.file}`];
  if (d.entry) {
    const what = `${d.entry.kind === 'empty directory' ? 'an' : 'a'} ${d.entry.kind}${d.entry.target !== undefined ? ` (to ${d.entry.target})` : ''}`;
    lines.push(d.status === 'changed'
      ? `             is ${what}, not the file the sources render: delete it (npm run synth replaces it)`
      : `             ${what}, not rendered by the sources: delete it (npm run synth removes it)`);
  } else if (d.objects.length === 0) {
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
