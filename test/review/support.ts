import type { PlatformSpec } from '../../src/model';
import { KnownTiers, tiersOf } from '../../src/review';
import { FileTree, renderPlatform, withProvenance } from '../../src/synth';

/** Tool versions recorded in test renders, so that tests do not depend on what is installed. */
export const TOOLS = { 'cdk8s': '2.70.0', 'cdk8s-plus-27': '2.9.5', 'yaml': '2.8.0', 'node': '20' };

const renders = new Map<string, { files: FileTree; tiers: KnownTiers }>();

/**
 * A platform rendered in memory as `npm run synth` would write it, and its
 * tiers from the model. Rendering is pure, so equal declarations are rendered once.
 */
export function rendered(spec: PlatformSpec): { files: FileTree; tiers: KnownTiers } {
  const key = JSON.stringify(spec);
  const known = renders.get(key);
  if (known) return known;
  const r = renderPlatform({ platform: spec });
  const result = {
    files: withProvenance(r.files, r.resolved, { tools: TOOLS }),
    tiers: tiersOf(r.resolved),
  };
  renders.set(key, result);
  return result;
}

/** The same tree with one environment's files edited by `edit` (text in, text out; undefined deletes). */
export function editTree(files: FileTree, edits: Readonly<Record<string, (text: string) => string | undefined>>): Map<string, string> {
  const out = new Map(files);
  for (const [file, edit] of Object.entries(edits)) {
    const next = edit(out.get(file) ?? '');
    if (next === undefined) out.delete(file);
    else out.set(file, next);
  }
  return out;
}
