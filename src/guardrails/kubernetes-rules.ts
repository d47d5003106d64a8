import {
  argocdApplicationOwnPath, argocdDestinationOwnCluster, argocdNoDefaultProject, argocdProjectAdmitsKind, argocdProjectNoWildcards,
  argocdProjectRolePolicies, previewsGithubRateLimit,
} from './kubernetes-argocd';
import { imageDigestInProduction, imageTagPinned, readinessLivenessProbes, resourcesRequestsLimits } from './kubernetes-images-resources';
import { networkPolicyOwnPods, noDefaultNamespace, podsNetworkIsolated, rolloutCanaryGetsTraffic, serviceSelectsPods } from './kubernetes-network';
import {
  dropAllCapabilities, noHostNamespaces, noHostPath, noHostPorts, noPrivilegeEscalation, notPrivileged,
  readOnlyRootFilesystem, runAsNonRoot, seccompRuntimeDefault,
} from './kubernetes-pod-security';
import { productionDisruptionBudget, productionReplicas, productionZoneSpread } from './kubernetes-production';
import { noSecretData, noSecretLookingValues, secretStoreOwnServiceAccount } from './kubernetes-secrets';
import { objectSizeLimit } from './kubernetes-sizes';
import type { Rule } from './types';

/**
 * The platform rules on rendered Kubernetes objects. Each has a stable id (used
 * in exemptions), a severity, the environments it applies to, why it exists,
 * how to fix it in our declarations, and its equivalents in kube-linter,
 * Polaris and Kyverno.
 *
 * Reports list findings in this order, so a new rule is appended, wherever its family lives.
 */
export const KUBERNETES_RULES: readonly Rule[] = [
  runAsNonRoot, noPrivilegeEscalation, dropAllCapabilities, seccompRuntimeDefault,
  noHostNamespaces, noHostPath, noHostPorts, notPrivileged, readOnlyRootFilesystem,
  imageTagPinned, imageDigestInProduction, resourcesRequestsLimits, readinessLivenessProbes,
  noSecretData, noSecretLookingValues,
  podsNetworkIsolated, noDefaultNamespace,
  productionReplicas, productionDisruptionBudget, productionZoneSpread,
  serviceSelectsPods, rolloutCanaryGetsTraffic,
  previewsGithubRateLimit,
  argocdNoDefaultProject, argocdApplicationOwnPath, argocdDestinationOwnCluster, argocdProjectNoWildcards, argocdProjectAdmitsKind,
  secretStoreOwnServiceAccount,
  networkPolicyOwnPods,
  objectSizeLimit,
  argocdProjectRolePolicies,
];
