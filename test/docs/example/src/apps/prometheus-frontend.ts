import { AppSpec, Probe, Workload } from '../model';
import { REGISTRY } from './registry';

/**
 * The query frontend of Google Cloud Managed Service for Prometheus: PromQL
 * over the series the managed collectors store in Cloud Monitoring. Argo
 * Rollouts sends canary analyses' queries here (prod's storefront-web). The
 * image is Google's `gke.gcr.io/prometheus-engine/frontend`, mirrored into our
 * registry (Binary Authorization admits only our registry); the release
 * files record the mirror's tag and digest.
 */
export const prometheusFrontend: AppSpec = {
  name: 'prometheus-frontend',
  team: 'observability',
  description: 'PromQL query frontend over Cloud Monitoring (managed Prometheus), for canary analyses',
  workload: Workload.service(),
  image: `${REGISTRY}/prometheus-engine-frontend`,
  // GCP_PROJECT comes from each environment's declaration; Kubernetes expands $(GCP_PROJECT) in args.
  args: ['--web.listen-address=:9090', '--query.project-id=$(GCP_PROJECT)'],
  ports: [{ name: 'http', port: 9090 }],
  probes: {
    readiness: Probe.http('/-/ready', 'http'),
    liveness: Probe.http('/-/healthy', 'http'),
  },
  resources: { cpuRequest: '100m', cpuLimit: '500m', memoryRequest: '128Mi', memoryLimit: '256Mi' },
  // Reads Cloud Monitoring as its own Google service account (Workload Identity).
  identity: { roles: ['roles/monitoring.viewer'] },
  // Argo Rollouts' controller runs the analyses' queries.
  calledFrom: [{ namespace: 'argo-rollouts' }],
};
