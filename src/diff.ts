/**
 * `npm run diff -- --base <ref>`: what a change does to the rendered output,
 * object by object, with risk flags. Only wires; see src/cli/diff.ts.
 */
import * as path from 'path';
import { runDiff } from './cli/diff';
import { loadPlatformOrReport } from './cli/load-platform';

const projectDir = path.resolve(__dirname, '..');

// Exit code 2: the command could not run.
const loaded = loadPlatformOrReport(path.join(__dirname, 'platform.ts'), { exitCode: 2 });
if (loaded) {
  void runDiff(process.argv.slice(2), {
    projectDir,
    head: { ...loaded, outDir: path.join(projectDir, 'dist') },
  }).then((code) => {
    process.exitCode = code;
  });
}
