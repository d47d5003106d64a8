import { AppExtension, RenderedObject, renderKubernetes } from '../k8s';
import { PlatformSpec, ResolvedPlatform, resolvePlatform } from '../model';
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
}

/** Renders and writes `outDir` atomically: on any error nothing is written. */
export function synthesize(options: SynthOptions): RenderedPlatform {
  const rendered = renderPlatform(options);
  writeTreeAtomically(options.outDir, rendered.files);
  if (options.mirrorDir) writeTree(options.mirrorDir, rendered.files);
  return rendered;
}
