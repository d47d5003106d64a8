import type { AutoscalingSpec, ResourcesSpec } from '../app';
import { parseCpu, parseMemory } from '../quantity';
import type { Location } from './location';
import { checkValue } from './typed';
import { isPositiveInt } from './values';
import { DEFAULT_RESOURCES } from '../resolve/defaults';

/** Quantities that parse, limits no lower than requests (after the defaults fill what is not declared). */
export function validateResources(at: Location, resources: ResourcesSpec | undefined): void {
  if (resources === undefined) return;
  const where = at.field('resources');
  const merged = { ...DEFAULT_RESOURCES, ...resources };
  for (const field of ['cpuRequest', 'cpuLimit'] as const) {
    if (resources[field] !== undefined && parseCpu(resources[field]) === undefined) {
      where.field(field).issue('is not a CPU quantity', resources[field], 'write millicores ("250m") or cores ("1")');
    }
  }
  for (const field of ['memoryRequest', 'memoryLimit'] as const) {
    if (resources[field] !== undefined && parseMemory(resources[field]) === undefined) {
      where.field(field).issue('is not a memory quantity', resources[field], 'write e.g. "256Mi" or "1Gi"');
    }
  }
  const [cr, cl] = [parseCpu(merged.cpuRequest), parseCpu(merged.cpuLimit)];
  if (cr !== undefined && cl !== undefined && cl < cr) {
    where.field('cpuLimit').issue(`is below the CPU request ${merged.cpuRequest}`, merged.cpuLimit, 'raise cpuLimit to at least cpuRequest');
  }
  const [mr, ml] = [parseMemory(merged.memoryRequest), parseMemory(merged.memoryLimit)];
  if (mr !== undefined && ml !== undefined && ml < mr) {
    where.field('memoryLimit').issue(`is below the memory request ${merged.memoryRequest}`, merged.memoryLimit, 'raise memoryLimit to at least memoryRequest');
  }
}

/** What scales a long-running workload, as an app or an environment's override declares it. */
export interface ScalingSpec {
  readonly replicas?: unknown;
  readonly autoscaling?: AutoscalingSpec;
  readonly maxUnavailable?: unknown;
}

/** Replicas and a disruption budget of at least 1; autoscaling bounds in order and a CPU target in percent. */
export function validateScaling(at: Location, s: ScalingSpec): void {
  const optional = (ok: (v: unknown) => boolean) => (v: unknown) => v === undefined || ok(v);
  checkValue(at.field('replicas'), s.replicas, optional(isPositiveInt), 'must be a whole number of at least 1', 'set replicas: 1 or more');
  checkValue(at.field('maxUnavailable'), s.maxUnavailable, optional(isPositiveInt), 'must be a whole number of at least 1 (a budget of 0 blocks node upgrades)', 'set maxUnavailable: 1');
  if (s.autoscaling === undefined) return;
  const where = at.field('autoscaling');
  const { minReplicas, maxReplicas, targetCpuUtilization } = s.autoscaling;
  checkValue(where.field('maxReplicas'), maxReplicas, isPositiveInt, 'must be a whole number of at least 1', 'set e.g. maxReplicas: 10');
  if (minReplicas !== undefined && !isPositiveInt(minReplicas)) {
    checkValue(where.field('minReplicas'), minReplicas, isPositiveInt, 'must be a whole number of at least 1', 'set e.g. minReplicas: 2');
  } else if (isPositiveInt(maxReplicas) && (minReplicas ?? 1) > maxReplicas) {
    where.field('minReplicas').issue(`is above maxReplicas ${maxReplicas}`, minReplicas, 'make minReplicas <= maxReplicas');
  }
  checkValue(where.field('targetCpuUtilization'), targetCpuUtilization, optional((v) => isPositiveInt(v) && v <= 100),
    'must be a percentage from 1 to 100', 'set e.g. targetCpuUtilization: 70');
}
