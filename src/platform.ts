import { apps } from './apps';
import type { AppExtension } from './k8s';
import type { PlatformSpec } from './model';
import { teams } from './teams';
import { dev } from '../environments/dev';
import { prod } from '../environments/prod';
import { staging } from '../environments/staging';

/** The example platform: what `npm run synth` renders. */
export const platform: PlatformSpec = {
  organization: { name: 'acme', domain: 'acme.example' },
  platformOwners: 'platform-team@acme.example',
  gitops: { repoURL: 'https://github.com/acme/platform.git', targetRevision: 'main' },
  // Promotion order.
  environments: [dev, staging, prod],
  teams,
  apps,
};

/**
 * Escape hatches: an app's own cdk8s constructs, keyed by app name, e.g.
 *
 *   'catalog-api': (scope, { app }) => {
 *     new k8s.KubeRole(scope, 'lease-reader', { metadata: { name: `${app.name}-leases` }, rules: [...] });
 *   },
 *
 * What they add is rendered into the app's directory and checked like everything else.
 */
export const extensions: Record<string, AppExtension> = {};
