import type { AppSpec } from '../app';
import { EnvironmentSpec, Tier } from '../environment';
import type { ValidationIssue } from '../errors';
import { RELEASE_FILE } from '../fields';
import { suggest } from '../names';
import type { BadVersion, ReleaseEntry } from '../release';
import { type DeclarationIndex, releaseFileOf } from './declarations';
import { Location, Report } from './location';
import { DIGEST, TAG, isPlainRecord, isString } from './values';

/** An environment's release file's entries by app, as written; undefined when the file is not a release file at all. */
export function releaseEntries(env: EnvironmentSpec): ReadonlyMap<string, ReleaseEntry> | undefined {
  const content = env.release?.content as { apps?: unknown } | undefined;
  if (!isPlainRecord(content) || !isPlainRecord(content.apps)) return undefined;
  const known = ENTRIES.get(content.apps);
  if (known) return known;
  const entries = new Map(Object.entries(content.apps).filter(([, e]) => isPlainRecord(e)) as [string, ReleaseEntry][]);
  ENTRIES.set(content.apps, entries);
  return entries;
}

/**
 * The entries of each release file's `apps`, built once: the validators ask
 * for them per app (1,000 apps made that quadratic: 2 s of a 3 s resolve).
 * Keyed by the loaded object, which nothing mutates, so a memo, not state.
 */
const ENTRIES = new WeakMap<object, ReadonlyMap<string, ReleaseEntry>>();

/** An environment's release file: its form, and each entry's app, tag and digest. Problems name the release file. */
export function validateRelease(env: EnvironmentSpec, index: DeclarationIndex): ValidationIssue[] {
  const report = new Report();
  const file = releaseFileOf(env);
  const at = report.at('release', { environment: env.name, file });
  const production = env.tier instanceof Tier && env.tier.isProduction;
  const content = env.release?.content as { apps?: unknown } | undefined;
  if (releaseEntries(env) === undefined) {
    at.issue('is not a release file of the form {"apps": {"<app>": {"tag": "...", "digest": "sha256:..."}}}', content, `write ${file} in that form`);
  }
  at.unknownFields(content, RELEASE_FILE);
  validateBadVersions(at.field('bad'), (content as { bad?: unknown } | undefined)?.bad, index);
  if (!isPlainRecord(content) || !isPlainRecord(content.apps)) return report.issues;
  for (const [app, entry] of Object.entries(content.apps)) {
    const where = at.field('apps').field(app);
    const e = entry as ReleaseEntry | undefined;
    // An undeclared name is reported once over every file that uses it (validateStaleAppNames).
    if (!index.apps.has(app)) continue;
    if (!isPlainRecord(e)) {
      const tag = isString(e) && TAG.test(e.trim()) ? e.trim() : '<version>';
      where.issue('must be an object {"tag": "...", "digest": "sha256:..."}', e, `write "${app}": {"tag": "${tag}"${production ? ', "digest": "sha256:<digest>"' : ''}}`);
      continue;
    }
    // Each field of an entry is reported, so one edit fixes the entry.
    if (typeof e.tag === 'number') {
      // JSON reads 1.10 as the number 1.1: the tag must be quoted to be the one pushed.
      where.field('tag').issue('must be a string, but is a number', e.tag, `write it in quotes, exactly as the image was tagged, e.g. "tag": "${e.tag}"`);
    } else if (!isString(e.tag) || !TAG.test(e.tag)) {
      const trimmed = isString(e.tag) ? e.tag.trim() : '';
      where.field('tag').issue('is not an image tag', e.tag,
        trimmed !== e.tag && TAG.test(trimmed) ? `remove the spaces: "${trimmed}"` : 'write the tag the image was pushed with, e.g. "2.14.0"');
    } else if (e.tag === 'latest') {
      where.field('tag').issue('is "latest", which names no fixed version: a rollback or a rebuilt node could run something else', e.tag, 'pin the version, e.g. "2.14.0"');
    }
    if (e.digest !== undefined && (!isString(e.digest) || !DIGEST.test(e.digest))) {
      where.field('digest').issue('is not an image digest', e.digest, 'write "sha256:" and 64 lowercase hex digits, as the registry reports it');
    } else if (e.digest === undefined && production) {
      where.field('digest').missing(
        'is missing: production images must be pinned to a digest (a tag can be pushed again)',
        `add "digest": "sha256:<digest>" next to the tag in ${file}, as the registry reports it (npm run promote copies it)`,
      );
    }
  }
  return report.issues;
}

