import { suggest } from '../model';
import type { ResolvedExemption, ResolvedObjectExemption, ResolvedPlatform } from '../model';
import { KUBERNETES_RULES } from './kubernetes-rules';
import { PodTemplate, podTemplate } from './pods';
import { schemaValidator } from './schema';
import { CheckedStack, TERRAFORM_RULES, TerraformRule, declaredAddresses, terraformBlocks } from './terraform-rules';
import type { CheckedObject, ExemptedViolation, GuardrailReport, Rule, RuleContext, Violation } from './types';

/** Validates one object against its schema; returns violations as field path and message. */
export interface ObjectSchemaValidator {
  validate(manifest: unknown): readonly { readonly path: string; readonly message: string; readonly value?: unknown }[];
}

/** The id under which schema violations are reported (and could be exempted). */
export const SCHEMA_RULE = 'schema';

/**
 * Exemptions the platform itself needs, as narrow as possible and listed in
 * every report like any other: the bootstrap registers the cluster Argo CD runs
 * in through a Secret (Argo CD knows no other way), holding its name and the
 * in-cluster address only, never a credential.
 */
const BUILT_IN_EXEMPTIONS: readonly { rule: string; reason: string; expires?: string; applies: (o: CheckedObject) => boolean }[] = [{
  rule: 'no-secret-data',
  reason: 'built in: Argo CD registers clusters only through Secrets; this one names the in-cluster server and holds no credential',
  applies: (o) => {
    const m = o.manifest as {
      metadata?: { namespace?: unknown; labels?: Record<string, unknown> }; data?: unknown; stringData?: Record<string, unknown>;
    };
    return o.manifest.kind === 'Secret'
      && m.metadata?.namespace === 'argocd'
      && m.metadata?.labels?.['argocd.argoproj.io/secret-type'] === 'cluster'
      && m.data === undefined
      && Object.keys(m.stringData ?? {}).sort().join(',') === 'name,server'
      && m.stringData?.server === 'https://kubernetes.default.svc';
  },
}, {
  rule: 'argocd-project-no-wildcards',
  reason: 'built in: pull-request previews create namespaces pr-<number>-<app>; their AppProjects admit only namespaces starting "pr-" on their own cluster',
  applies: (o) => {
    const spec = (o.manifest as { spec?: { destinations?: { name?: string; server?: string; namespace?: string }[]; sourceRepos?: string[] } }).spec;
    return o.manifest.kind === 'AppProject' && ['preview', 'preview-namespaces'].includes(String(o.manifest.metadata?.name))
      && (spec?.destinations ?? []).length > 0
      && (spec?.destinations ?? []).every((d) => d.namespace === 'pr-*' && !String(d.name ?? d.server ?? '*').includes('*'))
      && !(spec?.sourceRepos ?? ['*']).some((r) => r.includes('*'));
  },
}];

/**
 * Exemptions of Terraform blocks the platform itself declares, listed in every
 * report like the others: the pipeline's apply identity holds admin roles on
 * its environment's project because it manages what the stack declares there;
 * only a job in the protected GitHub environment of the same name may
 * impersonate it (src/cloud/pipeline.ts).
 */
interface TerraformExemption { rule: string; reason: string; applies: (name: string, body: Record<string, unknown>) => boolean }
const BUILT_IN_TERRAFORM_EXEMPTIONS: readonly TerraformExemption[] = [{
  rule: 'iam-no-primitive-roles',
  reason: 'built in: the pipeline\'s apply identity manages the project\'s resources; only jobs in the protected GitHub environment of the same name may impersonate it',
  applies: (name, body) => name.startsWith('pipeline_apply-')
    && String(body?.member) === '${google_service_account.pipeline_apply-service-account.member}',
}];

export interface GuardrailOptions {
  /** The platform, for environment tiers and exemptions. */
  readonly platform: ResolvedPlatform;
  /** Validates objects against their API schemas. @default - the committed Kubernetes 1.27 and CRD schemas (schemaValidator()) */
  readonly schema?: ObjectSchemaValidator;
  /** The rules. @default KUBERNETES_RULES */
  readonly rules?: readonly Rule[];
  /** Today, `YYYY-MM-DD`, for exemption expiry. @default - the current UTC date */
  readonly today?: string;
  /** Rendered Terraform configurations to check too. @default [] */
  readonly stacks?: readonly CheckedStack[];
  /** The Terraform rules. @default TERRAFORM_RULES */
  readonly terraformRules?: readonly TerraformRule[];
}

