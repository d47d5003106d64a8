/**
 * `npm run check:drift`: fails when dist/ is not exactly what the sources
 * render. Only wires; see src/cli/drift.ts.
 */
import * as path from 'path';
import { runDriftCheck } from './cli/drift';
import { loadPlatformOrReport } from './cli/load-platform';

const PLATFORM_MODULE = path.join(__dirname, 'platform.ts');
const projectDir = path.resolve(__dirname, '..');

const loaded = loadPlatformOrReport(PLATFORM_MODULE, { then: 'The sources do not load, so dist/ cannot be checked.' });
if (loaded) {
  void runDriftCheck({
    ...loaded,
    outDir: path.join(projectDir, 'dist'),
    projectDir,
    parallel: { source: { module: PLATFORM_MODULE } },
  }).then((code) => {
    process.exitCode = code;
  });
}
