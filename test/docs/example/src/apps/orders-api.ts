import { AppSpec, Probe, Workload } from '../model';
import { REGISTRY } from './registry';

/** Internal orders API: reads its database password from Secret Manager and publishes to Pub/Sub as itself. */
export const ordersApi: AppSpec = {
  name: 'orders-api',
  team: 'orders',
  description: 'Takes and serves orders',
  workload: Workload.service(),
  image: `${REGISTRY}/orders-api`,
  ports: [{ name: 'http', port: 8080 }],
  probes: {
    readiness: Probe.http('/healthz', 'http'),
    liveness: Probe.http('/healthz', 'http', { initialDelaySeconds: 20, periodSeconds: 20 }),
    startup: Probe.http('/healthz', 'http', { periodSeconds: 5, failureThreshold: 30 }),
  },
  resources: { cpuRequest: '250m', cpuLimit: '1', memoryRequest: '384Mi', memoryLimit: '768Mi' },
  env: { LOG_LEVEL: 'info', ORDERS_TOPIC: 'orders-created' },
  secrets: [{ name: 'db-password', envVar: 'DB_PASSWORD' }],
  egress: ['orders-db'],
  // Publishes to Pub/Sub as itself; reaches the database by private IP with its password (no Cloud SQL role needed).
  identity: { roles: ['roles/pubsub.publisher'] },
};
