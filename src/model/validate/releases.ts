import type { AppSpec } from '../app';
import type { EnvironmentSpec } from '../environment';
import type { ValidationIssue } from '../errors';
import { RELEASE_FILE } from '../fields';
import { suggest } from '../names';
import type { ReleaseEntry } from '../release';
import { type DeclarationIndex, releaseFileOf } from './declarations';
import { Report } from './location';
import { DIGEST, TAG, isPlainRecord, isString } from './values';

/** An environment's release file's entries by app, as written; undefined when the file is not a release file at all. */
export function releaseEntries(env: EnvironmentSpec): ReadonlyMap<string, ReleaseEntry> | undefined {
  const content = env.release?.content as { apps?: unknown } | undefined;
  if (!isPlainRecord(content) || !isPlainRecord(content.apps)) return undefined;
  return new Map(Object.entries(content.apps).filter(([, e]) => isPlainRecord(e)) as [string, ReleaseEntry][]);
}

/** An environment's release file: its form, and each entry's app, tag and digest. Problems name the release file. */
export function validateRelease(env: EnvironmentSpec, index: DeclarationIndex): ValidationIssue[] {
  const report = new Report();
  const file = releaseFileOf(env);
  const at = report.at('release', { environment: env.name, file });
  const content = env.release?.content as { apps?: unknown } | undefined;
  if (releaseEntries(env) === undefined) {
    at.issue('is not a release file of the form {"apps": {"<app>": {"tag": "...", "digest": "sha256:..."}}}', content, `write ${file} in that form`);
  }
  at.unknownFields(content, RELEASE_FILE);
  if (!isPlainRecord(content) || !isPlainRecord(content.apps)) return report.issues;
  for (const [app, entry] of Object.entries(content.apps)) {
    const where = at.field('apps').field(app);
    const e = entry as ReleaseEntry | undefined;
    if (!index.apps.has(app)) {
      where.issue('names an app that is not declared', app, `remove the entry or fix the name (${suggest(app, [...index.apps.keys()])})`);
      continue;
    }
    if (!e || typeof e !== 'object' || !isString(e.tag) || !TAG.test(e.tag)) {
      where.field('tag').issue('is not an image tag', e?.tag, 'write the tag the image was pushed with, e.g. "2.14.0"');
      continue;
    }
    if (e.tag === 'latest') {
      where.field('tag').issue('is "latest", which names no fixed version: a rollback or a rebuilt node could run something else', e.tag, 'pin the version, e.g. "2.14.0"');
    }
    if (e.digest !== undefined && (!isString(e.digest) || !DIGEST.test(e.digest))) {
      where.field('digest').issue('is not an image digest', e.digest, 'write "sha256:" and 64 lowercase hex digits, as the registry reports it');
    }
  }
  return report.issues;
}

/** The version of `app` in an environment: its release entry; a migration of the same image follows the app it migrates. */
export function versionOf(app: AppSpec, entries: ReadonlyMap<string, ReleaseEntry> | undefined, index: DeclarationIndex): ReleaseEntry | undefined {
  const own = entries?.get(app.name);
  const migrates = app.workload?.migration?.migrates;
  if (own || !migrates || index.apps.get(migrates)?.image !== app.image) return own;
  return entries?.get(migrates);
}
