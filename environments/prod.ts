import { BinaryAuthorization, CanaryStep, Delivery, ReleaseChannel, SyncPolicy, Tier, releaseFile } from '../src/model';
import type { EnvironmentSpec } from '../src/model';
import release from './releases/prod.json';

/** Production: pinned digests, at least two replicas of everything long-running, autoscaled, spread across zones. */
export const prod: EnvironmentSpec = {
  name: 'prod',
  tier: Tier.PRODUCTION,
  gcpProject: 'acme-platform-prod',
  gcpProjectNumber: '418227363003',
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
    // Only the apps' Artifact Registry images, the add-ons' and Google's own run here.
    binaryAuthorization: BinaryAuthorization.ENFORCE,
  },
  sync: SyncPolicy.automated({ retry: { limit: 10, backoffMaxDuration: '10m' } }),
  // No deploys over the weekend (Friday 16:00 to Monday 08:00); a person can still sync an emergency fix.
  syncWindows: [{ kind: 'deny', schedule: '0 16 * * 5', duration: '64h', timeZone: 'Europe/Paris', manualSync: true }],
  // Cloud SQL for the orders database, reached by private IP over private services access (the block Terraform reserves and peers).
  privateServiceAccess: { cidr: '10.60.0.0/16' },
  endpoints: { 'orders-db': { description: 'Cloud SQL, orders database (private IP)', cidr: '10.60.0.0/24', ports: [5432], privateServiceAccess: true } },
  release: releaseFile('environments/releases/prod.json', release),
  teams: {
    // Peak: storefront-web at 12 pods plus its canary's 25% surge, catalog-api doubled while a blue-green version waits for promotion.
    storefront: { quota: { requestsCpu: '12', requestsMemory: '16Gi', limitsCpu: '24', limitsMemory: '32Gi' } },
    orders: { quota: { requestsCpu: '8', requestsMemory: '16Gi' } },
  },
  apps: {
    'prometheus-frontend': { env: { GCP_PROJECT: 'acme-platform-prod' }, autoscaling: { minReplicas: 2, maxReplicas: 4 } },
    'storefront-web': {
      autoscaling: { minReplicas: 3, maxReplicas: 12, targetCpuUtilization: 60 },
      resources: { cpuRequest: '500m', memoryRequest: '512Mi', memoryLimit: '1Gi' },
      env: { FEATURE_NEW_CHECKOUT: 'false' },
      host: 'shop.acme.example',
      // Canary in production only: 10% of pods, then half, each held while error rates are watched.
      delivery: Delivery.canary({
        steps: [CanaryStep.weight(10), CanaryStep.pause('5m'), CanaryStep.weight(50), CanaryStep.pause('10m'), CanaryStep.weight(100)],
        analysis: {
          // The canary's pods only ({{args.canary-hash}}: the new version's pod template hash), not the stable ones' traffic too.
          query: 'sum(rate(http_requests_total{namespace="storefront",app="storefront-web",rollouts_pod_template_hash="{{args.canary-hash}}",code!~"5.."}[2m]))'
            + ' / sum(rate(http_requests_total{namespace="storefront",app="storefront-web",rollouts_pod_template_hash="{{args.canary-hash}}"}[2m]))',
          successCondition: 'result[0] >= 0.99',
          // The managed Prometheus query frontend this platform runs (src/apps/prometheus-frontend.ts).
          prometheusAddress: 'http://prometheus-frontend.observability.svc.cluster.local:9090',
        },
      }),
    },
    'catalog-api': {
      autoscaling: { minReplicas: 2, maxReplicas: 6 },
      // Blue-green: the new version warms up behind catalog-api-preview until someone promotes it.
      delivery: Delivery.blueGreen({ autoPromote: false, scaleDownDelaySeconds: 60 }),
    },
    'orders-api': { autoscaling: { minReplicas: 3, maxReplicas: 8 } },
    'orders-worker': { autoscaling: { minReplicas: 2, maxReplicas: 6 } },
  },
};
