import type { AppSpec } from '../model';
import { catalogApi } from './catalog-api';
import { ordersApi } from './orders-api';
import { ordersDbMigrate } from './orders-db-migrate';
import { ordersWorker } from './orders-worker';
import { prometheusFrontend } from './prometheus-frontend';
import { salesReport } from './sales-report';
import { storefrontWeb } from './storefront-web';

/** Every app of the platform. Add an app: create its file here and list it. */
export const apps: AppSpec[] = [
  storefrontWeb,
  catalogApi,
  ordersApi,
  ordersDbMigrate,
  ordersWorker,
  salesReport,
  prometheusFrontend,
];
