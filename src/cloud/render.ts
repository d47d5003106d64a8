import { AnnotationMetadataEntryType, App, TerraformElement, TerraformOutput, TerraformStack } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import { deepMerge } from 'cdktf/lib/util';
import { version as CDKTF_VERSION } from 'cdktf/package.json';
import { Construct } from 'constructs';
import { IssueCollector, ResolvedEnvironment, ResolvedPlatform } from '../model';
import { NODE_SERVICE_ACCOUNT_ID } from './cluster';
import { EnvironmentStack } from './environment-stack';
import { resolveTerraform } from './resolve';

/** Where an environment's Terraform configuration goes, relative to the environment directory (`dist/<env>/`). */
export const STACK_FILE = 'terraform/cdk.tf.json';

/** A Terraform JSON configuration, as cdktf synthesizes it. */
export interface TerraformJson {
  readonly [key: string]: unknown;
}

/** One environment's Terraform stack, rendered. */
export interface RenderedStack {
  /** The environment, which is also the stack's name. */
  readonly environment: string;
  /** Path relative to the environment directory: {@link STACK_FILE}. */
  readonly file: string;
  /** The configuration (`cdk.tf.json`) that `terraform init/plan/apply` reads. */
  readonly json: TerraformJson;
}

/** How many resources a configuration declares (for reports). */
export function countResources(json: TerraformJson): number {
  const resources = (json.resource ?? {}) as Record<string, Record<string, unknown>>;
  return Object.values(resources).reduce((n, byName) => n + Object.keys(byName).length, 0);
}

