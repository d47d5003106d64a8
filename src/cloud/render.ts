import { AnnotationMetadataEntryType, App, Aspects, IAspect } from 'cdktf';
import { version as CDKTF_VERSION } from 'cdktf/package.json';
import { Construct, IConstruct } from 'constructs';
import { IssueCollector, ResolvedEnvironment, ResolvedPlatform } from '../model';
import { NODE_SERVICE_ACCOUNT_ID } from './cluster';
import { EnvironmentStack } from './environment-stack';

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
    return stacks.map((stack) => ({ environment: stack.env.name, file: STACK_FILE, json: stack.toTerraform() as TerraformJson }));
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
  if (env.argocd.sso) {
    taken.set(`service account "${env.argocd.sso.identity.accountId}"`, 'Argo CD single sign-on');
    for (const s of env.argocd.sso.secrets) taken.set(`secret "${s.secretId}"`, 'Argo CD single sign-on');
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
      claim(`certificate "${app.exposure.certificateName}"`, owner, `apps.${app.name}.exposure`, app.exposure.certificateName, 'rename the app or change the host: the certificate is <app>-cert-<hash of the host>');
    }
  }
}

/**
 * What `App.synth()` does to a stack before it writes it, without writing:
 * backend, aspects, validations, error annotations.
 */
function prepare(stack: EnvironmentStack): string[] {
  // App.synth() runs stack.prepareStack(), which is ensureBackendExists() and one more resolve of
  // every element, only to find references to other stacks. An environment's stack stands alone
  // (the guardrail terraform-references-resolve fails any reference it does not declare), so that
  // pass is skipped: a third of the Terraform render. A test proves the output equal to App.synth()'s.
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

/** Each aspect added to a construct visits it and everything under it, parents' aspects first, as cdktf's synthesizer runs them. */
function invokeAspects(construct: IConstruct, inherited: readonly IAspect[] = []): void {
  const aspects = [...new Set([...inherited, ...Aspects.of(construct).all])];
  for (const aspect of aspects) aspect.visit(construct);
  for (const child of construct.node.children) invokeAspects(child, aspects);
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
