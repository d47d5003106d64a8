import { apps } from './apps';
import type { AppExtension } from './k8s';
import { Alerts, type PlatformSpec } from './model';
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
  // Every Application of prod alerts the platform team; each team's own alerts are in src/teams.ts.
  alerts: Alerts.slack({ channel: '#platform-alerts' }),
  notifications: { email: { host: 'smtp.acme.example', from: 'argocd@acme.example' }, outOfSyncAfter: '30m' },
  // The Terraform pipeline (.github/workflows/infrastructure.yml and drift.yml) authenticates as this repository,
  // known by its ids: gh api repos/acme/platform --jq .id (and --jq .owner.id).
  pipeline: { repositoryId: 734512908, repositoryOwnerId: 98765432 },
  // Sign-in with the organisation's Google accounts; Google groups (the teams' owners) get their projects' roles.
  argocd: {
    sso: { googleWithDex: { clientId: '180236740543-argocd.apps.googleusercontent.com', adminEmail: 'gworkspace-admin@acme.example', hostedDomains: ['acme.example'] } },
  },
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
