import { AppSpec, Workload } from '../model';
import { REGISTRY } from './registry';

/**
 * The orders schema migration: runs as an Argo CD PreSync hook before every
 * sync of orders-api, from the same image and version, with the DDL user's password.
 */
export const ordersDbMigrate: AppSpec = {
  name: 'orders-db-migrate',
  team: 'orders',
  description: 'Applies pending schema migrations to the orders database',
  workload: Workload.migration({ migrates: 'orders-api', activeDeadlineSeconds: 600 }),
  image: `${REGISTRY}/orders-api`,
  command: ['/app/orders-api'],
  args: ['migrate', 'up'],
  resources: { cpuRequest: '100m', cpuLimit: '500m', memoryRequest: '128Mi', memoryLimit: '256Mi' },
  env: { DB_PASSWORD_FILE: '/var/run/secrets/orders-db-migrate/db-password' },
  secrets: [{ name: 'db-admin-password', file: 'db-password' }],
  // Connects to the instance's private IP with the password: no Cloud SQL IAM role (that is for the connectors).
  egress: ['orders-db'],
};
