import { OMIT_HEADERS, formatPatch, structuredPatch } from 'diff';

/**
 * Unified diff of two texts, by jsdiff, without file headers: `@@ -a,n +b,m @@`
 * hunks with `context` unchanged lines around each change, and git's
 * `\ No newline at end of file` after a last line that has none. Empty when equal.
 */
export function unifiedDiff(before: string, after: string, context = 3): string[] {
  if (before === after) return [];
  const patch = formatPatch(structuredPatch('', '', before, after, undefined, undefined, { context }), OMIT_HEADERS);
  return patch.split('\n').slice(0, -1); // formatPatch ends every line, the last one too, with \n
}