/** `bad`: per declared app, a list of versions, each with a tag, maybe a digest, and a reason. */
function validateBadVersions(at: Location, bad: unknown, index: DeclarationIndex): void {
  if (bad === undefined) return;
  if (!isPlainRecord(bad)) {
    at.issue('must map app names to lists of bad versions', bad, 'write "bad": {"<app>": [{"tag": "...", "reason": "..."}]}, or remove it');
    return;
  }
  for (const [app, list] of Object.entries(bad)) {
    const where = at.field(app);
    if (!index.apps.has(app)) {
      where.issue('names an app that is not declared', app, `fix the name (${suggest(app, [...index.apps.keys()])}), or remove the entry`);
      continue;
    }
    if (!Array.isArray(list)) {
      where.issue('must be a list of bad versions', list, 'write [{"tag": "...", "reason": "..."}]');
      continue;
    }
    list.forEach((v: Partial<BadVersion> | undefined, i) => {
      const item = where.item(i);
      if (!isString(v?.tag) || !TAG.test(v.tag)) item.field('tag').issue('is not an image tag', v?.tag, 'write the tag of the bad version, e.g. "3.5.0"');
      if (v?.digest !== undefined && (!isString(v.digest) || !DIGEST.test(v.digest))) {
        item.field('digest').issue('is not an image digest', v.digest, 'write "sha256:" and 64 lowercase hex digits, or omit it to mark every image of the tag');
      }
      if (!isString(v?.reason) || v.reason.trim().length < 10) {
        item.field('reason').issue('must say what was found (at least 10 characters)', v?.reason, 'write e.g. "5xx spike after deploy, INC-231"');
      }
    });
  }
}

export interface MarkedBadVersion extends BadVersion {
  readonly app: string;
  readonly environment: string;
  /** The release file that marks it. */
  readonly file: string;
}

/** Every version marked bad, in any environment's release file, with where it was marked. */
export function badVersionsIn(environments: readonly EnvironmentSpec[]): readonly MarkedBadVersion[] {
  return environments.flatMap((env) => {
    const bad = (env?.release?.content as { bad?: unknown } | undefined)?.bad;
    if (!isPlainRecord(bad)) return [];
    return Object.entries(bad).flatMap(([app, list]) => (Array.isArray(list) ? list : [])
      .filter((v): v is BadVersion => isPlainRecord(v) && isString(v.tag) && isString(v.reason))
      .map((v) => ({ app, tag: v.tag, digest: v.digest, reason: v.reason.trim(), environment: env.name, file: releaseFileOf(env) })));
  });
}

/** Whether `version` is the bad one: the same digest when both have one, else the same tag. */
export function isBadVersion(version: ReleaseEntry, bad: BadVersion): boolean {
  return version.digest !== undefined && bad.digest !== undefined ? version.digest === bad.digest : version.tag === bad.tag;
}

/** The version of `app` in an environment: its release entry; a migration of the same image follows the app it migrates. */
export function versionOf(app: AppSpec, entries: ReadonlyMap<string, ReleaseEntry> | undefined, index: DeclarationIndex): ReleaseEntry | undefined {
  const own = entries?.get(app.name);
  const migrates = app.workload?.migration?.migrates;
  if (own || !migrates || index.apps.get(migrates)?.image !== app.image) return own;
  return entries?.get(migrates);
}
