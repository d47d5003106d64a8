import { AppExtension, RenderedObject, renderKubernetes } from '../k8s';
import { PlatformSpec, ResolvedPlatform, resolvePlatform } from '../model';
import { PROVENANCE_FILE, ToolVersions, provenanceIn, withProvenance } from './provenance';
import { FileTree, writeTree, writeTreeAtomically } from './write';
import { toYaml } from './yaml';

export interface RenderInput {
  /** The platform declaration. */
  readonly platform: PlatformSpec;
  /** Escape hatches keyed by app name. @default {} */
  readonly extensions?: Readonly<Record<string, AppExtension>>;
}

/** Everything a synth produces, before anything is written. */
export interface RenderedPlatform {
  readonly resolved: ResolvedPlatform;
  readonly objects: readonly RenderedObject[];
  /** Files keyed by path relative to `dist/`, e.g. `prod/apps/storefront/deployment-storefront.yaml`. */
  readonly files: FileTree;
}

/**
 * Validates, resolves and renders the platform into files, in memory. Pure:
 * the same input gives the same files, byte for byte. Throws on an invalid
 * declaration or a rendering problem.
 */
export function renderPlatform(input: RenderInput): RenderedPlatform {
  const resolved = resolvePlatform(input.platform);
  const objects = renderKubernetes(resolved, { extensions: input.extensions });
  const files = new Map<string, string>();
  for (const obj of objects) {
    files.set(`${obj.environment}/${obj.file}`, toYaml(obj.manifest));
  }
  return { resolved, objects, files };
}

export interface SynthOptions extends RenderInput {
  /** The environment repo directory, replaced as a whole. */
  readonly outDir: string;
  /** A scratch directory that also receives the Kubernetes files (the cdk8s CLI's output). @default - none */
  readonly mirrorDir?: string;
  /** Versions recorded in each environment's PROVENANCE.json. @default installedToolVersions() */
  readonly tools?: ToolVersions;
}

/**
 * Exactly what a synth writes to `outDir`, in memory: the rendered files and
 * each environment's PROVENANCE.json (which reads the one already in
 * `outDir`, see `withProvenance`). The drift check compares `outDir` with this.
 */
export function renderEnvironmentRepo(options: SynthOptions): RenderedPlatform {
  const rendered = renderPlatform(options);
  const files = withProvenance(rendered.files, rendered.resolved, { tools: options.tools, previous: provenanceIn(options.outDir) });
  return { ...rendered, files };
}

/** Renders and writes `outDir` atomically: on any error nothing is written. */
export function synthesize(options: SynthOptions): RenderedPlatform {
  const rendered = renderEnvironmentRepo(options);
  writeTreeAtomically(options.outDir, rendered.files);
  if (options.mirrorDir) writeTree(options.mirrorDir, new Map([...rendered.files].filter(([file]) => !file.endsWith(`/${PROVENANCE_FILE}`))));
  return rendered;
}
