import type { AddonsSpec, Alerts, NotificationsSpec, PipelineSpec } from './addons';
import type { AppSpec, ExemptionSpec } from './app';
import type { ArgoCdSpec } from './argocd';
import type { EnvironmentSpec } from './environment';
import { PlatformValidationError, ValidationIssue } from './errors';
import { resolvePipeline } from './resolve/addons';
import { ARGOCD_NAMESPACE } from './resolve/defaults';
import { resolveEnvironment } from './resolve/environment';
import type { ResolvedEnvironment, ResolvedPlatform } from './resolved';
import type { TeamSpec } from './team';
import { validateAcrossEnvironments, validateConnectorRoles } from './validate/across';
import { validateAddonRelease, validateAddons } from './validate/addons';
import { validateApp } from './validate/apps';
import { validateArgoCd } from './validate/argocd';
import { validateBinaryAuthorization } from './validate/binary-authorization';
import { DeclaredIn, indexDeclarations } from './validate/declarations';
import { validateEnvironment } from './validate/environments';
import { validateNames } from './validate/names';
import { enabledApps, overridable, validateOverride } from './validate/overrides';
import { validatePipeline } from './validate/pipeline';
import { validatePlatform } from './validate/platform';
import { QuotaShortfall, quotaShortfalls, validateQuotas, validateTeamQuotas } from './validate/quotas';
import { validateReferences } from './validate/references';
import { releaseEntries, validateRelease, versionOf } from './validate/releases';
import { staleAppNames, validateStaleAppNames } from './validate/renames';
import { teamsRenamedToTakenNames, undeclaredTeamsOfSeveralApps, validateTeamNames, validateTeams } from './validate/teams';

export { DIST_DIR } from './resolve/environment';
export { contentHash } from './resolve/app';
export { addonVersion } from './resolve/addons';
export { surgePods } from './validate/quotas';
export type { DeclaredIn } from './validate/declarations';

/** The whole platform: organisation, GitOps repository, environments, teams and apps. */
export interface PlatformSpec {
  /** Organisation: `name` prefixes cluster names; `domain` is the base of our label keys. */
  readonly organization: { readonly name: string; readonly domain: string };
  /** Google group of the platform team. */
  readonly platformOwners: string;
  /**
   * The Google group whose member groups GKE resolves for RBAC (Google Groups for RBAC), so that
   * RoleBindings to teams' groups take effect. @default `gke-security-groups@<organization domain>`
   */
  readonly rbacSecurityGroup?: string;
  /** GitHub handle of the platform team, for CODEOWNERS. @default `@<organization>/platform` */
  readonly platformCodeOwners?: string;
  /** The repository Argo CD reads, and the branch. */
  readonly gitops: { readonly repoURL: string; readonly targetRevision?: string };
  /** Environments in promotion order, e.g. dev, staging, prod. */
  readonly environments: readonly EnvironmentSpec[];
  readonly teams: readonly TeamSpec[];
  readonly apps: readonly AppSpec[];
  /** Exemptions for objects that belong to no app (e.g. bootstrap objects), matched by kind and name. @default [] */
  readonly exemptions?: readonly ObjectExemptionSpec[];
  /** The controllers the rendered objects rely on, each an Argo CD Application of its upstream chart. @default - each add-on at the version this engine pins @see docs/operators.md */
  readonly addons?: AddonsSpec;
  /** Where the platform team's alerts go: every Application of a production environment notifies it. @default - none @see docs/operators.md */
  readonly alerts?: Alerts;
  /** How Argo CD's notifications are sent (the SMTP server, the OutOfSync delay). @default - Slack only, OutOfSync alerts after 30m @see docs/operators.md */
  readonly notifications?: NotificationsSpec;
  /** The generated Terraform pipeline and its Workload Identity Federation. @default - none: no pipeline identity is rendered @see docs/pipeline.md */
  readonly pipeline?: PipelineSpec;
  /** Argo CD's URL in each environment and its single sign-on. @default - `https://argocd.<environment domain>`, no SSO @see docs/operators.md */
  readonly argocd?: ArgoCdSpec;
}

/** An exemption for objects that belong to no app. */
export interface ObjectExemptionSpec extends ExemptionSpec {
  /** Kind of the objects, e.g. `Secret`. */
  readonly kind: string;
  /** Name of the objects; a trailing `*` matches any suffix. */
  readonly name: string;
}

/**
 * `private.googleapis.com`: the addresses through which private nodes and pods
 * reach Google APIs (Private Google Access). The Kubernetes layer allows
 * egress to `cidr`; the cloud layer resolves `*.googleapis.com` to `addresses`.
 */
