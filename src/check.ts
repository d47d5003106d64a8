/** `npm run check`: the guardrails over dist/ as it is on disk. Only wires. */
import * as path from 'path';
import { runCheck } from './cli/check';
import { platform } from './platform';

process.exitCode = runCheck({ platform, distDir: path.resolve(__dirname, '..', 'dist') });
