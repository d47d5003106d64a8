/**
 * `npm run check:drift`: fails when dist/ is not exactly what the sources
 * render. Only wires; see src/cli/drift.ts.
 */
import './cli/hold-repository'; // first: locks the repository before the platform's modules read it
import * as path from 'path';
import { runDriftCheck } from './cli/drift';
import { extensions, platform } from './platform';

const projectDir = path.resolve(__dirname, '..');

void runDriftCheck({
  platform,
  extensions,
  outDir: path.join(projectDir, 'dist'),
  projectDir,
  parallel: { source: { module: path.join(__dirname, 'platform.ts') } },
}).then((code) => {
  process.exitCode = code;
});
