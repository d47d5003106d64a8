/**
 * `npm run synth` and `npx cdk8s synth`: renders the platform declared in
 * src/platform.ts into dist/. Only wires; everything it calls is importable
 * and tested.
 */
import * as path from 'path';
import { loadPlatformOrReport } from './cli/load-platform';
import { runSynth } from './cli/synth';

const PLATFORM_MODULE = path.join(__dirname, 'platform.ts');
const outDir = path.resolve(__dirname, '..', 'dist');

const loaded = loadPlatformOrReport(PLATFORM_MODULE, { then: `Nothing was written: ${path.relative(process.cwd(), outDir) || outDir}/ is unchanged.` });
if (loaded) {
  void runSynth({
    ...loaded,
    outDir,
    mirrorDir: process.env.CDK8S_OUTDIR ? path.resolve(process.env.CDK8S_OUTDIR) : undefined,
    // Large platforms render their Terraform on a second thread, which loads the platform from here too.
    parallel: { source: { module: PLATFORM_MODULE } },
  }).then((code) => {
    process.exitCode = code;
  });
}
