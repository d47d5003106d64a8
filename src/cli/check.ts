import * as path from 'path';
import { ObjectSchemaValidator, formatReport, loadRenderedTree, runGuardrails } from '../guardrails';
import { DeclaredIn, PlatformSpec, PlatformValidationError, resolvePlatform } from '../model';
import { Repository, TransactionError, describeFileSystemError } from '../synth';
import type { Console } from './synth';

export interface CheckOptions {
  /** The platform declaration (for environment tiers and exemptions). */
  readonly platform: PlatformSpec;
  /** The rendered tree to check, as it is on disk. */
  readonly distDir: string;
  readonly schema?: ObjectSchemaValidator;
  /** Today, `YYYY-MM-DD`, for exemption expiry. @default - the current UTC date */
  readonly today?: string;
  /** Which file declares each part, named in problems. @default - each one's sourceFile */
  readonly declaredIn?: DeclaredIn;
}

/**
 * `npm run check`: runs the guardrails over the rendered tree on disk, so that
 * hand-edited or foreign YAML in dist/ is caught as well as our own output.
 * Returns the exit code: non-zero on any error.
 */
export function runCheck(options: CheckOptions, out: Console = console): number {
  const started = process.hrtime.bigint();
  let resolved;
  try {
    resolved = resolvePlatform(options.platform, { declaredIn: options.declaredIn });
  } catch (err) {
    if (!(err instanceof PlatformValidationError)) throw err;
    out.error(err.message);
    return 1;
  }
  // Under the repository's lock: wait for a command that writes, and finish what an interrupted one committed, before reading.
  const root = path.dirname(path.resolve(options.distDir));
  let loaded;
  try {
    const repository = Repository.open(root, { purpose: 'check:guardrails', readOnly: true, onWait: (m) => out.error(m), onNotice: (m) => out.error(m) });
    try {
      loaded = loadRenderedTree(options.distDir);
    } finally {
      repository.close();
    }
  } catch (err) {
    const fileSystem = describeFileSystemError(err, root);
    if (!(err instanceof TransactionError) && !fileSystem) throw err;
    out.error(err instanceof TransactionError ? `${err.message}\nThe guardrail check did not run.` : `The guardrail check cannot read ${options.distDir}: ${fileSystem}`);
    return 1;
  }
  const { objects, stacks, unreadable } = loaded;
  const report = runGuardrails(objects, { platform: resolved, schema: options.schema, today: options.today, stacks });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const where = path.relative(process.cwd(), options.distDir) || options.distDir;
  for (const line of formatReport(report, { distDir: where })) out.log(line);
  for (const u of unreadable) out.error(`ERROR unreadable: ${where}/${u.file} ${u.problem}; fix or delete the file (npm run synth rewrites dist/)`);
  const known = new Set(resolved.environments.map((e) => e.name));
  const foreign = report.environments.filter((e) => !known.has(e));
  for (const e of foreign) out.error(`ERROR unknown environment: ${where}/${e}/ is not a declared environment; delete it or declare it in src/platform.ts`);
  const errors = report.errors + unreadable.length + foreign.length;
  if (unreadable.length + foreign.length > 0) {
    // The guardrail summary above counts objects only.
    const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
    const extra = [
      unreadable.length > 0 ? plural(unreadable.length, 'unreadable file', 'unreadable files') : '',
      foreign.length > 0 ? plural(foreign.length, 'unknown environment directory', 'unknown environment directories') : '',
    ].filter(Boolean).join(' and ');
    out.error(`Also ${extra}: ${plural(errors, 'error', 'errors')} in all`);
  }
  const perEnv = report.environments.length > 0 ? ms / report.environments.length : ms;
  out.log(`Checked ${report.objectsChecked} objects in ${where}/ in ${ms.toFixed(0)} ms (${perEnv.toFixed(0)} ms per environment)`);
  return errors > 0 ? 1 : 0;
}
