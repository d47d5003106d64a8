import type { ApiObjectMetadata } from 'cdk8s';
import type { ResolvedApp, ResolvedEnvironment, ResolvedPlatform } from '../../model';
import { SYNC_WAVE, appLabels, previewLabel, versionedLabels } from '../labels';

/**
 * Annotations that make an object an Argo CD PreSync hook: recreated before
 * each sync, and deleted once the whole sync has succeeded (Argo CD deletes
 * HookSucceeded hooks only then, so a migration's secret outlives its Job).
 * A failed hook stays for inspection.
 */
export const PRE_SYNC_HOOK = {
  'argocd.argoproj.io/hook': 'PreSync',
  'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation,HookSucceeded',
} as const;

/** What an app's objects are rendered from. */
export interface AppRenderOptions {
  readonly platform: ResolvedPlatform;
  readonly env: ResolvedEnvironment;
  readonly app: ResolvedApp;
  /** The app runs as a PreSync hook of the app it migrates: its objects are hooks too. */
  readonly hook: boolean;
  /** A pull request's preview: no static address or certificate, plain HTTP, marked as a preview. */
  readonly preview: boolean;
}

/** What an app's objects are rendered from, and the metadata they share. */
export interface AppRenderContext extends AppRenderOptions {
  /** Labels of the workload and its pods (with the version). */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Metadata of an object of the app. */
  meta(name: string): ApiObjectMetadata;
  /** Metadata of an object the workload needs first: an earlier sync wave, or for a hook, a PreSync hook itself. */
  supporting(name: string): ApiObjectMetadata;
}

export function appRenderContext(options: AppRenderOptions): AppRenderContext {
  const { platform, env, app, hook, preview } = options;
  const mark = preview ? { [previewLabel(platform)]: 'true' } : {};
  const labels = { ...appLabels(platform, env, app), ...mark };
  return {
    ...options,
    meta: (name) => ({ name, namespace: app.namespace, labels }),
    supporting: (name) => ({
      name,
      namespace: app.namespace,
      labels,
      annotations: hook ? { ...PRE_SYNC_HOOK, [SYNC_WAVE]: '-1' } : { [SYNC_WAVE]: '-1' },
    }),
    podLabels: { ...versionedLabels(platform, env, app), ...mark },
  };
}
