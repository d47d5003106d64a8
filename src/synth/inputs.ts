import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import type { PlatformSpec } from '../model';

/**
 * The release files (relative to `root`) whose content on disk is no longer
 * what the platform was loaded with: another command (a promote) wrote them
 * after this process read them, e.g. while this one waited for the lock.
 * Rendering or promoting from the stale content would overwrite that change,
 * so the commands refuse instead. A release file that is not on disk (a
 * platform declared in a test) is not compared.
 */
export function changedReleaseFiles(platform: PlatformSpec, root: string): string[] {
  const changed: string[] = [];
  for (const env of platform.environments) {
    if (!env.release) continue;
    let text: string;
    try {
      text = fs.readFileSync(path.join(root, env.release.file), 'utf8');
    } catch {
      continue;
    }
    let onDisk: unknown;
    try {
      onDisk = JSON.parse(text);
    } catch {
      onDisk = text;
    }
    if (!isDeepStrictEqual(onDisk, env.release.content)) changed.push(env.release.file);
  }
  return changed;
}

/** The refusal for {@link changedReleaseFiles}, naming them. */
export function describeChangedReleaseFiles(files: readonly string[], command: string): string {
  return `${files.join(', ')} changed on disk after this command read ${files.length === 1 ? 'it' : 'them'} `
    + `(another command, a promote, wrote ${files.length === 1 ? 'it' : 'them'} meanwhile). Run ${command} again, so that it starts from what is there now`;
}
