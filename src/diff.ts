/**
 * `npm run diff -- --base <ref>`: what a change does to the rendered output,
 * object by object, with risk flags. Only wires; see src/cli/diff.ts.
 */
import * as path from 'path';
import { runDiff } from './cli/diff';
import { extensions, platform } from './platform';

const projectDir = path.resolve(__dirname, '..');

void runDiff(process.argv.slice(2), {
  projectDir,
  head: { platform, extensions, outDir: path.join(projectDir, 'dist') },
}).then((code) => {
  process.exitCode = code;
});