/** Thrown when cdktf reports a problem with a stack (a validation or an error annotation). */
export class CloudRenderError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(`Rendering the Terraform stacks failed with ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CloudRenderError';
  }
}

/**
 * Renders every environment into its Terraform stack, in memory: nothing is
 * written to disk. A pure function of the platform: the same platform gives
 * the same configurations.
 */
export function renderCloud(platform: ResolvedPlatform): RenderedStack[] {
  return withoutCreationStacks(() => {
    const stacks = addEnvironmentStacks(inMemoryApp(), platform);
    const problems = stacks.flatMap(prepare);
    if (problems.length > 0) throw new CloudRenderError(problems);
    return stacks.map((stack) => ({ environment: stack.env.name, file: STACK_FILE, json: terraformOf(stack) }));
  });
}

/**
 * `cdktf synth`: writes every stack into cdktf's output directory
 * (`<outdir>/stacks/<env>/cdk.tf.json` and `manifest.json`), as the cdktf
 * CLI expects. Returns the directory and the stacks' names.
 *
 * @param outdir @default - `CDKTF_OUTDIR` (set by the cdktf CLI), else `cdktf.out`
 */
export function synthCloudApp(platform: ResolvedPlatform, outdir?: string): { readonly outdir: string; readonly stacks: string[] } {
  return withoutCreationStacks(() => {
    const app = new App({ outdir, stackTraces: false });
    const stacks = addEnvironmentStacks(app, platform);
    app.synth();
    return { outdir: app.outdir, stacks: stacks.map((s) => s.node.id) };
  });
}

/** Adds one {@link EnvironmentStack} per environment to `scope`, after checking the names each project must hold once. */
export function addEnvironmentStacks(scope: Construct, platform: ResolvedPlatform): EnvironmentStack[] {
  const issues = new IssueCollector();
  for (const env of platform.environments) checkUniqueNames(env, issues);
  issues.throwIfAny();
  return platform.environments.map((env) => new EnvironmentStack(scope, { env }));
}

/**
 * Google refuses a second service account, secret, address or certificate
 * with a name its project already holds; say so before Terraform does.
 */
function checkUniqueNames(env: ResolvedEnvironment, issues: IssueCollector): void {
  const taken = new Map<string, string>([[`service account "${NODE_SERVICE_ACCOUNT_ID}"`, 'the GKE nodes']]);
  if (env.notifications.identity) {
    taken.set(`service account "${env.notifications.identity.accountId}"`, 'Argo CD notifications');
    for (const s of env.notifications.secrets) taken.set(`secret "${s.secretId}"`, 'Argo CD notifications');
  }
  if (env.pipeline) {
    taken.set(`service account "${env.pipeline.plan.accountId}"`, 'the pipeline (plan)');
    taken.set(`service account "${env.pipeline.apply.accountId}"`, 'the pipeline (apply)');
  }
  const claim = (what: string, owner: string, path: string, received: string, fix: string) => {
    const other = taken.get(what);
    if (other === undefined) {
      taken.set(what, owner);
    } else {
      issues.add({ environment: env.name, path, message: `names ${what} in project ${env.gcpProject}, which ${other} already uses`, received, fix });
    }
  };
  for (const app of env.apps) {
    const owner = `app "${app.name}"`;
    if (app.identity) {
      claim(`service account "${app.identity.accountId}"`, owner, `apps.${app.name}.identity.accountId`, app.identity.accountId, 'set identity.accountId to an id no other app uses');
    }
    for (const s of app.secrets) {
      claim(`secret "${s.secretId}"`, owner, `apps.${app.name}.secrets.${s.name}`, s.secretId, 'rename the secret or the app: the secret id is <app>-<secret>');
    }
    if (app.exposure.isPublic) {
      claim(`global address "${app.exposure.addressName}"`, owner, `apps.${app.name}.exposure`, app.exposure.addressName, 'rename the app: the address is <app>-ip');
      claim(`certificate "${app.exposure.certificateName}"`, owner, `apps.${app.name}.exposure`, app.exposure.certificateName, 'rename the app: the certificate is <app>-cert');
    }
  }
}

/**
 * What `App.synth()` does to a stack before it writes it, without writing:
 * backend and cross-references, aspects, validations, error annotations.
 */
function prepare(stack: EnvironmentStack): string[] {
  // cdktf's prepareStack() also resolves every element once more, in "preparing" mode, only to
  // discover cross-stack references and add their outputs and remote state. An environment's
  // stack stands alone: nothing references another stack, which the guardrail
  // terraform-references-resolve enforces on the output (a cross-stack reference would be
  // left dangling there). Skipping that pass halves the Terraform render; a test proves the
  // output equal to cdktf's own App.synth(), which runs it.
  stack.ensureBackendExists();
  invokeAspects(stack);
  const problems: string[] = [];
  for (const c of stack.node.findAll()) {
    for (const message of c.node.validate()) problems.push(`[${stack.env.name}] ${c.node.path}: ${message}`);
    for (const entry of c.node.metadata) {
      if (entry.type === AnnotationMetadataEntryType.ERROR) problems.push(`[${stack.env.name}] ${c.node.path}: ${String(entry.data)}`);
    }
  }
  return problems;
}

/**
 * `stack.toTerraform()`, resolving every value once instead of twice, and
 * walking plain values without cdktf's resolver ({@link resolveTerraform}).
 * cdktf's toTerraform() resolves each element's fragment, merges the
 * fragments, then resolves the merged configuration again: a pass that can
 * only change something when the stack itself carries raw overrides (which
 * are merged unresolved) and that costs about a fifth of the Terraform render.
 * Here the fragments are resolved and merged in the same order, and only the
 * stack's own metadata block is resolved afterwards. A stack with raw
 * overrides or outputs takes cdktf's own path. cdktf 0.21.0 is its final
 * release, so this copy of its logic cannot drift from a newer one; a test
 * compares the result with what `cdktf synth` writes (`synthCloudApp`, which
 * runs cdktf's own toTerraform()).
 */
export function terraformOf(stack: TerraformStack): TerraformJson {
  const raw = stack as unknown as { readonly rawOverrides: object; readonly cdktfVersion: string };
  const elements = terraformElements(stack);
  if (Object.keys(raw.rawOverrides).length > 0 || elements.some((e) => TerraformOutput.isTerraformOutput(e))) {
    return stack.toTerraform() as TerraformJson;
  }
  const metadata = { version: raw.cdktfVersion, stackName: stack.node.id, backend: 'local', cloud: undefined };
  for (const e of elements) deepMerge(metadata, resolveTerraform(stack, e.toMetadata()));
  const tf: Record<string, unknown> = { '//': { metadata, outputs: {} } };
  for (const e of elements) deepMerge(tf, resolveTerraform(stack, e.toTerraform()));
  tf['//'] = resolveTerraform(stack, tf['//']);
  return tf;
}

/** The Terraform elements of a stack, depth first, as cdktf lists them (not entering nested stacks). */
function terraformElements(scope: Construct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(scope)) into.push(scope);
  for (const child of scope.node.children) {
    if (!TerraformStack.isStack(child)) terraformElements(child, into);
  }
  return into;
}

/**
 * The root of a construct tree that synthesizes in memory. A cdktf `App`
 * creates its output directory when it is constructed; this root carries
 * the same context (the cdktf version in each stack's metadata) and writes
 * nothing. It supports everything our stacks use; not cross-stack references,
 * which need an `App`.
 */
function inMemoryApp(): Construct {
  const root = new Construct(undefined as unknown as Construct, '');
  root.node.setContext('cdktfVersion', CDKTF_VERSION);
  return root;
}

/**
 * Runs `fn` while creation stacks are not recorded. cdktf records the full
 * stack trace (with `Error.stackTraceLimit` raised to infinity) of every
 * token and computed attribute it creates: hundreds per GKE cluster and
 * several per IAM member, only to point at the line that created a token
 * should it fail to resolve. Collecting those deep traces, and formatting
 * them through source maps under tsx, was most of the cloud render time
 * (about half of it at 1,000 apps). Without them an unresolved token is
 * still reported, without the line. Synchronous, and restored on the way
 * out, so nothing else observes it.
 */
function withoutCreationStacks<T>(fn: () => T): T {
  const previousFormat = Error.prepareStackTrace;
  const previousCapture = Object.getOwnPropertyDescriptor(Error, 'captureStackTrace');
  Error.prepareStackTrace = () => '';
  Object.defineProperty(Error, 'captureStackTrace', { value: () => undefined, configurable: true, writable: true });
  try {
    return fn();
  } finally {
    Error.prepareStackTrace = previousFormat;
    if (previousCapture) Object.defineProperty(Error, 'captureStackTrace', previousCapture);
  }
}
