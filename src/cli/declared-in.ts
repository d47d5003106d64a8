import * as path from 'path';
import type { DeclaredIn } from '../model';

/** A loaded module as Node's module cache holds it. */
export interface LoadedModule {
  readonly filename: string;
  readonly exports: unknown;
  readonly children?: readonly LoadedModule[];
}

/**
 * Which file declares each object the user's modules export, from the
 * modules Node loaded (`require.cache`): an app, team or environment is
 * declared by the module that exports it, or whose exported list holds it
 * (a team written inside `teams`); an exported list, by its module. When several modules export the same
 * object (a re-export, or an index importing it), the one the others import
 * it from declares it: the candidate with no other candidate among the
 * modules it loaded. Paths are relative to `root`; `node_modules` is never
 * a declaring module.
 */
export function declaredInModules(root: string, modules: Iterable<LoadedModule>): DeclaredIn {
  const exported = new Map<object, Set<LoadedModule>>();
  const listed = new Map<object, Set<LoadedModule>>();
  const add = (map: Map<object, Set<LoadedModule>>, value: object, m: LoadedModule) => {
    const set = map.get(value) ?? new Set<LoadedModule>();
    set.add(m);
    map.set(value, set);
  };
  for (const m of modules) {
    if (!m.filename.startsWith(root + path.sep) || m.filename.includes(`${path.sep}node_modules${path.sep}`)) continue;
    if (m.exports === null || typeof m.exports !== 'object') continue;
    for (const value of Object.values(m.exports as Record<string, unknown>)) {
      if (Array.isArray(value)) {
        add(exported, value, m); // the list itself (apps listed twice name it)
        for (const item of value) if (item !== null && typeof item === 'object') add(listed, item, m);
      } else if (value !== null && typeof value === 'object') {
        add(exported, value, m);
      }
    }
  }
  return (declaration) => {
    const candidates = exported.get(declaration) ?? listed.get(declaration);
    if (!candidates) return undefined;
    const defining = [...candidates].filter((m) => ![...candidates].some((other) => other !== m && loads(m, other)));
    return defining.length === 1 ? path.relative(root, defining[0].filename).split(path.sep).join('/') : undefined;
  };
}

/** Whether `from` loaded `target`, directly or through the modules it loaded. */
function loads(from: LoadedModule, target: LoadedModule): boolean {
  const seen = new Set<LoadedModule>();
  const stack = [...(from.children ?? [])];
  while (stack.length > 0) {
    const m = stack.pop()!;
    if (m === target) return true;
    if (seen.has(m)) continue;
    seen.add(m);
    stack.push(...(m.children ?? []));
  }
  return false;
}
