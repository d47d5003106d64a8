import { stringify } from 'yaml';
import { YAML_EMITTER, fastYaml } from './fast-yaml';

/** First line of every rendered file: what produced it and where to change it. */
export const GENERATED_HEADER = '# Rendered by `npm run synth` from src/ and environments/. Do not edit: change the declaration and re-render.\n';

/**
 * The `yaml` options every rendered file is written with: lines never folded,
 * no anchors, no directives (a rendered document never needs one; `false`
 * spares yaml a walk of every document looking for custom tags).
 */
export const YAML_OPTIONS = { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false, directives: false } as const;

/**
 * One object as a YAML document: `yaml`'s `stringify(manifest, YAML_OPTIONS)`
 * after {@link GENERATED_HEADER}. Deterministic: keys arrive sorted (cdk8s
 * sorts them), lines are never folded, multi-line strings are block literals.
 * The same bytes are written by ./fast-yaml, where it can, unless `emitter`
 * is `library` (the switch: `PLATFORM_YAML=library`).
 */
export function toYaml(manifest: unknown, emitter: 'fast' | 'library' = YAML_EMITTER): string {
  const fast = emitter === 'fast' ? fastYaml(manifest) : undefined;
  if (fast !== undefined) return GENERATED_HEADER + fast;
  // yaml writes a string with a whitespace-only line as a block scalar that does not
  // read back as written (e.g. " \n"); in such a document, block scalars are off.
  const options = hasWhitespaceOnlyLine(manifest) ? { ...YAML_OPTIONS, blockQuote: false } : YAML_OPTIONS;
  return GENERATED_HEADER + stringify(manifest, options);
}

/**
 * A line of only spaces or tabs in a multi-line string. yaml 2.x writes such a
 * string as a literal block that, for some of them, reads back as a different
 * string, so we write them double-quoted instead: the one place where our
 * output deliberately differs from yaml's (see test/synth/yaml.test.ts).
 */
export const WHITESPACE_ONLY_LINE = /(^|\n)[ \t]+(\n|$)/;

function hasWhitespaceOnlyLine(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\n') && WHITESPACE_ONLY_LINE.test(value);
  if (Array.isArray(value)) return value.some(hasWhitespaceOnlyLine);
  if (value && typeof value === 'object') {
    for (const key in value) if (hasWhitespaceOnlyLine(key) || hasWhitespaceOnlyLine((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}
