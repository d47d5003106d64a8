import { createHash } from 'crypto';
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
  /** Files of the environment directory, this one excluded. */
  readonly files: number;
  /** SHA-256 over the path and content of every other file of the environment directory. */
  readonly contentSha256: string;
  readonly renderedBy: ToolVersions;
}

export interface ProvenanceOptions {
  /** @default installedToolVersions() */
  readonly tools?: ToolVersions;
  /** The environment's current PROVENANCE.json text, if any. @default - none */
  readonly previous?: (environment: string) => string | undefined;
}

/**
 * The rendered files plus one `<env>/PROVENANCE.json` per environment:
 * environment, tier, a hash of the environment's content and the versions
 * of the tools that rendered it. Deterministic: it changes only when the
 * environment's output or a rendering package changes, so a commit that does
 * not change an environment does not touch its file, and the commit that last
 * changed the file is the source commit of the output (`git log -1 --
 * dist/<env>/PROVENANCE.json`). No commit id is written: the commit being
 * made cannot be known before it exists, and writing HEAD would change the
 * file on every commit.
 *
 * The Node.js major version is the one exception to "a function of the
 * source": it is taken from `previous` while the content and the packages are
 * unchanged, so rendering on another Node.js does not rewrite the file.
 */
export function withProvenance(files: FileTree, platform: ResolvedPlatform, options: ProvenanceOptions = {}): FileTree {
  const tools = options.tools ?? installedToolVersions();
  const out = new Map(files);
  for (const env of platform.environments) {
    const prefix = `${env.name}/`;
    const mine = [...files.keys()].filter((f) => f.startsWith(prefix) && f !== `${prefix}${PROVENANCE_FILE}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const hash = createHash('sha256');
    for (const f of mine) hash.update(f.slice(prefix.length)).update('\0').update(files.get(f)!).update('\0');
    const contentSha256 = hash.digest('hex');
    const record: Provenance = {
      environment: env.name,
      tier: env.tier.name,
      production: env.tier.isProduction,
      files: mine.length,
      contentSha256,
      renderedBy: keepNodeVersion(tools, parse(options.previous?.(env.name)), contentSha256),
    };
    out.set(`${prefix}${PROVENANCE_FILE}`, format(record, env.path));
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

/** `tools`, with the previous record's Node.js major when nothing else changed. */
function keepNodeVersion(tools: ToolVersions, previous: Partial<Provenance> | undefined, contentSha256: string): ToolVersions {
  const before = previous?.renderedBy;
  if (previous?.contentSha256 !== contentSha256 || typeof before !== 'object' || before === null) return tools;
  const node = before.node;
  const others = (t: ToolVersions) => JSON.stringify(Object.entries(t).filter(([k]) => k !== 'node').sort());
  if (typeof node !== 'string' || !/^\d+$/.test(node) || others(before) !== others(tools)) return tools;
  return { ...tools, node };
}

function format(record: Provenance, envPath: string): string {
  const ordered = {
    '//': `Rendered by \`npm run synth\`; do not edit. The source commit of this output is the commit that last changed this file: git log -1 -- ${envPath}/${PROVENANCE_FILE}`,
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
