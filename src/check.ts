/** `npm run check:guardrails`: the guardrails over dist/ as it is on disk. Only wires. */
import './cli/hold-repository'; // first: locks the repository before the platform's modules read it
import * as path from 'path';
import { runCheck } from './cli/check';
import { loadPlatformOrReport } from './cli/load-platform';

const loaded = loadPlatformOrReport(path.join(__dirname, 'platform.ts'), { then: 'The sources do not load, so dist/ cannot be checked.' });
if (loaded) process.exitCode = runCheck({ ...loaded, distDir: path.resolve(__dirname, '..', 'dist') });
