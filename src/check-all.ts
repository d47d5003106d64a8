/**
 * `npm run check`: every check of the rendered output, in one process — the
 * drift check (dist/ is exactly what the sources render), then the
 * guardrails over dist/ as it is on disk. Both run even when the first
 * fails (or fails unexpectedly), so one run reports every problem; the exit
 * code is 1 when either failed. Only wires; see src/cli/drift.ts and
 * src/cli/check.ts.
 */
import './cli/hold-repository'; // first: locks the repository before the platform's modules read it
import * as path from 'path';
import { runCheck } from './cli/check';
import { runDriftCheck } from './cli/drift';
import { LoadedPlatform, loadPlatformOrReport } from './cli/load-platform';
import { describeUnexpected } from './cli/unexpected';
import { PlatformValidationError, resolvePlatform } from './model';

const projectDir = path.resolve(__dirname, '..');
const distDir = path.join(projectDir, 'dist');

/** A check's exit code; 1, with the error, when it threw. */
function exitCodeOf(name: string, check: () => number): number {
  try {
    return check();
  } catch (err) {
    console.error(`The ${name} failed unexpectedly: ${describeUnexpected(err)}`);
    return 1;
  }
}

function checkAll(loaded: LoadedPlatform): void {
  // Both checks need the declaration: when it does not resolve, say so once (not once per check).
  try {
    resolvePlatform(loaded.platform, { declaredIn: loaded.declaredIn });
  } catch (err) {
    if (!(err instanceof PlatformValidationError)) throw err;
    console.error(`${err.message}\nThe sources do not render, so dist/ cannot be checked.`);
    process.exitCode = 1;
    return;
  }
  const drift = exitCodeOf('drift check', () => runDriftCheck({ ...loaded, outDir: distDir, projectDir }));
  const guardrails = exitCodeOf('guardrail check', () => runCheck({ ...loaded, distDir }));
  process.exitCode = Math.max(drift, guardrails);
}

const loaded = loadPlatformOrReport(path.join(__dirname, 'platform.ts'), { then: 'The sources do not load, so dist/ cannot be checked.' });
if (loaded) checkAll(loaded);
