import * as path from 'path';
import { parseArgs } from 'util';
import { BaselineError, loadBaseline } from './baseline';
import { CHECKOV_VERSION, CheckovError, ensureCheckov } from './checkov';
import { report, scan } from './scan';
import { selfTest } from './self-test';

export const BASELINE_FILE = path.join(__dirname, 'baseline.yaml');

const USAGE = `usage: npm run checkov [-- --self-test | --dist <dir> --baseline <file>]
  Runs checkov ${CHECKOV_VERSION} (installed once from PyPI into a cached virtualenv) over every
  environment's Terraform JSON and Kubernetes YAML in dist/, and fails on a failed check that
  conformance/checkov/baseline.yaml does not accept, or on a baseline entry that no longer matches.
  --self-test   prove on fixtures that a new failure and a stale entry fail the run`;

export interface CliOptions {
  /** The repository root (dist/ and the baseline are found from it). */
  readonly root: string;
  readonly argv: readonly string[];
}

export async function runCli(options: CliOptions, out: Pick<Console, 'log' | 'error'> = console): Promise<number> {
  const started = process.hrtime.bigint();
  let args;
  try {
    args = parseArgs({
      args: [...options.argv],
      options: { 'self-test': { type: 'boolean' }, 'dist': { type: 'string' }, 'baseline': { type: 'string' }, 'help': { type: 'boolean', short: 'h' } },
    }).values;
  } catch (err) {
    out.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    out.log(USAGE);
    return 0;
  }
  const steps = args['self-test'] ? 2 : 3;
  const say = (step: number) => (line: string) => out.log(`checkov: [${step}/${steps}] ${line}`);
  try {
    const installation = ensureCheckov(say(1));
    if (args['self-test']) return await selfTest(installation, say(2), out);

    const distDir = path.resolve(options.root, args.dist ?? 'dist');
    const baselineFile = path.resolve(options.root, args.baseline ?? BASELINE_FILE);
    const baseline = loadBaseline(baselineFile);
    say(2)(`scanning ${path.relative(process.cwd(), distDir) || '.'}/<env>/ (terraform/cdk.tf.json and Kubernetes YAML) with one checkov per environment`);
    const result = await scan(installation, distDir);
    say(3)(`comparing ${result.findings.length} failed checks with ${path.relative(process.cwd(), baselineFile)} (${baseline.entries.length} entries)`);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const { lines, exitCode } = report(result, { ...baseline, file: path.relative(process.cwd(), baselineFile) }, seconds);
    for (const line of lines) out.log(line);
    return exitCode;
  } catch (err) {
    if (err instanceof CheckovError || err instanceof BaselineError) {
      out.error(`checkov: ${err.message}`);
      out.error(`checkov ${CHECKOV_VERSION}: ERROR: the check did not run`);
      return 2;
    }
    throw err;
  }
}
