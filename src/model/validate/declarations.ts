import type { AppSpec } from '../app';
import type { EnvironmentSpec } from '../environment';
import { DNS1035_LABEL, DNS1123_LABEL } from '../names';
import type { PlatformSpec } from '../platform';
import type { TeamSpec } from '../team';
import { MAX_APP_NAME, isString, listOr } from './values';

/** Tells which file declares a declaration object (an app, a team, an environment, the platform), when the caller knows. */
export type DeclaredIn = (declaration: object) => string | undefined;

/**
 * A declaration, indexed once, read by every validator and resolver: the
 * first declaration of each well-formed name (a duplicate or a malformed
 * name is reported by its validator, and nothing else reads it), and the
 * file that declares each part.
 */
export interface DeclarationIndex {
  readonly spec: PlatformSpec;
  readonly teams: ReadonlyMap<string, TeamSpec>;
  readonly apps: ReadonlyMap<string, AppSpec>;
  /** Environments with a well-formed, unique name, in promotion order. */
  readonly environments: readonly EnvironmentSpec[];
  /** Every environment name declared, as declared (exemptions name them). */
  readonly environmentNames: readonly unknown[];
  /** The team that owns each namespace (the first to claim it). */
  readonly namespaceOwner: ReadonlyMap<string, string>;
  /** The file that declares `declaration`, when known: its `sourceFile`, else what the loader saw. */
  fileOf(declaration: AppSpec | EnvironmentSpec | TeamSpec | PlatformSpec | readonly AppSpec[]): string | undefined;
}

export function indexDeclarations(spec: PlatformSpec, declaredIn: DeclaredIn = () => undefined): DeclarationIndex {
  const teams = new Map<string, TeamSpec>();
  for (const team of listOr(spec.teams)) {
    if (isString(team?.name) && DNS1123_LABEL.test(team.name) && team.name.length <= 40 && !teams.has(team.name)) teams.set(team.name, team);
  }
  const apps = new Map<string, AppSpec>();
  for (const app of listOr(spec.apps)) {
    if (isString(app?.name) && DNS1035_LABEL.test(app.name) && app.name.length <= MAX_APP_NAME && !apps.has(app.name)) apps.set(app.name, app);
  }
  const environments: EnvironmentSpec[] = [];
  const seen = new Set<string>();
  for (const env of listOr(spec.environments)) {
    if (isString(env?.name) && DNS1123_LABEL.test(env.name) && env.name.length <= 20 && !seen.has(env.name)) {
      seen.add(env.name);
      environments.push(env);
    }
  }
  const namespaceOwner = new Map<string, string>();
  for (const team of teams.values()) {
    for (const ns of namespacesOf(team)) {
      if (isString(ns) && !namespaceOwner.has(ns)) namespaceOwner.set(ns, team.name);
    }
  }
  return {
    spec,
    teams,
    apps,
    environments,
    environmentNames: listOr(spec.environments).map((e) => e?.name),
    namespaceOwner,
    fileOf: (declaration) => {
      const own = (declaration as { sourceFile?: unknown } | undefined)?.sourceFile;
      return isString(own) ? own : declaration ? declaredIn(declaration) : undefined;
    },
  };
}

/** The namespaces a team declares (its name when it declares none); empty when they are not a list. */
export function namespacesOf(team: TeamSpec): readonly string[] {
  const namespaces = team.namespaces ?? [team.name];
  return Array.isArray(namespaces) ? namespaces : [];
}

/** The namespace an app runs in: its own, or its team's first. */
export function namespaceOf(app: AppSpec, index: DeclarationIndex): string {
  const team = index.teams.get(app.team);
  return app.namespace ?? (team ? namespacesOf(team)[0] : app.team);
}

/** The path of an environment's release file, as declared. */
export function releaseFileOf(env: EnvironmentSpec): string {
  return isString(env.release?.file) ? env.release.file : `environments/releases/${env.name}.json`;
}
