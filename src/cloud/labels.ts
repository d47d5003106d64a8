import type { ResolvedEnvironment } from '../model';

/** Labels on every Google resource that takes labels (GCP label keys allow no `/` or `.`). */
export function cloudLabels(env: ResolvedEnvironment): Record<string, string> {
  return { 'managed-by': 'platform-definition', 'environment': env.name };
}
