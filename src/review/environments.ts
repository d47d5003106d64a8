import type { ResolvedPlatform } from '../model';
import { ParsedTree, isObject } from './objects';

/** How an environment is treated in a review. */
export interface EnvironmentTier {
  /** The tier's name, e.g. `production`, when known. */
  readonly tier?: string;
  /** Whether production rules apply (risk flags are raised a level). */
  readonly production: boolean;
  /**
   * Where this came from, best first: the resolved platform model; the
   * environment's rendered `PROVENANCE.json`; the `platform.<domain>/environment`
   * label or the directory name (`prod`, `production`, `prod-*` are production).
   */
  readonly source: 'model' | 'provenance' | 'name';
}

/** Known tiers, keyed by environment name (from the resolved model). */
export type KnownTiers = ReadonlyMap<string, { readonly tier: string; readonly production: boolean }>;

/** The tiers of a resolved platform, in promotion order. */
export function tiersOf(platform: ResolvedPlatform): KnownTiers {
  return new Map(platform.environments.map((e) => [e.name, { tier: e.tier.name, production: e.tier.isProduction }]));
}

const PRODUCTION_NAME = /^(prod|production|prd)([-_.].*)?$/;

/** The tier of each environment that appears in either tree. Pure. */
export function environmentTiers(
  environments: readonly string[], trees: readonly ParsedTree[], known: KnownTiers = new Map(),
): Map<string, EnvironmentTier> {
  const out = new Map<string, EnvironmentTier>();
  for (const env of environments) {
    const fromModel = known.get(env);
    if (fromModel) {
      out.set(env, { tier: fromModel.tier, production: fromModel.production, source: 'model' });
      continue;
    }
    const recorded = trees.map((t) => t.provenance.get(env)).find((p) => isObject(p) && typeof p.tier === 'string' && typeof p.production === 'boolean') as
      { tier: string; production: boolean } | undefined;
    if (recorded) {
      out.set(env, { tier: recorded.tier, production: recorded.production, source: 'provenance' });
      continue;
    }
    const name = environmentLabel(env, trees) ?? env;
    const production = PRODUCTION_NAME.test(name);
    out.set(env, { tier: production ? 'production' : undefined, production, source: 'name' });
  }
  return out;
}

/** The value of a `platform.<domain>/environment` label on the environment's objects, if any. */
function environmentLabel(env: string, trees: readonly ParsedTree[]): string | undefined {
  for (const tree of trees) {
    for (const o of tree.objects) {
      if (o.environment !== env || o.layer !== 'kubernetes' || !isObject(o.body)) continue;
      const labels = isObject(o.body.metadata) && isObject(o.body.metadata.labels) ? o.body.metadata.labels : {};
      for (const [k, v] of Object.entries(labels)) {
        if (/^platform\.[^/]+\/environment$/.test(k) && typeof v === 'string') return v;
      }
    }
  }
  return undefined;
}
