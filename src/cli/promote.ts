import * as fs from 'fs';
import * as path from 'path';
import { PromotionRefused, PromotionRequest, planPromotion } from '../delivery/promote';
import { GuardrailError } from '../guardrails';
import { RenderError, AppExtension } from '../k8s';
import { PlatformSpec, PlatformValidationError } from '../model';
import { renderMarkdown, review, tiersOf } from '../review';
import { readTree, recoverInterruptedWrite, renderEnvironmentRepo, writeTreeAtomically } from '../synth';
import { UsageError, parseFlags } from './args';
import type { Console } from './synth';

export interface PromoteOptions extends PromotionRequest {
  readonly platform: PlatformSpec;
  readonly extensions?: Readonly<Record<string, AppExtension>>;
  /** The repository root (release files are relative to it). */
  readonly root: string;
  /** The environment repo. */
  readonly outDir: string;
}

export const PROMOTE_USAGE = 'Usage: npm run promote -- <app> [<app>...] --to <env> [--from <env>] [--version <tag>], or --all --to <env>';

/** The promote command's arguments (node:util parseArgs); throws a UsageError that says what is wrong. */
export function parsePromoteArgs(argv: readonly string[]): PromotionRequest {
  const { values, positionals } = parseFlags(argv, {
    to: { type: 'string' }, from: { type: 'string' }, version: { type: 'string' }, all: { type: 'boolean' },
  }, { positionals: true });
  if (!values.to) throw new UsageError('say which environment to promote to: --to <env>');
  return { apps: positionals, all: values.all ?? false, to: values.to, from: values.from, version: values.version };
}

/**
 * `npm run promote -- <app> --to <env>`: copies the version from the previous
 * environment into the target's release file and re-renders. Everything is
 * rendered and checked in memory first; only then are the release file and
 * dist/ written. Prints a pull-request body: what, from where, to where, and the
 * review of the rendered change. Returns the exit code.
 */
export function runPromote(options: PromoteOptions, out: Console = console): number {
  recoverInterruptedWrite(options.outDir); // start from what a killed synth committed to, not half of it
  let plan;
  try {
    plan = planPromotion(options.platform, options);
  } catch (err) {
    if (!(err instanceof PromotionRefused)) throw err;
    out.error(`Promotion refused: ${err.message}. Nothing was changed.`);
    return 1;
  }
  const skipped = plan.skipped.map((s) => `${s.app} (${s.reason})`).join(', ');
  if (plan.promoted.length === 0) {
    if (plan.unchanged.length > 0) out.log(`Nothing to promote: ${plan.unchanged.join(', ')} already run${plan.unchanged.length === 1 ? 's' : ''} in "${plan.to}" what runs in "${plan.from}".`);
    else out.log(`Nothing to promote from "${plan.from}" to "${plan.to}".`);
    if (skipped) out.log(`Left out: ${skipped}.`);
    return 0;
  }
  let rendered;
  try {
    rendered = renderEnvironmentRepo({ platform: plan.platform, extensions: options.extensions, outDir: options.outDir });
  } catch (err) {
    if (err instanceof PlatformValidationError || err instanceof RenderError || err instanceof GuardrailError) {
      out.error(`Promotion refused: the promoted platform does not render:\n${err.message}\nNothing was changed.`);
      return 1;
    }
    throw err;
  }
  const before = readTree(options.outDir);
  const releasePath = path.join(options.root, plan.releaseFile);
  const previousRelease = fs.readFileSync(releasePath, 'utf8');
  fs.writeFileSync(`${releasePath}.tmp`, plan.releaseText);
  fs.renameSync(`${releasePath}.tmp`, releasePath);
  try {
    writeTreeAtomically(options.outDir, rendered.files);
  } catch (err) {
    fs.writeFileSync(releasePath, previousRelease);
    throw err;
  }

  const tiers = tiersOf(rendered.resolved);
  const report = review({ base: before, head: rendered.files, baseLabel: 'before promotion', headLabel: 'after promotion', tiers });
  const what = plan.promoted.map((p) => `\`${p.app}\` ${p.previous ? `${p.previous.tag} → ` : ''}${p.from.tag}`).join(', ');
  out.log(`## Promote ${what} from ${plan.from} to ${plan.to}`);
  out.log('');
  out.log('| app | ' + `${plan.from} (source)` + ' | ' + `${plan.to} before` + ' | ' + `${plan.to} after` + ' |');
  out.log('|---|---|---|---|');
  for (const p of plan.promoted) {
    const v = (e?: { tag: string; digest?: string }) => (e ? `${e.tag}${e.digest ? ` (\`${e.digest.slice(0, 19)}…\`)` : ''}` : '—');
    out.log(`| ${p.app} | ${v(p.from)} | ${v(p.previous)} | ${v(p.from)} |`);
  }
  if (plan.unchanged.length > 0) out.log(`\nAlready up to date in ${plan.to}: ${plan.unchanged.join(', ')}.`);
  if (skipped) out.log(`\nLeft out: ${skipped}.`);
  out.log(`\nChanged: \`${plan.releaseFile}\` and the rendered files below. Roll back by reverting this commit.\n`);
  out.log(renderMarkdown(report));
  return 0;
}