/** Runs schema validation and every rule over rendered objects. Pure: reports, never throws for a violation. */
export function runGuardrails(objects: readonly CheckedObject[], options: GuardrailOptions): GuardrailReport {
  const rules = options.rules ?? KUBERNETES_RULES;
  const schema = options.schema ?? schemaValidator();
  const today = options.today ?? todayUtc();
  const terraformRules = options.terraformRules ?? TERRAFORM_RULES;
  const ruleIds = [SCHEMA_RULE, ...rules.map((r) => r.id), ...terraformRules.map((r) => r.id)];
  const tiers = new Map(options.platform.environments.map((e) => [e.name, e.tier.isProduction]));
  const apps = new Map(options.platform.environments.map((e) => [e.name, new Map(e.apps.map((a) => [a.name, a]))]));

  // Exemptions must name real rules; expired ones stop holding and say so.
  const exemptionProblems: string[] = [];
  const live = (where: string, e: ResolvedExemption): boolean => {
    if (!ruleIds.includes(e.rule)) {
      exemptionProblems.push(`${where}: exempts unknown rule "${e.rule}"; use a rule id from the report (${suggest(e.rule, ruleIds)})`);
      return false;
    }
    if (e.expires !== undefined && e.expires < today) {
      exemptionProblems.push(`${where}: the exemption from "${e.rule}" expired on ${e.expires} (reason was: ${e.reason}); fix the violation or renew the exemption with a new date`);
      return false;
    }
    return true;
  };
  const objectExemptions = options.platform.exemptions.filter((e, i) => live(`exemptions[${i}] (${e.kind} ${e.name})`, e));
  const objectExemptionFor = (v: Violation) => objectExemptions.find((e) => e.rule === v.rule && e.kind === v.kind && nameMatches(e, v.name)
    && (!e.environments || e.environments.includes(v.environment)));
  const appExemptions = new Map<string, ResolvedExemption[]>();
  for (const env of options.platform.environments) {
    for (const app of env.apps) {
      app.exemptions.forEach((e, i) => {
        if (live(`apps.${app.name}.exemptions[${i}] in ${env.name}`, e)) {
          const key = `${env.name}/${app.name}`;
          appExemptions.set(key, [...(appExemptions.get(key) ?? []), e]);
        }
      });
    }
  }
  // One report line per problem, even when every environment repeats it.
  const uniqueProblems = [...new Set(exemptionProblems)];

  const byEnvironment = new Map<string, CheckedObject[]>();
  for (const o of objects) {
    const list = byEnvironment.get(o.environment);
    if (list) list.push(o);
    else byEnvironment.set(o.environment, [o]);
  }

  const violations: Violation[] = [];
  const exempted: ExemptedViolation[] = [];
  for (const [environment, envObjects] of byEnvironment) {
    const context = environmentContext(tiers.get(environment) ?? false, envObjects);
    for (const object of envObjects) {
      const app = owningApp(object, apps.get(environment));
      const base = {
        environment,
        app,
        kind: String(object.manifest.kind ?? '(no kind)'),
        namespace: object.manifest.metadata?.namespace as string | undefined,
        name: String(object.manifest.metadata?.name ?? '(no name)'),
        file: object.file,
        source: object.source,
      };
      const found: Violation[] = [];
      for (const v of schema.validate(object.manifest)) {
        found.push({
          ...base,
          rule: SCHEMA_RULE,
          severity: 'error',
          path: v.path,
          value: v.value,
          message: v.message,
          fix: 'set only fields the Kubernetes 1.27 API (or the CRD) defines, with the right types; check the spelling of the field',
        });
      }
      for (const rule of rules) {
        if (rule.scope === 'production' && !context.production) continue;
        let findings;
        try {
          findings = rule.check(object, context);
        } catch (err) {
          findings = [{ path: '', message: `the rule could not read this object (${(err as Error)?.message}); it is probably malformed` }];
        }
        for (const f of findings) {
          found.push({
            ...base, rule: rule.id, severity: rule.severity, path: f.path, value: f.value, message: f.message ?? rule.summary, fix: rule.fix,
          });
        }
      }
      for (const v of found) {
        const exemption = (app ? appExemptions.get(`${environment}/${app}`) ?? [] : []).find((e) => e.rule === v.rule)
          ?? objectExemptionFor(v)
          ?? BUILT_IN_EXEMPTIONS.find((e) => e.rule === v.rule && e.applies(object));
        if (exemption) exempted.push({ ...v, reason: exemption.reason, expires: exemption.expires });
        else violations.push(v);
      }
    }
  }
  // Terraform: each resource of each rule's type, and each block for the rules on every block (`*`), in each environment's configuration.
  let resourcesChecked = 0;
  for (const stack of options.stacks ?? []) {
    const production = tiers.get(stack.environment) ?? false;
    const context = { addresses: declaredAddresses(stack.json) };
    const inScope = terraformRules.filter((r) => r.scope === 'all' || production);
    const everyBlock = inScope.filter((r) => r.resourceType === '*');
    const byType = new Map<string, TerraformRule[]>();
    for (const block of terraformBlocks(stack.json)) {
      let applying = everyBlock;
      const type = block.resourceType;
      if (type !== undefined) {
        resourcesChecked++;
        let forType = byType.get(type);
        if (!forType) byType.set(type, (forType = inScope.filter((r) => r.resourceType === type || r.resourceType === '*')));
        applying = forType;
      }
      for (const rule of applying) {
        for (const f of rule.check(block.body, context)) {
          const v: Violation = {
            rule: rule.id,
            severity: rule.severity,
            environment: stack.environment,
            kind: block.kind,
            name: block.name,
            file: stack.file,
            source: stack.source,
            path: f.path,
            value: f.value,
            message: f.message ?? rule.summary,
            fix: `${rule.fix} (checkov ${rule.checkov}, CIS GKE ${rule.cis})`,
          };
          const exemption = objectExemptionFor(v)
            ?? BUILT_IN_TERRAFORM_EXEMPTIONS.find((e) => e.rule === v.rule && e.applies(block.name, block.body as Record<string, unknown>));
          if (exemption) exempted.push({ ...v, reason: exemption.reason, expires: (exemption as { expires?: string }).expires });
          else violations.push(v);
        }
      }
    }
  }
  const environments = [...new Set([...byEnvironment.keys(), ...(options.stacks ?? []).map((s) => s.environment)])];
  return withCounts({ violations, exempted, exemptionProblems: uniqueProblems, objectsChecked: objects.length + resourcesChecked, environments });
}

