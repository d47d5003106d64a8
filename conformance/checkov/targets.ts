import * as fs from 'fs';
import * as path from 'path';
import type { Finding } from './baseline';
import type { CheckovFailure } from './checkov';

/** Where an environment's Terraform configuration is, relative to `dist/<env>/` (the cloud renderer's STACK_FILE). */
export const TERRAFORM_FILE = 'terraform/cdk.tf.json';

export interface Targets {
  readonly distDir: string;
  readonly environments: string[];
  /** Absolute paths: each environment's Terraform JSON. */
  readonly terraform: string[];
  /** Absolute paths: each environment's Kubernetes YAML, kustomization files left out (kustomize's input, not objects). */
  readonly kubernetes: string[];
}

/** Every environment directory of a rendered tree (`dist/<env>/`) and the files checkov reads in it, in a stable order. */
export function findTargets(distDir: string): Targets {
  const environments = fs.readdirSync(distDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
  const terraform: string[] = [];
  const kubernetes: string[] = [];
  for (const env of environments) {
    const root = path.join(distDir, env);
    const tf = path.join(root, TERRAFORM_FILE);
    if (fs.existsSync(tf)) terraform.push(tf);
    for (const file of walk(root)) {
      const base = path.basename(file);
      if (/\.ya?ml$/.test(base) && !/^kustomization\.ya?ml$/i.test(base)) kubernetes.push(file);
    }
  }
  return { distDir, environments, terraform, kubernetes };
}

/**
 * A checkov failure as a {@link Finding}: its environment and path inside
 * `dist/<env>/`, and a resource address that names its type. checkov's
 * terraform_json framework names resources `resource.<name>`; the type is
 * looked up in the file (left as it is when the name is not unique there).
 */
export function locate(failure: CheckovFailure, distDir: string, terraformCache = new Map<string, TerraformResources>()): Finding {
  // checkov reports the path it was given, and it is given absolute paths.
  const absolute = path.resolve(distDir, failure.file);
  const [environment, ...rest] = path.relative(distDir, absolute).split(path.sep);
  let resource = failure.resource;
  const name = /^resource\.(.+)$/.exec(resource)?.[1];
  if (name !== undefined && failure.framework === 'terraform_json') {
    let resources = terraformCache.get(absolute);
    if (!resources) {
      resources = (JSON.parse(fs.readFileSync(absolute, 'utf8')).resource ?? {}) as TerraformResources;
      terraformCache.set(absolute, resources);
    }
    const types = Object.entries(resources).filter(([, byName]) => Object.prototype.hasOwnProperty.call(byName, name)).map(([type]) => type);
    if (types.length === 1) resource = `${types[0]}.${name}`;
  }
  return { environment, file: rest.join('/'), checkId: failure.checkId, checkName: failure.checkName, resource };
}

type TerraformResources = Record<string, Record<string, unknown>>;

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}
