import * as path from 'path';
import { resolvePlatform } from '../model';
import type { PlatformSpec } from '../model';
import { loadRenderedTree } from './disk';
import { ObjectSchemaValidator, runGuardrails } from './engine';
import type { Violation } from './types';

/** The part of the cdk8s CLI's validation context this plugin uses (cdk8s-cli `Validation`). */
export interface Cdk8sValidationContext {
  readonly manifests: readonly string[];
  readonly report: {
    addViolation(violation: {
      ruleName: string;
      recommendation: string;
      fix: string;
      violatingResources: { resourceName: string; locations: string[]; manifestPath: string }[];
    }): void;
    submit(status: 'success' | 'failure', metadata?: Record<string, string>): void;
  };
  readonly logger: { log(message: string): void };
}

export interface PlatformGuardrailsProps {
  /** The platform declaration. */
  readonly platform: PlatformSpec;
  /** The CLI's output directory (cdk8s.yaml `output`), whose first level is the environment. */
  readonly outdir: string;
  readonly schema?: ObjectSchemaValidator;
}

/**
 * The guardrails as a cdk8s validation plugin, so that `npx cdk8s synth` enforces
 * them on the manifests the CLI collected (declared in cdk8s.yaml, loaded from
 * plugins/guardrails). It checks the CLI's output directory tree, whose first
 * level is the environment.
 */
export class PlatformGuardrailsValidation {
  constructor(private readonly props: PlatformGuardrailsProps) {}

  public validate(context: Cdk8sValidationContext): void {
    const outdir = path.resolve(this.props.outdir);
    const roots = new Set(context.manifests.some((m) => path.resolve(m).startsWith(outdir + path.sep)) ? [outdir] : []);
    const resolved = resolvePlatform(this.props.platform);
    let errors = 0;
    let exempted = 0;
    for (const root of roots) {
      const { objects, unreadable } = loadRenderedTree(root);
      const report = runGuardrails(objects, { platform: resolved, schema: this.props.schema });
      exempted += report.exempted.length;
      errors += report.errors + unreadable.length;
      const byRule = new Map<string, Violation[]>();
      for (const v of report.violations) byRule.set(v.rule, [...(byRule.get(v.rule) ?? []), v]);
      for (const [rule, violations] of byRule) {
        context.report.addViolation({
          ruleName: rule,
          recommendation: violations[0].message,
          fix: violations[0].fix,
          violatingResources: violations.map((v) => ({
            resourceName: `${v.environment}/${v.kind}/${v.namespace ? `${v.namespace}/` : ''}${v.name}`,
            locations: [v.path || '(object)'],
            manifestPath: path.join(root, v.environment, v.file),
          })),
        });
      }
      for (const p of report.exemptionProblems) {
        context.report.addViolation({ ruleName: 'exemption', recommendation: p, fix: 'fix or renew the exemption', violatingResources: [] });
      }
      for (const u of unreadable) {
        context.report.addViolation({
          ruleName: 'unreadable', recommendation: `${u.file} ${u.problem}`, fix: 'fix or delete the file', violatingResources: [{ resourceName: u.file, locations: [], manifestPath: path.join(root, u.file) }],
        });
      }
      for (const e of report.exempted) context.logger.log(`exempted ${e.rule}: [${e.environment}] ${e.kind} ${e.name} - ${e.reason}`);
    }
    context.report.submit(errors > 0 ? 'failure' : 'success', { exempted: String(exempted), outputs: String(roots.size) });
  }
}

