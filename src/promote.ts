/** `npm run promote -- <app...> --to <env> [--from <env>] [--version <tag>] | --all --to <env>`. Only wires. */
import * as path from 'path';
import { loadPlatformOrReport } from './cli/load-platform';
import { runPromote } from './cli/promote';

const args = process.argv.slice(2);
const apps: string[] = [];
let to: string | undefined;
let from: string | undefined;
let version: string | undefined;
let all = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--to') {to = args[++i];} else if (a === '--from') {from = args[++i];} else if (a === '--version') {version = args[++i];} else if (a === '--all') {all = true;} else if (a.startsWith('--')) {
    console.error(`Unknown option ${a}. Usage: npm run promote -- <app> [<app>...] --to <env> [--from <env>] [--version <tag>], or --all --to <env>`);
    process.exit(2);
  } else {apps.push(a);}
}
if (!to) {
  console.error('Usage: npm run promote -- <app> [<app>...] --to <env> [--from <env>] [--version <tag>], or --all --to <env>');
  process.exit(2);
}
const root = path.resolve(__dirname, '..');
const loaded = loadPlatformOrReport(path.join(__dirname, 'platform.ts'), { then: 'Nothing was written.' });
if (loaded) process.exitCode = runPromote({ ...loaded, apps, all, to, from, version, root, outDir: path.join(root, 'dist') });
