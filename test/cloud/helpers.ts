import type { TerraformJson } from '../../src/cloud';
import type { ResolvedEnvironment, ResolvedPlatform } from '../../src/model';

/** One environment of a resolved platform; fails the test when there is none of that name. */
export function environment(resolved: ResolvedPlatform, name: string): ResolvedEnvironment {
  const env = resolved.environments.find((e) => e.name === name);
  if (!env) throw new Error(`the platform has no environment ${name}`);
  return env;
}

/** A Terraform resource: its address (`type.name`) and its configuration. */
export interface TfResource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly config: Record<string, any>;
}

/** Every resource of `type` in a configuration (none when the type is absent). */
export function resources(json: TerraformJson | string, type: string): TfResource[] {
  const parsed = (typeof json === 'string' ? JSON.parse(json) : json) as { resource?: Record<string, Record<string, any>> };
  return Object.entries(parsed.resource?.[type] ?? {}).map(([name, config]) => ({ address: `${type}.${name}`, type, name, config }));
}

/** The one resource of `type` whose configuration has `field` equal to `value`; fails the test otherwise. */
export function resourceWith(json: TerraformJson | string, type: string, field: string, value: unknown): TfResource {
  const found = resources(json, type).filter((r) => r.config[field] === value);
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${type} with ${field} = ${JSON.stringify(value)}, found ${found.length}`);
  }
  return found[0];
}

/** `${type.name.attribute}` → the resource it names, in the same configuration. */
export function referenced(json: TerraformJson | string, expression: unknown): { resource: TfResource; attribute: string } {
  const m = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}$/.exec(String(expression));
  if (!m) throw new Error(`${JSON.stringify(expression)} is not a reference to a resource attribute`);
  const resource = resources(json, m[1]).find((r) => r.name === m[2]);
  if (!resource) throw new Error(`${JSON.stringify(expression)} names a resource that the configuration does not declare`);
  return { resource, attribute: m[3] };
}
