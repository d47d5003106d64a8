/**
 * `npm run synth` and `npx cdk8s synth`: renders the platform declared in
 * src/platform.ts into dist/. Only wires; everything it calls is importable
 * and tested.
 */
import './cli/hold-repository'; // first: locks the repository before the platform's modules read it
import * as path from 'path';
import { loadPlatformOrReport } from './cli/load-platform';
import { runSynth } from './cli/synth';

const outDir = path.resolve(__dirname, '..', 'dist');

const loaded = loadPlatformOrReport(path.join(__dirname, 'platform.ts'), { then: `Nothing was written: ${path.relative(process.cwd(), outDir) || outDir}/ is unchanged.` });
if (loaded) {
  process.exitCode = runSynth({
    ...loaded,
    outDir,
    mirrorDir: process.env.CDK8S_OUTDIR ? path.resolve(process.env.CDK8S_OUTDIR) : undefined,
  });
}
