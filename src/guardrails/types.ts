/** Guardrail vocabulary: rules, what they find, and the report of a run. */

import type { PodTemplate } from './pods';

/** An error fails synth and check; a warning is reported and does not. */
export type Severity = 'error' | 'warning';

/** Which environments a rule applies to. */
export type RuleScope = 'all' | 'production';

/** A rendered object as the guardrails see it, whether rendered in memory or read from disk. */
export interface CheckedObject {
  /** Environment (the first directory under dist/). */
  readonly environment: string;
  /** Path of its file relative to the environment directory. */
  readonly file: string;
  /** The construct path that rendered it, or the file it was read from. */
  readonly source: string;
  /** The app it belongs to, when known. */
  readonly app?: string;
  /** The object. */
  readonly manifest: Manifest;
}

/** A Kubernetes object, loosely typed: guardrails must cope with anything. */
export interface Manifest {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly metadata?: { readonly name?: unknown; readonly namespace?: unknown; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** What a rule found in one object. */
export interface Finding {
  /** Field path inside the object, e.g. `spec.template.spec.containers[0].securityContext.runAsNonRoot`. */
  readonly path: string;
  /** The offending value (undefined when a field is missing). */
  readonly value?: unknown;
  /** What is wrong, when more specific than the rule's summary. */
  readonly message?: string;
}

/** Everything a rule can look at besides the object itself. */
export interface RuleContext {
  /** Whether the object's environment is production. */
  readonly production: boolean;
  /** Every object of the same environment. */
  readonly environmentObjects: readonly CheckedObject[];
  /** The environment's objects of one kind (indexed once per environment). */
  objectsOf(kind: string): readonly CheckedObject[];
  /** The environment's objects of one kind in one namespace (undefined: objects without a namespace). */
  objectsIn(kind: string, namespace: string | undefined): readonly CheckedObject[];
  /** The environment's long-running workloads (not bare Pods) in a namespace, with their pod templates (computed once). */
  workloadsIn(namespace: string | undefined): readonly { readonly object: CheckedObject; readonly template: PodTemplate }[];
}

/** A platform rule on rendered Kubernetes objects. */
export interface Rule {
  /** Stable id, used in exemptions and reports. */
  readonly id: string;
  readonly severity: Severity;
  readonly scope: RuleScope;
  /** What the rule requires, in one line. */
  readonly summary: string;
  /** Why, in one line. */
  readonly rationale: string;
  /** How to fix a violation, in the terms of our declarations. */
  readonly fix: string;
  /** Equivalent checks in kube-linter, Polaris, Kyverno or checkov. */
  readonly equivalents: readonly string[];
  /** The findings in one object (empty: compliant). */
  check(object: CheckedObject, context: RuleContext): readonly Finding[];
}

/** One violation of one rule by one object. */
export interface Violation {
  readonly rule: string;
  readonly severity: Severity;
  readonly environment: string;
  readonly app?: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly file: string;
  readonly source: string;
  readonly path: string;
  readonly value?: unknown;
  readonly message: string;
  readonly fix: string;
}

/** A violation that an exemption allows, with the exemption's reason. */
export interface ExemptedViolation extends Violation {
  readonly reason: string;
  readonly expires?: string;
}

/** The outcome of a guardrail run. */
export interface GuardrailReport {
  /** Violations that count (errors fail the run). */
  readonly violations: readonly Violation[];
  /** Violations an exemption allows. */
  readonly exempted: readonly ExemptedViolation[];
  /** Problems with the exemptions themselves (unknown rule, expired). They are errors. */
  readonly exemptionProblems: readonly string[];
  readonly objectsChecked: number;
  readonly environments: readonly string[];
  /** Number of errors, including exemption problems. */
  readonly errors: number;
  readonly warnings: number;
}
