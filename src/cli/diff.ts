import * as fs from 'fs';
import * as path from 'path';
import { RenderError } from '../k8s';
import { PlatformValidationError } from '../model';
import { BaseSource, KnownTiers, RefError, RefTree, renderJson, renderMarkdown, renderRef, review, tiersOf } from '../review';
import { FileTree, SynthOptions, readTree, renderEnvironmentRepo } from '../synth';
import { UsageError, parseFlags } from './args';
import type { Console } from './synth';
import { describeUnexpected } from './unexpected';

export { UsageError } from './args';

export const DIFF_USAGE = `Usage:
  npm run diff -- --base <git-ref> [options]          the working tree against a git ref (rendered in a temporary worktree)
  npm run diff -- --base-dir <dir> --head-dir <dir>   two rendered trees laid out like dist/ (<env>/...)

Options:
  --format markdown|json        report format (default: markdown, fit for a pull-request comment)
  --base-from auto|sources|dist how to get the base of --base: its own synth (sources), its committed dist/ (dist),
                                or sources unless its package-lock.json differs or its synth fails (auto, default)
  --head-dir <dir>              compare against this tree instead of rendering the working tree
  --output <file>               write the report to a file instead of stdout
  --json-output <file>          also write the report as JSON to this file (one comparison for both formats)
  --exit-code                   exit 1 when anything changes (like git diff --exit-code)`;

/** The diff command's arguments. */
export interface DiffArgs {
  readonly base?: string;
  readonly baseDir?: string;
  readonly headDir?: string;
  readonly format: 'markdown' | 'json';
  readonly baseFrom: BaseSource;
  readonly output?: string;
  /** Also write the JSON report here. */
  readonly jsonOutput?: string;
  readonly exitCode: boolean;
}

const DIFF_FLAGS = {
  'base': { type: 'string' },
  'base-dir': { type: 'string' },
  'head-dir': { type: 'string' },
  'format': { type: 'string' },
  'base-from': { type: 'string' },
  'output': { type: 'string' },
  'json-output': { type: 'string' },
  'exit-code': { type: 'boolean' },
} as const;

/** Parses `--flag value` and `--flag=value` (node:util parseArgs). */
export function parseDiffArgs(argv: readonly string[]): DiffArgs {
  const { values } = parseFlags(argv, DIFF_FLAGS);
  const format = values.format ?? 'markdown';
  if (format !== 'markdown' && format !== 'json') throw new UsageError(`--format must be markdown or json (received ${JSON.stringify(format)})`);
  const baseFrom = values['base-from'] ?? 'auto';
  if (baseFrom !== 'auto' && baseFrom !== 'sources' && baseFrom !== 'dist') throw new UsageError(`--base-from must be auto, sources or dist (received ${JSON.stringify(baseFrom)})`);
  const { base, 'base-dir': baseDir } = values;
  if (base === undefined && baseDir === undefined) throw new UsageError('say what to compare against: --base <git-ref> or --base-dir <dir>');
  if (base !== undefined && baseDir !== undefined) throw new UsageError('give either --base or --base-dir, not both');
  if (values['base-from'] !== undefined && base === undefined) throw new UsageError('--base-from applies to --base only');
  return {
    base, baseDir, headDir: values['head-dir'], format, baseFrom, output: values.output, jsonOutput: values['json-output'], exitCode: values['exit-code'] ?? false,
  };
}

export interface DiffContext {
  /** The project directory: git operations and relative paths start here. */
  readonly projectDir: string;
  /** The working tree's platform, rendered in memory when no --head-dir is given. */
  readonly head: SynthOptions;
  /** Options of `renderRef` for tests (e.g. another node_modules or synth command). */
  readonly ref?: { readonly nodeModules?: string; readonly command?: readonly string[] };
  readonly out?: Console;
}

/**
 * `npm run diff`: renders both sides, compares them object by object and
 * prints the report. Exit code 0 (1 with --exit-code when something
 * changes), 2 when the command cannot run.
 */
export async function runDiff(argv: readonly string[], context: DiffContext): Promise<number> {
  const out = context.out ?? console;
  const started = Date.now();
  let args: DiffArgs;
  try {
    args = parseDiffArgs(argv);
  } catch (err) {
    out.error(`${(err as Error).message}\n\n${DIFF_USAGE}`);
    return 2;
  }
  const dir = (d: string) => {
    const abs = path.resolve(context.projectDir, d);
    if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) throw new UsageError(`${d} is not a directory`);
    return abs;
  };

  // The ref's synth runs in another process while the working tree renders here.
  let basePromise: Promise<RefTree> | undefined;
  try {
    basePromise = args.base !== undefined
      ? renderRef({ ref: args.base, projectDir: context.projectDir, from: args.baseFrom, ...context.ref })
      : undefined;
  } catch (err) {
    return failure(err, out);
  }
  let head: { files: FileTree; label: string; tiers?: KnownTiers };
  try {
    head = args.headDir !== undefined
      ? { files: readTree(dir(args.headDir)), label: args.headDir }
      : renderWorkingTree(context.head);
  } catch (err) {
    await basePromise?.catch(() => undefined);
    return failure(err, out);
  }
  let base: { files: FileTree; label: string; notes: readonly string[] };
  try {
    base = basePromise ? await basePromise : { files: readTree(dir(args.baseDir!)), label: args.baseDir!, notes: [] };
  } catch (err) {
    return failure(err, out);
  }

  const result = review({ base: base.files, head: head.files, baseLabel: base.label, headLabel: head.label, tiers: head.tiers, notes: base.notes });
  const text = args.format === 'json' ? renderJson(result) : renderMarkdown(result);
  if (args.output) {
    fs.writeFileSync(path.resolve(context.projectDir, args.output), text);
  } else {
    out.log(text.trimEnd());
  }
  if (args.jsonOutput) fs.writeFileSync(path.resolve(context.projectDir, args.jsonOutput), renderJson(result));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  out.error(`Compared ${base.label} with ${head.label} in ${seconds} s: ${result.changed ? `${result.total.added} added, ${result.total.changed} changed, ${result.total.removed} removed, ${result.flags.length} risk flag${result.flags.length === 1 ? '' : 's'}` : 'no change'}${args.output ? ` (report in ${args.output})` : ''}.`);
  return args.exitCode && result.changed ? 1 : 0;
}

/** The working tree, rendered in memory exactly as `npm run synth` would write it. */
function renderWorkingTree(options: SynthOptions): { files: FileTree; label: string; tiers: KnownTiers } {
  const rendered = renderEnvironmentRepo(options);
  const tiers = tiersOf(rendered.resolved);
  return { files: rendered.files, label: 'working tree', tiers };
}

function failure(err: unknown, out: Console): number {
  if (err instanceof UsageError) {
    out.error(`${err.message}\n\n${DIFF_USAGE}`);
  } else if (err instanceof PlatformValidationError || err instanceof RenderError) {
    out.error(`The working tree does not render, so there is nothing to compare:\n${err.message}`);
  } else if (err instanceof RefError) {
    out.error(err.message);
  } else {
    out.error(`diff failed unexpectedly: ${describeUnexpected(err)}`);
  }
  return 2;
}
