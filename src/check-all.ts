/**
 * `npm run check`: every check of the rendered output, in one process — the
 * drift check (dist/ is exactly what the sources render), then the
 * guardrails over dist/ as it is on disk. Both run even when the first
 * fails, so one run reports every problem; the exit code is 1 when either
 * failed. Only wires; see src/cli/drift.ts and src/cli/check.ts.
 */
import * as path from 'path';
import { runCheck } from './cli/check';
import { runDriftCheck } from './cli/drift';
import { extensions, platform } from './platform';

const projectDir = path.resolve(__dirname, '..');
const distDir = path.join(projectDir, 'dist');

void runDriftCheck({
  platform,
  extensions,
  outDir: distDir,
  projectDir,
  parallel: { source: { module: path.join(__dirname, 'platform.ts') } },
}).then((drift) => {
  const guardrails = runCheck({ platform, distDir });
  process.exitCode = Math.max(drift, guardrails);
});
