import { AppSpec, Probe, Workload } from '../model';
import { REGISTRY } from './registry';

/** Internal product catalogue API. */
export const catalogApi: AppSpec = {
  name: 'catalog-api',
  team: 'storefront',
  description: 'Products, prices and stock levels',
  workload: Workload.service(),
  image: `${REGISTRY}/catalog-api`,
  ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }],
  metrics: { port: 'metrics' },
  probes: {
    readiness: Probe.http('/ready', 'http'),
    liveness: Probe.http('/live', 'http'),
  },
  resources: { cpuRequest: '200m', cpuLimit: '500m', memoryRequest: '256Mi', memoryLimit: '512Mi' },
  env: { LOG_LEVEL: 'info' },
};
