import type { RenderedStack } from '../cloud';
import { PIPELINE_FILE, pipelineSettings } from '../delivery/pipeline';
import { GuardrailError, GuardrailReport, ObjectSchemaValidator, mergeReports, runGuardrails, todayUtc } from '../guardrails';
import { AppExtension, RenderedObject, bootstrapKustomizations, previewKustomizations, renderKubernetes } from '../k8s';
import { DeclaredIn, PlatformSpec, ResolvedPlatform, resolvePlatform } from '../model';
import { CloudHalf, renderCloudHalf } from './cloud-half';
import { PROVENANCE_FILE, ToolVersions, provenanceIn, withProvenance } from './provenance';
import { TransactionError, describeFileSystemError, writeTreeAtomically } from './transaction';
import { FileTree, WriteStats, writeTree } from './write';
import { toYaml } from './yaml';

export { CloudHalf, renderCloudHalf };

export interface RenderInput {
  /** The platform declaration. */
  readonly platform: PlatformSpec;
  /** Escape hatches keyed by app name. @default {} */
  readonly extensions?: Readonly<Record<string, AppExtension>>;
  /** Schema validation of every object. @default - none */
  readonly schema?: ObjectSchemaValidator;
  /** Today, `YYYY-MM-DD`, for exemption expiry. @default - the current UTC date */
  readonly today?: string;
  /** Which file declares each app, team and environment (what the loader saw), named in problems. @default - each one's sourceFile */
  readonly declaredIn?: DeclaredIn;
}

/** Everything a synth produces, before anything is written. */
export interface RenderedPlatform {
  readonly resolved: ResolvedPlatform;
  readonly objects: readonly RenderedObject[];
  /** One Terraform stack per environment, in promotion order. */
  readonly stacks: readonly RenderedStack[];
  /**
   * Files keyed by path relative to `dist/`, e.g. `prod/apps/storefront/deployment-storefront.yaml`
   * and `prod/terraform/cdk.tf.json`.
   */
  readonly files: FileTree;
  /** What the guardrails found: no errors (else the render throws), maybe warnings and exemptions. */
  readonly guardrails: GuardrailReport;
}

/**
 * Validates, resolves and renders the platform into files, in memory, and runs
 * the guardrails on what was rendered. Pure: the same input gives the same
 * files, byte for byte. Throws on an invalid declaration, a rendering problem
 * or a guardrail error ({@link GuardrailError}, with the full report).
 */
export function renderPlatform(input: RenderInput): RenderedPlatform {
  return renderResolved(resolvePlatform(input.platform, { declaredIn: input.declaredIn }), input);
}

/** {@link renderPlatform} of an already resolved platform. */
export function renderResolved(resolved: ResolvedPlatform, input: RenderInput): RenderedPlatform {
  const today = input.today ?? todayUtc();
  return assemble(resolved, renderKubernetesHalf(resolved, { ...input, today }), renderCloudHalf(resolved, today));
}

/** The Kubernetes objects of every environment, checked and serialised. */
export interface KubernetesHalf {
  readonly objects: readonly RenderedObject[];
  /** Each object's YAML file content, in the order of `objects`. */
  readonly yaml: readonly string[];
  readonly guardrails: GuardrailReport;
}

/** Renders and checks the Kubernetes objects (schemas and Kubernetes rules). */
export function renderKubernetesHalf(resolved: ResolvedPlatform, input: RenderInput & { readonly today: string }): KubernetesHalf {
  const objects = renderKubernetes(resolved, { extensions: input.extensions });
  const guardrails = runGuardrails(objects, { platform: resolved, schema: input.schema, today: input.today, stacks: [] });
  return { objects, yaml: guardrails.errors > 0 ? [] : objects.map((o) => toYaml(o.manifest)), guardrails };
}

/** The two halves as one rendered platform; throws when the guardrails found an error. */
export function assemble(resolved: ResolvedPlatform, kubernetes: KubernetesHalf, cloud: CloudHalf): RenderedPlatform {
  const guardrails = mergeReports([kubernetes.guardrails, cloud.guardrails]);
  if (guardrails.errors > 0) throw new GuardrailError(guardrails);
  const files = new Map<string, string>();
  kubernetes.objects.forEach((obj, i) => files.set(distPath(obj), kubernetes.yaml[i]));
  for (const [file, kustomization] of previewKustomizations(files.keys())) files.set(file, toYaml(kustomization));
  for (const [file, kustomization] of bootstrapKustomizations(resolved, [...files.keys()])) files.set(file, toYaml(kustomization));
  // Read by projenrc (the generated workflows) and by the workflows themselves.
  const pipeline = pipelineSettings(resolved);
  if (pipeline) files.set(PIPELINE_FILE, `${JSON.stringify(pipeline, null, 2)}\n`);
  cloud.stacks.forEach((stack, i) => {
    const file = distPath(stack);
    if (files.has(file)) throw new Error(`${file} is rendered by both the Kubernetes and the cloud renderer; move one of them`);
    files.set(file, cloud.json[i]);
  });
  return { resolved, objects: kubernetes.objects, stacks: cloud.stacks, files, guardrails };
}

/** Where a rendered object or stack goes, relative to `dist/`. */
function distPath(rendered: { readonly environment: string; readonly file: string }): string {
  return `${rendered.environment}/${rendered.file}`;
}

export interface SynthOptions extends RenderInput {
  /** The environment repo directory, replaced as a whole. */
  readonly outDir: string;
  /** A scratch directory that also receives the Kubernetes files, and only them (the cdk8s CLI's output). @default - none */
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
  return withRepositoryFiles(options, renderPlatform(options));
}

/** A rendered platform with each environment's PROVENANCE.json added to its files. */
export function withRepositoryFiles(options: SynthOptions, rendered: RenderedPlatform): RenderedPlatform {
  const files = withProvenance(rendered.files, rendered.resolved, { tools: options.tools, previous: provenanceIn(options.outDir) });
  return { ...rendered, files };
}

/** What a synth rendered, and what writing it changed in `outDir`. */
export interface SynthesizedPlatform extends RenderedPlatform {
  readonly written: WriteStats;
}

/** Renders and writes `outDir` atomically: on any error nothing is written. */
export function synthesize(options: SynthOptions): SynthesizedPlatform {
  return writeRendered(options, renderEnvironmentRepo(options));
}

/** Writes what {@link renderEnvironmentRepo} rendered to `outDir` (atomically) and the mirror. */
export function writeRendered(options: SynthOptions, rendered: RenderedPlatform): SynthesizedPlatform {
  const written = writeTreeAtomically(options.outDir, rendered.files);
  if (options.mirrorDir) {
    // The cdk8s CLI's scratch output gets the Kubernetes objects only: no Terraform, provenance or Kustomize configuration.
    const cloud = new Set(rendered.stacks.map(distPath));
    const kubernetes = ([file]: [string, string]) => !cloud.has(file) && !file.endsWith(`/${PROVENANCE_FILE}`) && !file.endsWith('/kustomization.yaml')
      && file !== PIPELINE_FILE;
    try {
      writeTree(options.mirrorDir, new Map([...rendered.files].filter(kubernetes)));
    } catch (err) {
      const why = describeFileSystemError(err, options.mirrorDir) ?? (err as Error).message;
      throw new TransactionError(`${options.outDir} was written, but not the copy of its Kubernetes files in ${options.mirrorDir} (the cdk8s CLI's scratch output): ${why}`, false);
    }
  }
  return { ...rendered, written };
}
