import type { EnvironmentSpec } from '../environment';
import { ReleaseChannel } from '../environment';
import { DNS1035_LABEL } from '../names';
import type { Location } from './location';
import { HH_MM, cidrsOverlap, isCidr, isPositiveInt, isString, listOr } from './values';
import { clusterWithDefaults, resolveNodePool } from '../resolve/cluster';

/** An environment's cluster: a name GKE accepts, disjoint ranges, a private control plane /28, bounded node pools. */
export function validateCluster(env: EnvironmentSpec, organization: unknown, root: Location): void {
  const at = root.field('cluster');
  const c = clusterWithDefaults(env, organization);
  if (!isString(c.name) || !DNS1035_LABEL.test(c.name) || c.name.length > 40) {
    at.field('name').issue('must be a DNS-1035 label of at most 40 characters', c.name, 'write e.g. "acme-prod"');
  }
  if (!(c.releaseChannel instanceof ReleaseChannel)) {
    at.field('releaseChannel').issue('must be a ReleaseChannel', c.releaseChannel, 'use ReleaseChannel.RAPID, REGULAR or STABLE');
  }
  for (const [field, value] of Object.entries(c.ranges)) {
    if (!isCidr(value)) at.field(field).issue('is not an IPv4 CIDR block', value, 'write e.g. "10.0.0.0/20"');
  }
  if (isCidr(c.ranges.controlPlaneCidr) && !c.ranges.controlPlaneCidr.endsWith('/28')) {
    at.field('controlPlaneCidr').issue('must be a /28 (GKE requires it for the private control plane)', c.ranges.controlPlaneCidr, 'write e.g. "172.16.0.0/28"');
  }
  const ranges = Object.entries(c.ranges).filter(([, v]) => isCidr(v));
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      if (cidrsOverlap(ranges[i][1], ranges[j][1])) {
        at.field(ranges[j][0]).issue(`overlaps cluster.${ranges[i][0]} ${ranges[i][1]}`, ranges[j][1], 'give nodes, pods, services and the control plane disjoint ranges');
      }
    }
  }
  listOr(c.authorizedNetworks).forEach((n, i) => {
    const item = at.field(`authorizedNetworks[${i}]`);
    if (!isCidr(n?.cidr)) {
      item.field('cidr').issue('is not an IPv4 CIDR block', n?.cidr, 'write e.g. "203.0.113.0/24"');
    } else if (n.cidr.endsWith('/0')) {
      item.field('cidr').issue('opens the control plane to the whole internet', n.cidr, 'list only the networks that must reach the API server (office, CI, VPN)');
    }
    if (!isString(n?.name) || n.name.length === 0) {
      item.field('name').issue('must say what the network is', n?.name, 'write e.g. "office-vpn"');
    }
  });
  if (!isString(c.maintenanceStartTime) || !HH_MM.test(c.maintenanceStartTime)) {
    at.field('maintenanceStartTime').issue('is not a time of day HH:MM (UTC)', c.maintenanceStartTime, 'write e.g. "03:00"');
  }
  if (!Array.isArray(c.nodePools) || c.nodePools.length === 0) {
    at.field('nodePools').issue('must list at least one node pool', c.nodePools, 'omit it for one pool "general", or list pools');
  }
  const names = new Set<string>();
  listOr(c.nodePools).forEach((p, i) => {
    const item = at.field(`nodePools[${i}]`);
    const pool = resolveNodePool(p);
    if (!isString(pool.name) || !DNS1035_LABEL.test(pool.name) || pool.name.length > 40 || names.has(pool.name)) {
      item.field('name').issue('must be a unique DNS-1035 label of at most 40 characters', pool.name, 'write e.g. "general"');
    }
    names.add(pool.name);
    if (!isString(pool.machineType) || !/^[a-z0-9]+-[a-z0-9-]+$/.test(pool.machineType)) {
      item.field('machineType').issue('is not a Compute Engine machine type', pool.machineType, 'write e.g. "e2-standard-4"');
    }
    if (!(Number.isInteger(pool.minNodes) && pool.minNodes >= 0) || !isPositiveInt(pool.maxNodes) || pool.minNodes > pool.maxNodes) {
      item.field('minNodes').issue('must be a whole number from 0 to maxNodes', { minNodes: pool.minNodes, maxNodes: pool.maxNodes }, 'set e.g. minNodes: 1, maxNodes: 3');
    }
    if (!(Number.isInteger(pool.diskSizeGb) && pool.diskSizeGb >= 10)) {
      item.field('diskSizeGb').issue('must be a whole number of at least 10', pool.diskSizeGb, 'set e.g. diskSizeGb: 100');
    }
    if (typeof pool.spot !== 'boolean') item.field('spot').issue('must be true or false', pool.spot, 'write spot: true, or omit it');
  });
}
