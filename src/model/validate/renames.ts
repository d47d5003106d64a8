import type { AppOverride } from '../app';
import type { ValidationIssue } from '../errors';
import { editDistance, suggest } from '../names';
import { type DeclarationIndex, releaseFileOf } from './declarations';
import { Report } from './location';
import { enabledApps } from './overrides';
import { releaseEntries, versionOf } from './releases';
import { isPlainRecord, listOr, recordOr } from './values';

/** A place that names an app: an environment's release entry or its override. */
export interface AppNameUse {
  readonly environment: string;
  readonly file: string;
  readonly kind: 'release' | 'override';
}

/** An app name used in release files or overrides that no app declares, and the app it was probably renamed to. */
export interface StaleAppName {
  readonly name: string;
  readonly uses: readonly AppNameUse[];
  /** The declared app that has no version exactly where this name has one: the app renamed. */
  readonly renamedTo?: string;
  /** The file named after this name that declares an app already declared: the name was changed to a taken one. */
  readonly misnamedIn?: string;
}

/**
 * Names that release files and environment overrides use but no app
 * declares. A renamed app leaves its old name in every environment and its
 * new name without a version in each: the pair is one rename, not a problem
 * per file. Pure: read by the validators that must not report it again.
 */
export function staleAppNames(index: DeclarationIndex): StaleAppName[] {
  const uses = new Map<string, AppNameUse[]>();
  const use = (name: string, u: AppNameUse) => uses.set(name, [...(uses.get(name) ?? []), u]);
  for (const env of index.environments) {
    const content = env.release?.content as { apps?: unknown } | undefined;
    const released = isPlainRecord(content) && isPlainRecord(content.apps) ? Object.keys(content.apps) : [];
    for (const name of released.filter((n) => !index.apps.has(n))) use(name, { environment: env.name, file: releaseFileOf(env), kind: 'release' });
    for (const name of Object.keys(recordOr<AppOverride>(env.apps)).filter((n) => !index.apps.has(n))) {
      use(name, { environment: env.name, file: index.fileOf(env) ?? `environment ${env.name}`, kind: 'override' });
    }
  }
  if (uses.size === 0) return [];
  // Where each declared app has no version (release files that are not release files at all say nothing).
  const perEnvironment = index.environments.map((env) => ({ env, entries: releaseEntries(env), enabled: new Set(enabledApps(env, index)) }));
  const unversioned = new Map([...index.apps.values()].map((app) => [app.name, perEnvironment
    .filter(({ entries, enabled }) => entries !== undefined && enabled.has(app) && !versionOf(app, entries, index))
    .map(({ env }) => env.name)]));
  const taken = new Set<string>();
  return [...uses].map(([name, found]) => {
    const released = new Set(found.filter((u) => u.kind === 'release').map((u) => u.environment));
    const named = new Set(found.map((u) => u.environment));
    const candidates = [...unversioned]
      .filter(([app, missing]) => !taken.has(app) && missing.length > 0
        && missing.every((e) => named.has(e)) && [...released].every((e) => missing.includes(e)))
      .map(([app]) => app)
      .sort((a, b) => editDistance(name, a) - editDistance(name, b));
    if (candidates.length === 0) {
      const duplicate = listOr(index.spec.apps).find((a) => isPlainRecord(a) && index.apps.get(a.name) !== a && stem(index.fileOf(a)) === name);
      return duplicate ? { name, uses: found, misnamedIn: index.fileOf(duplicate) } : { name, uses: found };
    }
    taken.add(candidates[0]);
    return { name, uses: found, renamedTo: candidates[0] };
  });
}

/**
 * One problem per stale name: a rename is reported in the renamed app's
 * file, with every file that still uses the old name; a name used once is
 * reported where it is used.
 */
export function validateStaleAppNames(index: DeclarationIndex, stale: readonly StaleAppName[]): ValidationIssue[] {
  const report = new Report();
  const known = [...index.apps.keys()];
  for (const { name, uses, renamedTo, misnamedIn } of stale) {
    if (misnamedIn !== undefined) continue; // the duplicate declaration says it (validateNames)
    const files = [...new Set(uses.map((u) => u.file))];
    if (renamedTo !== undefined) {
      report.at(`apps.${renamedTo}`, { file: index.fileOf(index.apps.get(renamedTo)!) }).issue(
        `no app "${name}" is declared; did you rename it to "${renamedTo}"? ("${renamedTo}" has no version where "${name}" has one)`,
        name,
        `rename its entries from "${name}" to "${renamedTo}" in ${files.join(', ')}`,
      );
    } else if (uses.length === 1) {
      const [u] = uses;
      const where = report.at(u.kind === 'release' ? `release.apps.${name}` : `apps.${name}`, { environment: u.environment, file: u.file });
      if (u.kind === 'release') where.issue('names an app that is not declared', name, `remove the entry or fix the name (${suggest(name, known)})`);
      else where.issue('overrides an app that is not declared', name, `fix the name (${suggest(name, known)})`);
    } else {
      report.at(`apps.${name}`, { file: files[0] }).issue(
        `is named in ${files.join(', ')}, but no app "${name}" is declared`,
        name,
        `fix the name in each (${suggest(name, known)}), or remove the entries if the app is gone`,
      );
    }
  }
  return report.issues;
}

/** `src/apps/orders-worker.ts` -> `orders-worker`. */
function stem(file: string | undefined): string | undefined {
  return file?.replace(/^.*\//, '').replace(/\.[cm]?[jt]s$/, '');
}
