import * as path from 'path';
import { CloudRenderError, countResources } from '../cloud';
import { GuardrailError, formatReport } from '../guardrails';
import { RenderError } from '../k8s';
import { PlatformValidationError } from '../model';
import {
  Repository, SynthOptions, TransactionError, changedReleaseFiles, describeChangedReleaseFiles, describeFileSystemError, synthesize,
} from '../synth';
import { describeUnexpected } from './unexpected';

/** Output of the CLI; injectable for tests. */
export interface Console {
  log(message: string): void;
  error(message: string): void;
}

/**
 * Runs a synth and reports it; returns the process exit code. Expected
 * failures (an invalid declaration, an object that cannot be rendered, a
 * permission or a full disk) print their message without a stack trace, and
 * say whether `dist/` is unchanged. The repository (the parent of `outDir`)
 * is locked from before the render to after the write (src/synth/lock.ts).
 */
export function runSynth(options: SynthOptions, out: Console = console): number {
  const started = process.hrtime.bigint();
  const nothingWritten = `Nothing was written: ${path.relative(process.cwd(), options.outDir) || options.outDir}/ is unchanged.`;
  const root = path.dirname(path.resolve(options.outDir));
  let repository: Repository;
  try {
    repository = Repository.open(root, { purpose: 'synth', onWait: (m) => out.error(m), onNotice: (m) => out.error(m) });
  } catch (err) {
    if (!(err instanceof TransactionError)) throw err;
    out.error(err.message);
    return 1;
  }
  try {
    const changed = changedReleaseFiles(options.platform, root);
    if (changed.length > 0) {
      out.error(`${describeChangedReleaseFiles(changed, 'npm run synth')}.\n${nothingWritten}`);
      return 1;
    }
    const rendered = synthesize(options);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const where = path.relative(process.cwd(), options.outDir) || '.';
    for (const env of rendered.resolved.environments) {
      const objects = rendered.objects.filter((o) => o.environment === env.name).length;
      const stack = rendered.stacks.find((s) => s.environment === env.name);
      const resources = stack ? countResources(stack.json) : 0;
      out.log(`  ${env.name.padEnd(10)} ${String(env.apps.length).padStart(4)} apps ${String(objects).padStart(6)} objects ${String(resources).padStart(6)} cloud resources  -> ${where}/${env.name}/`);
    }
    for (const line of formatReport(rendered.guardrails)) out.log(line);
    const { written, unchanged, removed } = rendered.written;
    out.log(`Rendered ${rendered.resolved.environments.length} environments, ${rendered.files.size} files into ${where}/ in ${ms.toFixed(0)} ms`
      + ` (${written} written, ${unchanged} unchanged, ${removed} removed)`);
    return 0;
  } catch (err) {
    if (err instanceof TransactionError) {
      // It says what state the files are in; "unchanged" is said by it, when true.
      out.error(err.message);
      return 1;
    }
    const fileSystem = describeFileSystemError(err, root);
    if (err instanceof PlatformValidationError || err instanceof RenderError || err instanceof GuardrailError || err instanceof CloudRenderError) {
      out.error(err.message);
    } else if (fileSystem) {
      out.error(`Synth failed: ${fileSystem}`);
    } else {
      out.error(`Synth failed unexpectedly: ${describeUnexpected(err)}`);
    }
    // Every write goes through the transaction, whose failures are TransactionErrors: this failure came before it.
    out.error(nothingWritten);
    return 1;
  } finally {
    repository.close();
  }
}