/** Today in UTC, `YYYY-MM-DD`: the default date exemptions expire against. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/** A report with its error and warning counts, derived from its violations and exemption problems. */
function withCounts(report: Omit<GuardrailReport, 'errors' | 'warnings'>): GuardrailReport {
  return {
    ...report,
    errors: report.violations.filter((v) => v.severity === 'error').length + report.exemptionProblems.length,
    warnings: report.violations.filter((v) => v.severity === 'warning').length,
  };
}

/**
 * What rules see of an environment, indexed once: rules that relate objects
 * (policies to pods, budgets to workloads, Services to pods) look up their
 * kind and namespace instead of scanning the whole environment per object.
 */
function environmentContext(production: boolean, environmentObjects: readonly CheckedObject[]): RuleContext {
  const key = (kind: unknown, namespaced: boolean, namespace?: unknown) => (namespaced ? `${kind}\0${namespace ?? ''}` : `${kind}`);
  const index = new Map<string, CheckedObject[]>();
  const add = (k: string, o: CheckedObject) => {
    const list = index.get(k);
    if (list) list.push(o);
    else index.set(k, [o]);
  };
  for (const o of environmentObjects) {
    add(key(o.manifest.kind, false), o);
    add(key(o.manifest.kind, true, o.manifest.metadata?.namespace), o);
  }
  let workloads: Map<unknown, { object: CheckedObject; template: PodTemplate }[]> | undefined;
  return {
    production,
    environmentObjects,
    objectsOf: (kind) => index.get(key(kind, false)) ?? [],
    objectsIn: (kind, namespace) => index.get(key(kind, true, namespace)) ?? [],
    workloadsIn: (namespace) => {
      if (!workloads) {
        workloads = new Map();
        for (const object of environmentObjects) {
          const template = object.manifest.kind === 'Pod' ? undefined : podTemplate(object.manifest);
          if (!template?.longRunning) continue;
          const ns = object.manifest.metadata?.namespace;
          const list = workloads.get(ns);
          if (list) list.push({ object, template });
          else workloads.set(ns, [{ object, template }]);
        }
      }
      return workloads.get(namespace) ?? [];
    },
  };
}

/**
 * The app an object belongs to: its own app label first (a migration's objects
 * ride in the directory of the app they migrate), else the app it was rendered
 * for, else its directory.
 */
function owningApp(object: CheckedObject, apps: ReadonlyMap<string, unknown> | undefined): string | undefined {
  const labels = (object.manifest.metadata?.labels ?? {}) as Record<string, unknown>;
  for (const candidate of [labels['app.kubernetes.io/name'], object.app, /^apps\/([^/]+)\//.exec(object.file)?.[1]]) {
    if (typeof candidate === 'string' && apps?.has(candidate)) return candidate;
  }
  return undefined;
}

function nameMatches(e: ResolvedObjectExemption, name: string): boolean {
  return e.name.endsWith('*') ? name.startsWith(e.name.slice(0, -1)) : e.name === name;
}

/**
 * One report from reports of disjoint parts of the same platform (the
 * Kubernetes objects and the Terraform stacks, checked apart so that they
 * can be checked at the same time). Reads as if one run had checked
 * everything: Kubernetes violations before Terraform ones, as
 * `runGuardrails` lists them; exemption problems, which every part finds
 * alike, once.
 */
export function mergeReports(reports: readonly GuardrailReport[]): GuardrailReport {
  const isTerraform = (v: Violation) => v.kind.startsWith('terraform:');
  const inOrder = <T extends Violation>(lists: readonly (readonly T[])[]): T[] => {
    const all = lists.flat();
    return [...all.filter((v) => !isTerraform(v)), ...all.filter(isTerraform)];
  };
  return withCounts({
    violations: inOrder(reports.map((r) => r.violations)),
    exempted: inOrder(reports.map((r) => r.exempted)),
    exemptionProblems: [...new Set(reports.flatMap((r) => r.exemptionProblems))],
    objectsChecked: reports.reduce((n, r) => n + r.objectsChecked, 0),
    environments: [...new Set(reports.flatMap((r) => r.environments))],
  });
}
