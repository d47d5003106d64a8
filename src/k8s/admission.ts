import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';

/*
 * ValidatingAdmissionPolicy and its binding (admissionregistration.k8s.io/v1,
 * GA in Kubernetes 1.30): CEL checks the API server itself runs on every
 * matching request, whoever sends it. cdk8s-plus-27 knows only v1alpha1, so
 * the fields we set are typed here.
 * https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/
 * https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/validating-admission-policy-v1/
 */

/** Requests a policy is about: these operations on these resources (`pods/ephemeralcontainers` names a subresource). */
export interface ResourceRule {
  readonly apiGroups: readonly string[];
  readonly apiVersions: readonly string[];
  readonly operations: readonly ('CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT')[];
  readonly resources: readonly string[];
}

/** A CEL expression that must hold, and what to say when it does not (a fixed message, or one computed by `messageExpression`). */
export interface PolicyValidation {
  readonly expression: string;
  readonly message?: string;
  readonly messageExpression?: string;
}

/** A named CEL value the validations read as `variables.<name>`; each may read the ones before it. */
export interface PolicyVariable {
  readonly name: string;
  readonly expression: string;
}

export interface ValidatingAdmissionPolicyProps {
  readonly metadata: ApiObjectMetadata;
  /**
   * Only objects in namespaces whose labels match are checked (an object's own namespace;
   * a Namespace is matched on its own labels). API reference: MatchResources.namespaceSelector.
   */
  readonly namespaceLabels: Readonly<Record<string, string>>;
  readonly resourceRules: readonly ResourceRule[];
  readonly variables?: readonly PolicyVariable[];
  readonly validations: readonly PolicyValidation[];
}

/**
 * A ValidatingAdmissionPolicy that refuses what its validations do not allow.
 *
 * - `failurePolicy: Fail`: an expression that cannot be evaluated (a parse or runtime error, a
 *   misconfigured policy) refuses the request instead of letting it through; validations that
 *   evaluate to false are refused by the binding's `validationActions` whatever this says
 *   (API reference: ValidatingAdmissionPolicySpec.failurePolicy; concepts page, "Failure Policy").
 * - `matchConstraints`: a request is checked only if it matches every constraint: one of the
 *   resource rules (`matchPolicy` Equivalent, the default: a request through another version of the
 *   same resource is converted and checked too) and the namespace selector
 *   (API reference: ValidatingAdmissionPolicySpec.matchConstraints, MatchResources).
 */
export class ValidatingAdmissionPolicy extends ApiObject {
  constructor(scope: Construct, id: string, props: ValidatingAdmissionPolicyProps) {
    super(scope, id, {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: props.metadata,
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          namespaceSelector: { matchLabels: props.namespaceLabels },
          resourceRules: props.resourceRules,
        },
        variables: props.variables && props.variables.length > 0 ? props.variables : undefined,
        validations: props.validations,
      },
    });
  }
}

/**
 * Puts a policy in force (a policy without a binding checks nothing), in the namespaces whose
 * labels match (`matchResources` is intersected with the policy's `matchConstraints`: it narrows,
 * never widens). `validationActions: [Deny]`: a failed validation refuses the request, rather than
 * only warning the client (Warn) or annotating the audit event (Audit). API reference:
 * ValidatingAdmissionPolicyBindingSpec.matchResources, .validationActions; concepts page, "Validation actions".
 */
export class ValidatingAdmissionPolicyBinding extends ApiObject {
  constructor(scope: Construct, id: string, props: {
    readonly metadata: ApiObjectMetadata;
    readonly policyName: string;
    readonly namespaceLabels: Readonly<Record<string, string>>;
  }) {
    super(scope, id, {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: props.metadata,
      spec: {
        policyName: props.policyName,
        validationActions: ['Deny'],
        matchResources: { namespaceSelector: { matchLabels: props.namespaceLabels } },
      },
    });
  }
}

/** A CEL string literal of `text`. */
export function celString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, '\\\'')}'`;
}

/** A CEL list literal of strings. */
export function celStrings(texts: readonly string[]): string {
  return `[${texts.map(celString).join(', ')}]`;
}
