import { ArtifactRegistryRepositoryIamMember } from '@cdktf/provider-google/lib/artifact-registry-repository-iam-member';
import { BinaryAuthorizationPolicy } from '@cdktf/provider-google/lib/binary-authorization-policy';
import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Construct } from 'constructs';
import type { ResolvedEnvironment, ResolvedNodePool } from '../model';
import { cloudLabels } from './labels';
import { Network, SECONDARY_RANGES } from './network';
import type { ProjectServices } from './services';

/** Account id of the nodes' Google service account; no app identity may take it. */
export const NODE_SERVICE_ACCOUNT_ID = 'gke-nodes';

/**
 * What the nodes themselves need on the project: write logs and metrics. Nothing else:
 * image pulls are granted on each registry repository the environment uses (below), not project-wide.
 */
export const NODE_ROLES = [
  'roles/logging.logWriter',
  'roles/monitoring.metricWriter',
  'roles/monitoring.viewer',
  'roles/stackdriver.resourceMetadata.writer',
] as const;

/** Node OS image: Container-Optimized OS with containerd. */
export const NODE_IMAGE_TYPE = 'COS_CONTAINERD';

/** Scope of the nodes' access token: IAM (the roles above) decides what it may do. */
const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** Hardening every node gets, in the cluster's bootstrap pool and in every node pool. */
function hardenedNodeConfig(serviceAccount: string) {
  return {
    imageType: NODE_IMAGE_TYPE,
    serviceAccount,
    oauthScopes: [CLOUD_PLATFORM_SCOPE],
    shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
    // Pods see the GKE metadata server (Workload Identity), never the node's credentials.
    workloadMetadataConfig: { mode: 'GKE_METADATA' },
    metadata: { 'disable-legacy-endpoints': 'true' },
  };
}

export interface GkeClusterProps {
  readonly env: ResolvedEnvironment;
  readonly services: ProjectServices;
  readonly network: Network;
}

/**
 * The environment's GKE cluster, hardened along the CIS GKE benchmark:
 * private nodes, a control plane reachable only from the declared networks,
 * VPC-native, Workload Identity, Dataplane V2 (which enforces the
 * NetworkPolicies), intranode visibility, shielded nodes, no legacy ABAC or client certificate,
 * and node pools that run as a least-privilege service account.
 */
export class GkeCluster extends Construct {
  public readonly cluster: ContainerCluster;
  public readonly nodeServiceAccount: ServiceAccount;

