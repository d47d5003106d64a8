import type { EnvironmentSpec, NodePoolSpec } from '../environment';
import { ReleaseChannel } from '../environment';
import type { ResolvedCluster, ResolvedNodePool } from '../resolved';
import { DEFAULT_CLUSTER_RANGES, DEFAULT_MAINTENANCE_START, DEFAULT_NODE_POOL } from './defaults';

/** An environment's cluster as declared, with every default filled in (not yet checked). */
export function clusterWithDefaults(env: EnvironmentSpec, organization: unknown) {
  const c = env.cluster ?? {};
  return {
    name: c.name ?? `${organization}-${env.name}`,
    releaseChannel: c.releaseChannel ?? ReleaseChannel.REGULAR,
    ranges: {
      nodesCidr: c.nodesCidr ?? DEFAULT_CLUSTER_RANGES.nodesCidr,
      podsCidr: c.podsCidr ?? DEFAULT_CLUSTER_RANGES.podsCidr,
      servicesCidr: c.servicesCidr ?? DEFAULT_CLUSTER_RANGES.servicesCidr,
      controlPlaneCidr: c.controlPlaneCidr ?? DEFAULT_CLUSTER_RANGES.controlPlaneCidr,
    },
    authorizedNetworks: c.authorizedNetworks ?? [],
    maintenanceStartTime: c.maintenanceStartTime ?? DEFAULT_MAINTENANCE_START,
    nodePools: c.nodePools ?? [{ name: DEFAULT_NODE_POOL.name }],
  };
}

/** A node pool with every default applied. */
export function resolveNodePool(p: Partial<NodePoolSpec>): ResolvedNodePool {
  return {
    name: p?.name as string,
    machineType: p?.machineType ?? DEFAULT_NODE_POOL.machineType,
    minNodes: p?.minNodes ?? DEFAULT_NODE_POOL.minNodes,
    maxNodes: p?.maxNodes ?? DEFAULT_NODE_POOL.maxNodes,
    diskSizeGb: p?.diskSizeGb ?? DEFAULT_NODE_POOL.diskSizeGb,
    spot: p?.spot ?? DEFAULT_NODE_POOL.spot,
  };
}

/** A valid environment's cluster. */
export function resolveCluster(env: EnvironmentSpec, organization: string): ResolvedCluster {
  const c = clusterWithDefaults(env, organization);
  return {
    name: c.name,
    location: env.region,
    releaseChannel: c.releaseChannel,
    nodePools: c.nodePools.map(resolveNodePool),
    authorizedNetworks: c.authorizedNetworks.map((n) => ({ name: n.name, cidr: n.cidr })),
    maintenanceStartTime: c.maintenanceStartTime,
    ...c.ranges,
  };
}
