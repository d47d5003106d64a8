import * as fs from 'fs';
import * as path from 'path';
import type { ResolvedPlatform } from '../model';
import type { FileTree } from './write';

/** One per environment directory: what rendered it. Not a Kubernetes object; no Application syncs it. */
export const PROVENANCE_FILE = 'PROVENANCE.json';

/** Packages whose version shapes the rendered output, recorded when installed. */
export const RENDERING_PACKAGES: readonly string[] = ['cdk8s', 'cdk8s-plus-27', 'cdktf', '@cdktf/provider-google', 'yaml'];

/** Tool name to version, e.g. `{ cdk8s: '2.70.106', node: '20' }`. */
export type ToolVersions = Readonly<Record<string, string>>;

/** The versions of the rendering packages installed here, and the Node.js major version. */
export function installedToolVersions(): ToolVersions {
  const tools: Record<string, string> = {};
  for (const pkg of RENDERING_PACKAGES) {
    try {
      const manifest = JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version?: unknown };
      if (typeof manifest.version === 'string') tools[pkg] = manifest.version;
    } catch {
      // Not installed (e.g. before the cloud layer): not recorded.
    }
  }
  tools.node = process.versions.node.split('.')[0];
  return tools;
}

/** The record, as written. */
export interface Provenance {
  readonly environment: string;
  readonly tier: string;
  readonly production: boolean;
  readonly renderedBy: ToolVersions;
}

export interface ProvenanceOptions {
  /** @default installedToolVersions() */
  readonly tools?: ToolVersions;
  /** The environment's current PROVENANCE.json text, if any. @default - none */
  readonly previous?: (environment: string) => string | undefined;
}

/**
 * The rendered files plus one `<env>/PROVENANCE.json` per environment: the
 * environment, its tier and the versions of the tools that rendered it.
 * Nothing in it depends on the rendered content, so a promotion or its
 * revert never touches it and `git revert` of any promotion commit applies
 * cleanly; the source commit of an environment's output is the last commit
 * that changed its directory (`git log -1 -- dist/<env>`). No commit id is
 * written: the commit being made cannot be known before it exists.
 *
 * The Node.js major version is kept from `previous` while the rendering
 * packages are unchanged, so rendering on another Node.js does not rewrite
 * the file.
 */
export function withProvenance(files: FileTree, platform: ResolvedPlatform, options: ProvenanceOptions = {}): FileTree {
  const tools = options.tools ?? installedToolVersions();
  const out = new Map(files);
  for (const env of platform.environments) {
    const record: Provenance = {
      environment: env.name,
      tier: env.tier.name,
      production: env.tier.isProduction,
      renderedBy: keepNodeVersion(tools, parse(options.previous?.(env.name))),
    };
    out.set(`${env.name}/${PROVENANCE_FILE}`, format(record, env.path));
  }
  return out;
}

function parse(text: string | undefined): Partial<Provenance> | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? parsed as Partial<Provenance> : undefined;
  } catch {
    return undefined;
  }
}

/** `tools`, with the previous record's Node.js major when no rendering package changed. */
function keepNodeVersion(tools: ToolVersions, previous: Partial<Provenance> | undefined): ToolVersions {
  const before = previous?.renderedBy;
  if (typeof before !== 'object' || before === null) return tools;
  const node = before.node;
  const others = (t: ToolVersions) => JSON.stringify(Object.entries(t).filter(([k]) => k !== 'node').sort());
  if (typeof node !== 'string' || !/^\d+$/.test(node) || others(before) !== others(tools)) return tools;
  return { ...tools, node };
}

function format(record: Provenance, envPath: string): string {
  const ordered = {
    '//': `Rendered by \`npm run synth\`; do not edit. The source commit of this output is the last commit that changed its directory: git log -1 -- ${envPath}`,
    ...record,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** Reads each environment's PROVENANCE.json from an existing output directory (for `previous`). */
export function provenanceIn(outDir: string): (environment: string) => string | undefined {
  return (environment) => {
    try {
      return fs.readFileSync(path.join(outDir, environment, PROVENANCE_FILE), 'utf8');
    } catch {
      return undefined;
    }
  };
}
