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
  // The password is a file (default directory /var/run/secrets/orders-api): a rotated value reaches it without a restart.
  env: { LOG_LEVEL: 'info', ORDERS_TOPIC: 'orders-created', DB_PASSWORD_FILE: '/var/run/secrets/orders-api/db-password' },
  secrets: [{ name: 'db-password', file: 'db-password' }],
  egress: ['orders-db'],
  // Publishes to Pub/Sub as itself; reaches the database by private IP with its password (no Cloud SQL role needed).
  identity: { roles: ['roles/pubsub.publisher'] },
};
