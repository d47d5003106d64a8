import { AppSpec, Exposure, Probe, Workload } from '../model';
import { REGISTRY } from './registry';

/** The public web shop: a host per environment, calls the catalogue and orders APIs. */
export const storefrontWeb: AppSpec = {
  name: 'storefront-web',
  team: 'storefront',
  description: 'Server-rendered web shop',
  workload: Workload.service(),
  image: `${REGISTRY}/storefront-web`,
  ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }],
  // Scraped by managed Prometheus: prod's canary analysis reads its request rates.
  metrics: { port: 'metrics' },
  probes: {
    readiness: Probe.http('/healthz/ready', 'http'),
    liveness: Probe.http('/healthz/live', 'http', { periodSeconds: 20 }),
  },
  resources: { cpuRequest: '250m', cpuLimit: '1', memoryRequest: '256Mi', memoryLimit: '512Mi' },
  env: { LOG_LEVEL: 'info', CATALOG_URL: 'http://catalog-api.storefront.svc.cluster.local:8080', ORDERS_URL: 'http://orders-api.orders.svc.cluster.local:8080' },
  configFiles: {
    'features.yaml': 'recommendations: true\nnewCheckout: false\n',
  },
  exposure: Exposure.public({ subdomain: 'shop' }),
  // catalog-api's metrics port is for Prometheus, not for callers.
  calls: [{ app: 'catalog-api', ports: ['http'] }, 'orders-api'],
};
