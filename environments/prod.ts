import { ReleaseChannel, SyncPolicy, Tier, releaseFile } from '../src/model';
import type { EnvironmentSpec } from '../src/model';
import release from './releases/prod.json';

/** Production: pinned digests, at least two replicas of everything long-running, autoscaled, spread across zones. */
export const prod: EnvironmentSpec = {
  name: 'prod',
  tier: Tier.PRODUCTION,
  gcpProject: 'acme-platform-prod',
  region: 'europe-west1',
  domain: 'acme.example',
  stateBucket: 'acme-platform-prod-tfstate',
  cluster: {
    releaseChannel: ReleaseChannel.STABLE,
    nodePools: [
      { name: 'general', machineType: 'n2-standard-4', minNodes: 2, maxNodes: 6 },
    ],
    authorizedNetworks: [{ name: 'ci-runners', cidr: '198.51.100.0/26' }],
    maintenanceStartTime: '03:00',
  },
  sync: SyncPolicy.automated({ retry: { limit: 10, backoffMaxDuration: '10m' } }),
  release: releaseFile('environments/releases/prod.json', release),
  teams: {
    storefront: { quota: { requestsCpu: '8', requestsMemory: '16Gi' } },
    orders: { quota: { requestsCpu: '8', requestsMemory: '16Gi' } },
  },
  apps: {
    'storefront-web': {
      autoscaling: { minReplicas: 3, maxReplicas: 12, targetCpuUtilization: 60 },
      resources: { cpuRequest: '500m', memoryRequest: '512Mi', memoryLimit: '1Gi' },
      env: { FEATURE_NEW_CHECKOUT: 'false' },
      host: 'shop.acme.example',
    },
    'catalog-api': { autoscaling: { minReplicas: 2, maxReplicas: 6 } },
    'orders-api': { autoscaling: { minReplicas: 3, maxReplicas: 8 } },
    'orders-worker': { autoscaling: { minReplicas: 2, maxReplicas: 6 } },
  },
};
