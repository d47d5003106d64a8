import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeRoute } from '@cdktf/provider-google/lib/compute-route';
import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { DnsManagedZone } from '@cdktf/provider-google/lib/dns-managed-zone';
import { DnsRecordSet } from '@cdktf/provider-google/lib/dns-record-set';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
import { Construct } from 'constructs';
import { PRIVATE_GOOGLE_ACCESS, ResolvedEnvironment } from '../model';
import { ProjectServices, SERVICE_NETWORKING } from './services';

/** Names of the subnet's secondary ranges, which the cluster's IP allocation policy refers to. */
export const SECONDARY_RANGES = { pods: 'pods', services: 'services' } as const;

export interface NetworkProps {
  readonly env: ResolvedEnvironment;
  readonly services: ProjectServices;
}

/**
 * The environment's VPC: one regional subnet for the nodes, with secondary
 * ranges for pods and services (VPC-native cluster); Cloud NAT so that
 * private nodes reach the internet; and Private Google Access through
 * `private.googleapis.com`, which is the only Google API range the
 * workloads' NetworkPolicies let them reach.
 */
export class Network extends Construct {
  public readonly vpc: ComputeNetwork;
  public readonly subnet: ComputeSubnetwork;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { env, services } = props;
    const { cluster } = env;
    const project = env.gcpProject;
    const name = cluster.name;

    this.vpc = new ComputeNetwork(this, 'vpc', {
      project,
      name,
      description: `Network of the ${env.name} environment`,
      autoCreateSubnetworks: false,
      routingMode: 'REGIONAL',
      dependsOn: services.require('compute'),
    });

    this.subnet = new ComputeSubnetwork(this, 'subnet', {
      project,
      region: env.region,
      name: `${name}-nodes`,
      description: `Nodes of GKE cluster ${cluster.name}; secondary ranges for its pods and services`,
      network: this.vpc.id,
      ipCidrRange: cluster.nodesCidr,
      secondaryIpRange: [
        { rangeName: SECONDARY_RANGES.pods, ipCidrRange: cluster.podsCidr },
        { rangeName: SECONDARY_RANGES.services, ipCidrRange: cluster.servicesCidr },
      ],
      privateIpGoogleAccess: true,
      logConfig: { aggregationInterval: 'INTERVAL_5_SEC', flowSampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' },
    });

    const router = new ComputeRouter(this, 'router', {
      project,
      region: env.region,
      name: `${name}-router`,
      network: this.vpc.id,
    });
    new ComputeRouterNat(this, 'nat', {
      project,
      region: env.region,
      name: `${name}-nat`,
      router: router.name,
      natIpAllocateOption: 'AUTO_ONLY',
      sourceSubnetworkIpRangesToNat: 'LIST_OF_SUBNETWORKS',
      subnetwork: [{ name: this.subnet.id, sourceIpRangesToNat: ['ALL_IP_RANGES'] }],
      logConfig: { enable: true, filter: 'ERRORS_ONLY' },
    });

    // Private Google Access: *.googleapis.com resolves to private.googleapis.com inside
    // the VPC, and that range is routed to Google even if the default route is removed.
    new ComputeRoute(this, 'private-google-apis-route', {
      project,
      name: `${name}-private-google-apis`,
      description: `${PRIVATE_GOOGLE_ACCESS.hostname} over Private Google Access`,
      network: this.vpc.id,
      destRange: PRIVATE_GOOGLE_ACCESS.cidr,
      nextHopGateway: 'default-internet-gateway',
    });
    const zone = new DnsManagedZone(this, 'googleapis-zone', {
      project,
      name: `${name}-googleapis`,
      dnsName: 'googleapis.com.',
      description: `Google APIs through ${PRIVATE_GOOGLE_ACCESS.hostname} (${PRIVATE_GOOGLE_ACCESS.cidr}), the range NetworkPolicies allow`,
      visibility: 'private',
      privateVisibilityConfig: { networks: [{ networkUrl: this.vpc.id }] },
      dependsOn: services.require('dns'),
    });
    new DnsRecordSet(this, 'googleapis-private', {
      project,
      managedZone: zone.name,
      name: `${PRIVATE_GOOGLE_ACCESS.hostname}.`,
      type: 'A',
      ttl: 300,
      rrdatas: [...PRIVATE_GOOGLE_ACCESS.addresses],
    });
    new DnsRecordSet(this, 'googleapis-wildcard', {
      project,
      managedZone: zone.name,
      name: '*.googleapis.com.',
      type: 'CNAME',
      ttl: 300,
      rrdatas: [`${PRIVATE_GOOGLE_ACCESS.hostname}.`],
    });

    // Private services access: the block the environment declares, reserved in the VPC and peered with Google's
    // service producer network, where Cloud SQL (and Memorystore) place private IPs the endpoints' policies allow.
    const psa = env.privateServiceAccess;
    if (psa) {
      const range = new ComputeGlobalAddress(this, 'private-services-range', {
        project,
        name: `${name}-private-services`,
        description: `Private services access of the ${env.name} environment (Cloud SQL and other Google-managed services' private IPs)`,
        purpose: 'VPC_PEERING',
        addressType: 'INTERNAL',
        address: psa.address,
        prefixLength: psa.prefixLength,
        network: this.vpc.id,
      });
      new ServiceNetworkingConnection(this, 'private-services-connection', {
        network: this.vpc.id,
        service: SERVICE_NETWORKING,
        reservedPeeringRanges: [range.name],
        // Deleting the peering fails while an instance uses it; leave it to whoever removes the instances.
        deletionPolicy: 'ABANDON',
        dependsOn: [services.requireService(SERVICE_NETWORKING)],
      });
    }
  }
}
