/**
 * What the pipeline's identities need, per Terraform resource type the cloud
 * renderer can declare. `terraform plan` refreshes every resource (reads it
 * and, for IAM members, its resource's IAM policy) and reads the state
 * without the lock; `apply` creates, changes and deletes them and writes the
 * state. test/cloud/pipeline-roles.test.ts fails when the renderer imports a
 * resource type that is not listed here.
 * Roles: https://cloud.google.com/iam/docs/roles-permissions
 */
export interface ResourceTypeAccess {
  /** Roles on the environment's project that let the plan identity read it (and its IAM policy). */
  readonly plan: readonly string[];
  /** Roles on the environment's project that let the apply identity manage it. */
  readonly apply: readonly string[];
  /** Where the resource is not in the project's IAM: what is granted instead, and by whom. @default - granted on the project */
  readonly elsewhere?: string;
}

/** `servicenetworking.services.get` (list a network's private connections) is in no predefined read role: a custom one. */
export const PLAN_CUSTOM_ROLE = { roleId: 'platformPipelinePlan', permissions: ['servicenetworking.services.get'] } as const;
/** The project-level name of {@link PLAN_CUSTOM_ROLE}. */
export const planCustomRole = (project: string) => `projects/${project}/roles/${PLAN_CUSTOM_ROLE.roleId}`;
/** Stands for {@link planCustomRole} in the table below. */
export const PLAN_CUSTOM = 'custom:platformPipelinePlan';

const NETWORK: ResourceTypeAccess = { plan: ['roles/compute.viewer'], apply: ['roles/compute.networkAdmin'] };
const CLUSTER: ResourceTypeAccess = { plan: ['roles/container.viewer'], apply: ['roles/container.clusterAdmin'] };
const DNS: ResourceTypeAccess = { plan: ['roles/dns.reader'], apply: ['roles/dns.admin'] };

export const PIPELINE_ACCESS: Readonly<Record<string, ResourceTypeAccess>> = {
  google_artifact_registry_repository_iam_member: {
    plan: [],
    apply: [],
    elsewhere: 'the shared image repository is in its own project: by hand (docs/new-cluster.md), apply gets roles/artifactregistry.admin on that repository only (repoAdmin cannot set its IAM) '
      + 'and plan roles/iam.securityReviewer on that project (its IAM policy)',
  },
  // Data roles on datasets created elsewhere; dataOwner is the only predefined role below bigquery.admin that sets a dataset's IAM.
  google_bigquery_dataset_iam_member: { plan: ['roles/bigquery.metadataViewer'], apply: ['roles/bigquery.dataOwner'] },
  google_binary_authorization_policy: { plan: ['roles/binaryauthorization.policyViewer'], apply: ['roles/binaryauthorization.policyEditor'] },
  google_compute_global_address: NETWORK,
  // SSL certificates are not in networkAdmin: "firewall rules and SSL certificates" are securityAdmin's.
  google_compute_managed_ssl_certificate: { plan: ['roles/compute.viewer'], apply: ['roles/compute.securityAdmin'] },
  google_compute_network: NETWORK,
  google_compute_route: NETWORK,
  google_compute_router: NETWORK,
  google_compute_router_nat: NETWORK,
  google_compute_subnetwork: NETWORK,
  // clusterAdmin manages clusters and node pools, not the objects inside them (container.admin would).
  google_container_cluster: CLUSTER,
  google_container_node_pool: { ...CLUSTER, elsewhere: 'also roles/iam.serviceAccountUser for apply on the nodes\' service account alone (acting as it)' },
  google_dns_managed_zone: DNS,
  google_dns_record_set: DNS,
  google_iam_workload_identity_pool: { plan: ['roles/iam.workloadIdentityPoolViewer'], apply: ['roles/iam.workloadIdentityPoolAdmin'] },
  google_iam_workload_identity_pool_provider: { plan: ['roles/iam.workloadIdentityPoolViewer'], apply: ['roles/iam.workloadIdentityPoolAdmin'] },
  google_project_iam_custom_role: { plan: ['roles/iam.securityReviewer'], apply: ['roles/iam.roleAdmin'] },
  google_project_iam_member: { plan: ['roles/iam.securityReviewer'], apply: ['roles/resourcemanager.projectIamAdmin'] },
  google_project_service: { plan: ['roles/serviceusage.serviceUsageViewer'], apply: ['roles/serviceusage.serviceUsageAdmin'] },
  google_secret_manager_secret: { plan: ['roles/secretmanager.viewer'], apply: ['roles/secretmanager.admin'] },
  google_secret_manager_secret_iam_member: { plan: ['roles/iam.securityReviewer'], apply: ['roles/secretmanager.admin'] },
  google_service_account: { plan: ['roles/iam.serviceAccountViewer'], apply: ['roles/iam.serviceAccountAdmin'] },
  google_service_account_iam_member: { plan: ['roles/iam.securityReviewer'], apply: ['roles/iam.serviceAccountAdmin'] },
  google_service_networking_connection: { plan: [PLAN_CUSTOM, 'roles/compute.viewer'], apply: ['roles/servicenetworking.networksAdmin', 'roles/compute.networkAdmin'] },
  google_storage_bucket_iam_member: {
    plan: ['roles/iam.securityReviewer'],
    apply: [],
    elsewhere: 'only the state bucket\'s grants: apply gets roles/storage.admin on that bucket alone (its objects, the lock and its IAM policy)',
  },
};

/** The state bucket's roles: plan reads the state (no lock); apply writes it, takes the lock and manages the bucket's grants. */
export const STATE_BUCKET_ROLES = { plan: 'roles/storage.objectViewer', apply: 'roles/storage.admin' } as const;

const union = (key: 'plan' | 'apply') => [...new Set(Object.values(PIPELINE_ACCESS).flatMap((a) => a[key]))].filter((r) => r !== PLAN_CUSTOM).sort();

/** The plan identity's roles on the project (besides {@link PLAN_CUSTOM_ROLE}): read roles per service, not roles/viewer (checkov CKV_GCP_117). */
export const PLAN_ROLES: readonly string[] = union('plan');
/** The apply identity's roles on the project. */
export const APPLY_ROLES: readonly string[] = union('apply');