export const PRIVATE_GOOGLE_ACCESS = {
  hostname: 'private.googleapis.com',
  cidr: '199.36.153.8/30',
  addresses: ['199.36.153.8', '199.36.153.9', '199.36.153.10', '199.36.153.11'],
} as const;

/** How many app-environments a platform renders: each app once per environment it is deployed in. */
export function appEnvironmentCount(platform: ResolvedPlatform): number {
  return platform.environments.reduce((n, e) => n + e.apps.length, 0);
}

export interface ResolveOptions {
  /** Which file declares an app, team, environment or the platform, named in its problems. @default - each declaration's `sourceFile`, else none */
  readonly declaredIn?: DeclaredIn;
}

/**
 * Validates a platform declaration and resolves it, environment by
 * environment, into what the renderers read. Throws a
 * {@link PlatformValidationError} listing every problem found, each once:
 * a problem of an app or environment is not repeated by the checks that
 * depend on it.
 */
export function resolvePlatform(spec: PlatformSpec, options: ResolveOptions = {}): ResolvedPlatform {
  const index = indexDeclarations(spec, options.declaredIn);
  const stale = staleAppNames(index);
  const misnamedTeams = teamsRenamedToTakenNames(index);
  const undeclaredTeams = new Map([...undeclaredTeamsOfSeveralApps(index)].filter(([name]) => !misnamedTeams.has(name)));
  const shared = [
    ...validatePlatform(index),
    ...validateTeams(index, misnamedTeams),
    ...validateTeamNames(index, undeclaredTeams),
    ...validateNames(index, stale),
    ...validateAddons(index),
    ...validateArgoCd(index),
    ...validatePipeline(index),
  ];
  const teamsOfSeveral = new Set([...undeclaredTeams.keys(), ...misnamedTeams.keys()]);
  const own = new Map([...index.apps.values()].map((app) => [app.name, validateApp(app, index, teamsOfSeveral)]));
  const sound = new Set([...own].filter(([, found]) => found.length === 0).map(([name]) => name));
  const ofApp = new Map([...index.apps.values()].map((app) => [app.name, [...own.get(app.name)!, ...validateReferences(app, index, sound)]]));
  const appIssues = [...ofApp.values()].flat();
  const roleIssues = validateConnectorRoles(index);
  const across = validateAcrossEnvironments(index);
  const renamed = new Set(stale.map((s) => s.renamedTo).filter((name): name is string => name !== undefined));
  const staleIssues = validateStaleAppNames(index, stale);
  const issues: ValidationIssue[] = [...shared, ...appIssues, ...roleIssues, ...staleIssues];
  const environments: ResolvedEnvironment[] = [];
  const shortfalls: QuotaShortfall[] = [];
  for (const env of index.environments) {
    const deployed = enabledApps(env, index);
    const found = [
      ...validateEnvironment(env, index, teamsOfSeveral),
      ...validateRelease(env, index),
      ...validateAddonRelease(env),
      ...validateBinaryAuthorization(env, index, deployed),
      ...deployed.filter((app) => overridable(app, index)).flatMap((app) => validateOverride(env, app, index, renamed)),
      ...across.filter((i) => i.environment === env.name),
    ];
    issues.push(...found);
    // Quotas are checked on what resolves: only where nothing they depend on has a problem.
    const clean = found.length === 0 && shared.length === 0 && deployed.every((app) => ofApp.get(app.name)!.length === 0)
      && !stale.some((s) => s.uses.some((u) => u.environment === env.name));
    if (!clean) continue;
    const entries = releaseEntries(env);
    const resolved = resolveEnvironment(env, index, deployed.map((app) => ({ app, version: versionOf(app, entries, index)! })));
    shortfalls.push(...quotaShortfalls(resolved));
    issues.push(...validateQuotas(resolved, index.fileOf(env)));
    environments.push(resolved);
  }
  issues.push(...validateTeamQuotas(shortfalls, index));
  issues.push(...across.filter((i) => !index.environments.some((e) => e.name === i.environment)));
  if (issues.length > 0) throw new PlatformValidationError(issues);
  const { organization: org, gitops } = spec;
  return {
    organization: org.name,
    labelDomain: `platform.${org.domain}`,
    platformOwners: spec.platformOwners,
    platformCodeOwners: spec.platformCodeOwners ?? `@${org.name}/platform`,
    gitops: { repoURL: gitops.repoURL, targetRevision: gitops.targetRevision ?? 'main', argocdNamespace: ARGOCD_NAMESPACE },
    environments,
    exemptions: (spec.exemptions ?? []).map((e) => ({
      rule: e.rule,
      reason: e.reason.trim(),
      expires: e.expires,
      environments: e.environments ? [...e.environments] : undefined,
      kind: e.kind,
      name: e.name,
    })),
    pipeline: resolvePipeline(spec),
  };
}
