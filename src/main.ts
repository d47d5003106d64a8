/**
 * `npm run synth` and `npx cdk8s synth`: renders the platform declared in
 * src/platform.ts into dist/. Only wires; everything it calls is importable
 * and tested.
 */
import './cli/hold-repository'; // first: locks the repository before the platform's modules read it
import * as path from 'path';
import { runSynth } from './cli/synth';
import { extensions, platform } from './platform';

void runSynth({
  platform,
  extensions,
  outDir: path.resolve(__dirname, '..', 'dist'),
  mirrorDir: process.env.CDK8S_OUTDIR ? path.resolve(process.env.CDK8S_OUTDIR) : undefined,
  // Large platforms render their Terraform on a second thread, which loads the platform from here too.
  parallel: { source: { module: path.join(__dirname, 'platform.ts') } },
}).then((code) => {
  process.exitCode = code;
});
