import * as path from 'path';
import { PromotionRefused, PromotionRequest, planPromotion } from '../delivery/promote';
import { GuardrailError } from '../guardrails';
import { RenderError, AppExtension } from '../k8s';
import { PlatformSpec, PlatformValidationError } from '../model';
import { renderMarkdown, review, tiersOf } from '../review';
import {
  Repository, TransactionError, changedReleaseFiles, describeChangedReleaseFiles, describeFileSystemError, readTree, renderEnvironmentRepo,
} from '../synth';
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
  // Locked from before the plan to after the write; an interrupted command's leftovers are finished or discarded first.
  const what = `promote ${options.all ? '--all' : options.apps.join(' ')} --to ${options.to}`;
  let repository: Repository;
  try {
    repository = Repository.open(options.root, { purpose: what, onWait: (m) => out.error(m), onNotice: (m) => out.error(m) });
  } catch (err) {
    if (!(err instanceof TransactionError)) throw err;
    out.error(`Promotion failed: ${err.message}`);
    return 1;
  }
  try {
    return promoteHeld(options, out, repository);
  } catch (err) {
    const fileSystem = describeFileSystemError(err, options.root);
    if (!(err instanceof TransactionError) && !fileSystem) throw err;
    out.error(`Promotion failed: ${err instanceof TransactionError ? err.message : `${fileSystem}. Nothing was changed.`}`);
    return 1;
  } finally {
    repository.close();
  }
}

function promoteHeld(options: PromoteOptions, out: Console, repository: Repository): number {
  let plan;
  try {
    plan = planPromotion(options.platform, options);
  } catch (err) {
    if (!(err instanceof PromotionRefused)) throw err;
    out.error(`Promotion refused: ${err.message}. Nothing was changed.`);
    return 1;
  }
  const skipped = plan.skipped.map((s) => `${s.app} (${s.reason})`).join(', ');
  if (plan.promoted.length === 0 && plan.promotedAddons.length === 0) {
    if (plan.unchanged.length > 0) out.log(`Nothing to promote: ${plan.unchanged.join(', ')} already run${plan.unchanged.length === 1 ? 's' : ''} in "${plan.to}" what runs in "${plan.from}".`);
    else out.log(`Nothing to promote from "${plan.from}" to "${plan.to}".`);
    if (skipped) out.log(`Left out: ${skipped}.`);
    return 0;
  }
  let rendered;
  try {
    const { extensions, outDir, declaredIn } = options;
    rendered = renderEnvironmentRepo({ platform: plan.platform, extensions, outDir, declaredIn });
  } catch (err) {
    if (err instanceof PlatformValidationError || err instanceof RenderError || err instanceof GuardrailError) {
      out.error(`Promotion refused: the promoted platform does not render:\n${err.message}\nNothing was changed.`);
      return 1;
    }
    throw err;
  }
  const changed = changedReleaseFiles(options.platform, options.root);
  if (changed.length > 0) {
    out.error(`Promotion refused: ${describeChangedReleaseFiles(changed, 'the promotion')}. Nothing was changed.`);
    return 1;
  }
  const before = readTree(options.outDir);
  // The release file and dist/ in one transaction: both change, or (after the next command, if this one is killed) neither.
  const dist = path.relative(options.root, options.outDir).split(path.sep).join('/');
  repository.write({ trees: new Map([[dist, rendered.files]]), files: new Map([[plan.releaseFile, plan.releaseText]]) });

  const tiers = tiersOf(rendered.resolved);
  const report = review({ base: before, head: rendered.files, baseLabel: 'before promotion', headLabel: 'after promotion', tiers });
  const what = [
    ...plan.promoted.map((p) => `\`${p.app}\` ${p.previous ? `${p.previous.tag} → ` : ''}${p.from.tag}`),
    ...plan.promotedAddons.map((p) => `\`${p.addon}\` ${p.previous} → ${p.version}`),
  ].join(', ');
  out.log(`## Promote ${what} from ${plan.from} to ${plan.to}`);
  if (plan.promoted.length > 0) {
    out.log('');
    out.log('| app | ' + `${plan.from} (source)` + ' | ' + `${plan.to} before` + ' | ' + `${plan.to} after` + ' |');
    out.log('|---|---|---|---|');
    for (const p of plan.promoted) {
      const v = (e?: { tag: string; digest?: string }) => (e ? `${e.tag}${e.digest ? ` (\`${e.digest.slice(0, 19)}…\`)` : ''}` : '—');
      out.log(`| ${p.app} | ${v(p.from)} | ${v(p.previous)} | ${v(p.from)} |`);
    }
  }
  if (plan.promotedAddons.length > 0) {
    out.log('');
    out.log('| add-on (chart) | ' + `${plan.from} (source)` + ' | ' + `${plan.to} before` + ' | ' + `${plan.to} after` + ' |');
    out.log('|---|---|---|---|');
    for (const p of plan.promotedAddons) out.log(`| ${p.addon} | ${p.version} | ${p.previous} | ${p.version} |`);
  }
  if (plan.unchanged.length > 0) out.log(`\nAlready up to date in ${plan.to}: ${plan.unchanged.join(', ')}.`);
  if (skipped) out.log(`\nLeft out: ${skipped}.`);
  out.log(`\nChanged: \`${plan.releaseFile}\` and the rendered files below. Roll back by reverting this commit.\n`);
  out.log(renderMarkdown(report));
  return 0;
}
