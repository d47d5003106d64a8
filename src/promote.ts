/** `npm run promote -- <app...> --to <env> [--from <env>] [--version <tag>] | --all --to <env>`. Only wires. */
import './cli/hold-repository'; // first: locks the repository before the platform's modules read it
import * as path from 'path';
import { UsageError } from './cli/args';
import { loadPlatformOrReport } from './cli/load-platform';
import { PROMOTE_USAGE, parsePromoteArgs, runPromote } from './cli/promote';
import { PromotionRequest } from './delivery/promote';

let request: PromotionRequest | undefined;
try {
  request = parsePromoteArgs(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  console.error(`${err.message}\n${PROMOTE_USAGE}`);
  process.exitCode = 2;
}
const root = path.resolve(__dirname, '..');
const loaded = request && loadPlatformOrReport(path.join(__dirname, 'platform.ts'), { then: 'Nothing was written.' });
if (request && loaded) process.exitCode = runPromote({ ...loaded, ...request, root, outDir: path.join(root, 'dist') });
