import { ReleaseChannel, SyncPolicy, Tier, releaseFile } from '../src/model';
import type { EnvironmentSpec } from '../src/model';
import release from './releases/staging.json';

/** Staging: production-like, two replicas, versions arrive by promotion from dev. */
export const staging: EnvironmentSpec = {
  name: 'staging',
  tier: Tier.STAGING,
  gcpProject: 'acme-platform-staging',
  gcpProjectNumber: '418227363002',
  region: 'europe-west1',
  domain: 'staging.acme.example',
  stateBucket: 'acme-platform-staging-tfstate',
  cluster: {
    releaseChannel: ReleaseChannel.REGULAR,
    nodePools: [{ name: 'general', machineType: 'e2-standard-4', minNodes: 1, maxNodes: 4 }],
    authorizedNetworks: [{ name: 'office-vpn', cidr: '203.0.113.0/24' }, { name: 'ci-runners', cidr: '198.51.100.0/26' }],
  },
  sync: SyncPolicy.automated(),
  // Cloud SQL for the orders database, reached by private IP over private services access (the block Terraform reserves and peers).
  privateServiceAccess: { cidr: '10.60.0.0/16' },
  endpoints: { 'orders-db': { description: 'Cloud SQL, orders database (private IP)', cidr: '10.60.0.0/24', ports: [5432], privateServiceAccess: true } },
  release: releaseFile('environments/releases/staging.json', release),
  apps: {
    'prometheus-frontend': { env: { GCP_PROJECT: 'acme-platform-staging' } },
    'storefront-web': { replicas: 2, env: { FEATURE_NEW_CHECKOUT: 'true' } },
    'orders-api': { replicas: 2 },
  },
};
