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

/**
 * The sync waves of what an app's workload (wave 0) needs. Argo CD applies
 * a wave's objects by kind, then name, and custom resources of different
 * kinds in no order that helps: an ExternalSecret applied before its
 * SecretStore reads Degraded, and a Degraded hook fails the sync. So the
 * store (with the ServiceAccount it authenticates as, and the rest) goes in
 * wave -2, the ExternalSecrets in -1. gitops-engine `pkg/sync/sync_tasks.go`
 * orders tasks by phase, wave, kind order, then name.
 */
export const SUPPORT_WAVE = { store: '-2', secrets: '-1' } as const;
export type SupportWave = typeof SUPPORT_WAVE[keyof typeof SUPPORT_WAVE];

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
  /**
   * Metadata of an object the workload needs first: an earlier sync wave (for a hook, a PreSync hook
   * itself). `-2` by default; `-1` for what needs those first (an ExternalSecret needs its store).
   */
  supporting(name: string, wave?: SupportWave): ApiObjectMetadata;
}

export function appRenderContext(options: AppRenderOptions): AppRenderContext {
  const { platform, env, app, hook, preview } = options;
  const mark = preview ? { [previewLabel(platform)]: 'true' } : {};
  const labels = { ...appLabels(platform, env, app), ...mark };
  return {
    ...options,
    meta: (name) => ({ name, namespace: app.namespace, labels }),
    supporting: (name, wave = SUPPORT_WAVE.store) => ({
      name,
      namespace: app.namespace,
      labels,
      annotations: hook ? { ...PRE_SYNC_HOOK, [SYNC_WAVE]: wave } : { [SYNC_WAVE]: wave },
    }),
    podLabels: { ...versionedLabels(platform, env, app), ...mark },
  };
}
