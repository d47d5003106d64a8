/**
 * `npm run check:drift`: fails when dist/ is not exactly what the sources
 * render. Only wires; see src/cli/drift.ts.
 */
import './cli/hold-repository'; // first: locks the repository before the platform's modules read it
import * as path from 'path';
import { runDriftCheck } from './cli/drift';
import { loadPlatformOrReport } from './cli/load-platform';

const projectDir = path.resolve(__dirname, '..');

const loaded = loadPlatformOrReport(path.join(__dirname, 'platform.ts'), { then: 'The sources do not load, so dist/ cannot be checked.' });
if (loaded) process.exitCode = runDriftCheck({ ...loaded, outDir: path.join(projectDir, 'dist'), projectDir });