  constructor(scope: Construct, id: string, props: GkeClusterProps) {
    super(scope, id);
    const { env, services, network } = props;
    const c = env.cluster;
    const project = env.gcpProject;
    const labels = cloudLabels(env);

    this.nodeServiceAccount = new ServiceAccount(this, 'node-service-account', {
      project,
      accountId: NODE_SERVICE_ACCOUNT_ID,
      displayName: `Nodes of GKE cluster ${c.name}`,
      description: 'Least-privilege identity of the GKE nodes: logs, metrics and image pulls only',
      dependsOn: services.require('iam'),
    });
    for (const role of NODE_ROLES) {
      new ProjectIamMember(this, `node-${roleId(role)}`, { project, role, member: this.nodeServiceAccount.member });
    }
    // The apps' images live in repositories that may belong to another project (a registry
    // shared by all environments, so that the digest tested in staging is the one run in prod).
    for (const registry of env.imageRegistries) {
      new ArtifactRegistryRepositoryIamMember(this, idPart(`node-pulls-${registry.project}-${registry.location}-${registry.repositoryId}`), {
        project: registry.project,
        location: registry.location,
        repository: registry.repositoryId,
        role: 'roles/artifactregistry.reader',
        member: this.nodeServiceAccount.member,
      });
    }

    this.cluster = new ContainerCluster(this, 'cluster', {
      project,
      name: c.name,
      location: c.location,
      description: `GKE cluster of the ${env.name} environment`,
      resourceLabels: labels,
      deletionProtection: env.tier.isProduction,

      network: network.vpc.id,
      subnetwork: network.subnet.id,
      networkingMode: 'VPC_NATIVE',
      ipAllocationPolicy: {
        clusterSecondaryRangeName: SECONDARY_RANGES.pods,
        servicesSecondaryRangeName: SECONDARY_RANGES.services,
      },
      privateClusterConfig: {
        enablePrivateNodes: true,
        // The public endpoint stays, closed to all but the authorized networks below.
        enablePrivateEndpoint: false,
        masterIpv4CidrBlock: c.controlPlaneCidr,
      },
      masterAuthorizedNetworksConfig: {
        gcpPublicCidrsAccessEnabled: false,
        cidrBlocks: c.authorizedNetworks.map((n) => ({ displayName: n.name, cidrBlock: n.cidr })),
      },
      datapathProvider: 'ADVANCED_DATAPATH',
      // No Service may claim external IPs: whoever can create a Service could intercept traffic to any address
      // (CVE-2020-8554; kubernetes.io/docs/tasks/network/block-services-with-externalips). GKE then refuses them.
      serviceExternalIpsConfig: { enabled: false },
      // Pod-to-pod traffic inside a node goes through the VPC too, so the subnet's flow logs
      // and firewall rules see all of it (CIS GKE 5.6.1, checkov CKV_GCP_61).
      enableIntranodeVisibility: true,

      workloadIdentityConfig: { workloadPool: env.workloadIdentityPool },
      enableShieldedNodes: true,
      enableLegacyAbac: false,
      // Google Groups for RBAC: the teams' RoleBindings name Google groups, which only resolve with this.
      authenticatorGroupsConfig: { securityGroup: env.rbacSecurityGroup },
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      // The project's policy, unless the environment disables it (provider google_container_cluster, binary_authorization.evaluation_mode).
      binaryAuthorization: { evaluationMode: env.binaryAuthorization.mode === 'disabled' ? 'DISABLED' : 'PROJECT_SINGLETON_POLICY_ENFORCE' },

      releaseChannel: { channel: c.releaseChannel.value },
      maintenancePolicy: { dailyMaintenanceWindow: { startTime: c.maintenanceStartTime } },
      loggingConfig: { enableComponents: ['SYSTEM_COMPONENTS', 'WORKLOADS'] },
      monitoringConfig: { enableComponents: ['SYSTEM_COMPONENTS'], managedPrometheus: { enabled: true } },
      // The Ingresses of public apps use the GCE load balancer controller.
      addonsConfig: { httpLoadBalancing: { disabled: false }, horizontalPodAutoscaling: { disabled: false } },

      // No inline pool: GKE needs one to create the cluster, then it is removed and the
      // pools below take over. It runs hardened, as the node service account, while it lives.
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      nodeConfig: hardenedNodeConfig(this.nodeServiceAccount.email),
      lifecycle: { ignoreChanges: ['node_config'] },

      dependsOn: services.require('container', 'binaryauthorization'),
    });

    for (const pool of c.nodePools) {
      this.addNodePool(env, pool);
    }

    // Binary Authorization: the project policy admits the apps' registries, the add-ons'
    // images and Google's system images (globalPolicyEvaluationMode); anything else is
    // logged (audit, a dry run) or refused (enforce).
    const binauthz = env.binaryAuthorization;
    if (binauthz.mode !== 'disabled') {
      new BinaryAuthorizationPolicy(this, 'binary-authorization', {
        project,
        description: `Images admitted to ${c.name}`,
        globalPolicyEvaluationMode: 'ENABLE',
        admissionWhitelistPatterns: binauthz.admitted.map((namePattern) => ({ namePattern })),
        defaultAdmissionRule: {
          evaluationMode: 'ALWAYS_DENY',
          enforcementMode: binauthz.mode === 'enforce' ? 'ENFORCED_BLOCK_AND_AUDIT_LOG' : 'DRYRUN_AUDIT_LOG_ONLY',
        },
        dependsOn: services.require('binaryauthorization'),
      });
    }
  }

  private addNodePool(env: ResolvedEnvironment, pool: ResolvedNodePool): void {
    new ContainerNodePool(this, `pool-${pool.name}`, {
      project: env.gcpProject,
      location: env.cluster.location,
      cluster: this.cluster.name,
      name: pool.name,
      initialNodeCount: Math.max(pool.minNodes, 1),
      // Per zone: a regional cluster runs this many nodes in each of its zones.
      autoscaling: { minNodeCount: pool.minNodes, maxNodeCount: pool.maxNodes, locationPolicy: 'BALANCED' },
      management: { autoRepair: true, autoUpgrade: true },
      upgradeSettings: { strategy: 'SURGE', maxSurge: 1, maxUnavailable: 0 },
      nodeConfig: {
        ...hardenedNodeConfig(this.nodeServiceAccount.email),
        machineType: pool.machineType,
        diskSizeGb: pool.diskSizeGb,
        diskType: 'pd-balanced',
        spot: pool.spot,
        resourceLabels: { ...cloudLabels(env), 'node-pool': pool.name },
      },
      // A new initial size would replace the pool; the autoscaler owns the size.
      lifecycle: { ignoreChanges: ['initial_node_count'] },
    });
  }
}

/** `roles/logging.logWriter` → `logging-logWriter`: a role as part of a construct id. */
export function roleId(role: string): string {
  return idPart(role.replace(/^roles\//, ''));
}

/** A name as part of a construct id, which becomes part of a Terraform address: letters, digits and `-`. */
function idPart(name: string): string {
  return name.replace(/[^A-Za-z0-9-]/g, '-');
}
