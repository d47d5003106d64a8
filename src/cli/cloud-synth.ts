import * as path from 'path';
import { CloudRenderError, synthCloudApp } from '../cloud';
import { PlatformSpec, PlatformValidationError, resolvePlatform } from '../model';
import type { Console } from './synth';
import { describeUnexpected } from './unexpected';

export interface CloudSynthOptions {
  /** The platform declaration. */
  readonly platform: PlatformSpec;
  /** cdktf's output directory. @default - `CDKTF_OUTDIR` (set by the cdktf CLI), else `cdktf.out` */
  readonly outdir?: string;
}

/**
 * `npx cdktf synth`: writes one stack per environment into cdktf's output
 * directory (a scratch directory; the committed copy is `dist/<env>/terraform/`,
 * written by `npm run synth`). Returns the process exit code.
 */
export function runCloudSynth(options: CloudSynthOptions, out: Console = console): number {
  try {
    const { outdir, stacks } = synthCloudApp(resolvePlatform(options.platform), options.outdir);
    out.log(`Synthesized ${stacks.length} Terraform stacks (${stacks.join(', ')}) into ${path.relative(process.cwd(), outdir) || '.'}/stacks/`);
    return 0;
  } catch (err) {
    if (err instanceof PlatformValidationError || err instanceof CloudRenderError) {
      out.error(err.message);
    } else {
      out.error(`cdktf synth failed unexpectedly: ${describeUnexpected(err)}`);
    }
    return 1;
  }
}
