/** `npm run check`: the guardrails over dist/ as it is on disk. Only wires. */
import './cli/hold-repository'; // first: locks the repository before the platform's modules read it
import * as path from 'path';
import { runCheck } from './cli/check';
import { platform } from './platform';

process.exitCode = runCheck({ platform, distDir: path.resolve(__dirname, '..', 'dist') });
