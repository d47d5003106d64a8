import { ReleaseChannel, SyncPolicy, Tier, releaseFile } from '../src/model';
import type { EnvironmentSpec } from '../src/model';
import release from './releases/dev.json';

/** Development: newest versions, one replica, spot nodes, teams may edit by hand (self-heal reverts them). */
export const dev: EnvironmentSpec = {
  name: 'dev',
  tier: Tier.DEVELOPMENT,
  gcpProject: 'acme-platform-dev',
  gcpProjectNumber: '418227363001',
  region: 'europe-west1',
  domain: 'dev.acme.example',
  stateBucket: 'acme-platform-dev-tfstate',
  cluster: {
    releaseChannel: ReleaseChannel.RAPID,
    nodePools: [{ name: 'general', machineType: 'e2-standard-4', minNodes: 1, maxNodes: 3, spot: true }],
    authorizedNetworks: [{ name: 'office-vpn', cidr: '203.0.113.0/24' }],
    maintenanceStartTime: '02:00',
  },
  sync: SyncPolicy.automated(),
  // Every pull request labelled preview:<app> gets that app in namespace pr-<number>-<app> on this cluster.
  // The token (a Secret in the argocd namespace, created out of band) keeps five previews' polling within GitHub's rate limits.
  previews: { github: { owner: 'acme', repo: 'platform', tokenSecret: 'github-token' }, domain: 'preview.dev.acme.example' },
  // Cloud SQL for the orders database, reached by private IP over private services access (the block Terraform reserves and peers).
  privateServiceAccess: { cidr: '10.60.0.0/16' },
  endpoints: { 'orders-db': { description: 'Cloud SQL, orders database (private IP)', cidr: '10.60.0.0/24', ports: [5432], privateServiceAccess: true } },
  release: releaseFile('environments/releases/dev.json', release),
  apps: {
    'prometheus-frontend': { env: { GCP_PROJECT: 'acme-platform-dev' } },
    'storefront-web': { env: { LOG_LEVEL: 'debug', FEATURE_NEW_CHECKOUT: 'true' } },
    'sales-report': { schedule: '0 6 * * 1-5' },
  },
};
