import { AppSpec, Workload } from '../model';
import { REGISTRY } from './registry';

/** Nightly sales report: reads orders through the API and writes to BigQuery. */
export const salesReport: AppSpec = {
  name: 'sales-report',
  team: 'orders',
  description: 'Builds yesterday\'s sales report at 02:00',
  workload: Workload.cronJob({ schedule: '0 2 * * *', timeZone: 'Europe/Paris', activeDeadlineSeconds: 1800 }),
  image: `${REGISTRY}/sales-report`,
  resources: { cpuRequest: '250m', cpuLimit: '1', memoryRequest: '512Mi', memoryLimit: '1Gi' },
  env: { REPORT_DATASET: 'sales' },
  // Runs query and load jobs in the project (jobUser holds no data access), and writes the report's tables
  // into its own dataset only: dataEditor on `sales`, not on every dataset of the project.
  identity: { roles: ['roles/bigquery.jobUser'], datasetRoles: [{ dataset: 'sales', role: 'roles/bigquery.dataEditor' }] },
  calls: ['orders-api'],
};
