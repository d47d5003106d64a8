import type { ResolvedApp, ResolvedEnvironment, ResolvedPlatform } from '../model';

/** The tool that renders our objects, as `app.kubernetes.io/managed-by`. */
export const MANAGED_BY = 'platform-definition';

/**
 * Argo CD deletes what an Application deployed, in the foreground, before
 * the Application itself. The domain-qualified name with a path: the bare
 * `resources-finalizer.argocd.argoproj.io` draws a warning from the API
 * server ("prefer a domain-qualified finalizer name including a path").
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/app_deletion/
 */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io/foreground';

/** Argo CD annotation that orders objects within a sync. */
export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

/** Labels every object of an environment carries. */
export function environmentLabels(platform: ResolvedPlatform, env: ResolvedEnvironment): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': MANAGED_BY,
    [`${platform.labelDomain}/environment`]: env.name,
  };
}

/** Labels of a team's objects. */
export function teamLabels(platform: ResolvedPlatform, env: ResolvedEnvironment, team: string): Record<string, string> {
  return { ...environmentLabels(platform, env), [`${platform.labelDomain}/team`]: team };
}

/** The label that selects an app's pods. Stable across versions: never put the version in a selector. */
export function selectorLabels(app: ResolvedApp): Record<string, string> {
  return { 'app.kubernetes.io/name': app.name };
}

/** Labels of an app's objects (without the version, so a release does not touch every object). */
export function appLabels(platform: ResolvedPlatform, env: ResolvedEnvironment, app: ResolvedApp): Record<string, string> {
  return {
    ...teamLabels(platform, env, app.team),
    ...selectorLabels(app),
    'app.kubernetes.io/component': app.kind,
    'app.kubernetes.io/part-of': app.deployedWith,
  };
}

/** Labels of an app's workload and pods: with the version. */
export function versionedLabels(platform: ResolvedPlatform, env: ResolvedEnvironment, app: ResolvedApp): Record<string, string> {
  return { ...appLabels(platform, env, app), 'app.kubernetes.io/version': app.tag };
}

/** The label of preview namespaces and objects (`<label domain>/preview: "true"`). */
export function previewLabel(platform: ResolvedPlatform): string {
  return `${platform.labelDomain}/preview`;
}
