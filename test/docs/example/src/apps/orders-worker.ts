import { AppSpec, Probe, Workload } from '../model';
import { REGISTRY } from './registry';

/** Queue worker: consumes new orders from Pub/Sub and calls the orders API. */
export const ordersWorker: AppSpec = {
  name: 'orders-worker',
  team: 'orders',
  description: 'Fulfils orders from the orders-created subscription',
  workload: Workload.worker(),
  image: `${REGISTRY}/orders-worker`,
  ports: [{ name: 'health', port: 8081 }],
  probes: {
    readiness: Probe.http('/ready', 'health'),
    liveness: Probe.http('/live', 'health', { periodSeconds: 30 }),
  },
  resources: { cpuRequest: '200m', cpuLimit: '500m', memoryRequest: '256Mi', memoryLimit: '512Mi' },
  env: { LOG_LEVEL: 'info', SUBSCRIPTION: 'orders-created-fulfilment' },
  identity: { roles: ['roles/pubsub.subscriber'] },
  calls: ['orders-api'],
};
