import * as path from 'path';
import { CloudRenderError, countResources } from '../cloud';
import { GuardrailError, formatReport } from '../guardrails';
import { RenderError } from '../k8s';
import { PlatformValidationError } from '../model';
import { SynthOptions, synthesize } from '../synth';
import { describeUnexpected } from './unexpected';

/** Output of the CLI; injectable for tests. */
export interface Console {
  log(message: string): void;
  error(message: string): void;
}

/**
 * Runs a synth and reports it; returns the process exit code. Expected
 * failures (an invalid declaration, an object that cannot be rendered) print
 * their message without a stack trace; `dist/` is untouched either way.
 */
export function runSynth(options: SynthOptions, out: Console = console): number {
  const started = process.hrtime.bigint();
  try {
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
    if (err instanceof PlatformValidationError || err instanceof RenderError || err instanceof GuardrailError || err instanceof CloudRenderError) {
      out.error(err.message);
    } else {
      out.error(`Synth failed unexpectedly: ${describeUnexpected(err)}`);
    }
    out.error(`Nothing was written: ${path.relative(process.cwd(), options.outDir) || options.outDir}/ is unchanged.`);
    return 1;
  }
}
