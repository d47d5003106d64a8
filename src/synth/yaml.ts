import { stringify } from 'yaml';

/** First line of every rendered file: what produced it and where to change it. */
export const GENERATED_HEADER = '# Rendered by `npm run synth` from src/ and environments/. Do not edit: change the declaration and re-render.\n';

/**
 * One object as a YAML document. Deterministic: keys arrive sorted (cdk8s
 * sorts them), lines are never folded, multi-line strings are block literals.
 */
export function toYaml(manifest: unknown): string {
  return GENERATED_HEADER + stringify(manifest, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
}
