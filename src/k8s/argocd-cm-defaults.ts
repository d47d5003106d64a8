import { parse, stringify } from 'yaml';

/**
 * The argo-cd chart version whose `configs.cm` defaults are written out
 * below. A test holds it equal to the engine's pin (ADDON_CHARTS), so a
 * chart upgrade makes someone read the new values.yaml again.
 */
export const ARGOCD_CM_DEFAULTS_CHART_VERSION = '9.2.4';

/**
 * What the argo-cd chart writes into `argocd-cm` by default (argo-helm
 * charts/argo-cd/values.yaml, `configs.cm`, as the 9.x charts render it:
 * `helm.sh/chart: argo-cd-9.1.4` and `argo-cd-9.2.4` objects show the same
 * keys). We render `argocd-cm` ourselves (`configs.cm.create: false`), so
 * without these the chart's defaults would be lost: Argo CD would watch
 * Endpoints, Leases, TokenReviews, SubjectAccessReviews, CSRs and policy
 * reports, and refresh Applications on every status update. Argo CD's own
 * code adds only events and metrics to the exclusions
 * (argo-cd util/settings/settings.go, `coreExcludedResources`).
 */
export const ARGOCD_CM_CHART_DEFAULTS: Readonly<Record<string, string>> = {
  'admin.enabled': 'true',
  'application.instanceLabelKey': 'argocd.argoproj.io/instance',
  'application.sync.impersonation.enabled': 'false',
  'exec.enabled': 'false',
  'resource.customizations.ignoreResourceUpdates.ConfigMap': `jqPathExpressions:
  # Ignore the cluster-autoscaler status
  - '.metadata.annotations."cluster-autoscaler.kubernetes.io/last-updated"'
  # Ignore the annotation of the legacy Leases election
  - '.metadata.annotations."control-plane.alpha.kubernetes.io/leader"'
`,
  'resource.customizations.ignoreResourceUpdates.Endpoints': `jsonPointers:
  - /metadata
  - /subsets
`,
  'resource.customizations.ignoreResourceUpdates.all': `jsonPointers:
  - /status
`,
  'resource.customizations.ignoreResourceUpdates.apps_ReplicaSet': `jqPathExpressions:
  - '.metadata.annotations."deployment.kubernetes.io/desired-replicas"'
  - '.metadata.annotations."deployment.kubernetes.io/max-replicas"'
  - '.metadata.annotations."rollout.argoproj.io/desired-replicas"'
`,
  'resource.customizations.ignoreResourceUpdates.argoproj.io_Application': `jqPathExpressions:
  - '.metadata.annotations."notified.notifications.argoproj.io"'
  - '.metadata.annotations."argocd.argoproj.io/refresh"'
  - '.metadata.annotations."argocd.argoproj.io/hydrate"'
  - '.operation'
`,
  'resource.customizations.ignoreResourceUpdates.argoproj.io_Rollout': `jqPathExpressions:
  - '.metadata.annotations."notified.notifications.argoproj.io"'
`,
  'resource.customizations.ignoreResourceUpdates.autoscaling_HorizontalPodAutoscaler': `jqPathExpressions:
  - '.metadata.annotations."autoscaling.alpha.kubernetes.io/behavior"'
  - '.metadata.annotations."autoscaling.alpha.kubernetes.io/conditions"'
  - '.metadata.annotations."autoscaling.alpha.kubernetes.io/metrics"'
  - '.metadata.annotations."autoscaling.alpha.kubernetes.io/current-metrics"'
`,
  'resource.customizations.ignoreResourceUpdates.discovery.k8s.io_EndpointSlice': `jsonPointers:
  - /metadata
  - /endpoints
  - /ports
`,
  'resource.exclusions': `### Network resources created by the Kubernetes control plane and excluded to reduce the number of watched events and UI clutter
- apiGroups:
  - ''
  - discovery.k8s.io
  kinds:
  - Endpoints
  - EndpointSlice
### Internal Kubernetes resources excluded reduce the number of watched events
- apiGroups:
  - coordination.k8s.io
  kinds:
  - Lease
### Internal Kubernetes Authz/Authn resources excluded reduce the number of watched events
- apiGroups:
  - authentication.k8s.io
  - authorization.k8s.io
  kinds:
  - SelfSubjectReview
  - TokenReview
  - LocalSubjectAccessReview
  - SelfSubjectAccessReview
  - SelfSubjectRulesReview
  - SubjectAccessReview
### Intermediate Certificate Request excluded reduce the number of watched events
- apiGroups:
  - certificates.k8s.io
  kinds:
  - CertificateSigningRequest
- apiGroups:
  - cert-manager.io
  kinds:
  - CertificateRequest
### Cilium internal resources excluded reduce the number of watched events and UI Clutter
- apiGroups:
  - cilium.io
  kinds:
  - CiliumIdentity
  - CiliumEndpoint
  - CiliumEndpointSlice
### Kyverno intermediate and reporting resources excluded reduce the number of watched events and improve performance
- apiGroups:
  - kyverno.io
  - reports.kyverno.io
  - wgpolicyk8s.io
  kinds:
  - PolicyReport
  - ClusterPolicyReport
  - EphemeralReport
  - ClusterEphemeralReport
  - AdmissionReport
  - ClusterAdmissionReport
  - BackgroundScanReport
  - ClusterBackgroundScanReport
  - UpdateRequest
`,
  'statusbadge.enabled': 'false',
  'timeout.hard.reconciliation': '0s',
  'timeout.reconciliation': '180s',
};

/** Keys whose value is a YAML list that adds up: ours are appended to the chart's, never replace them. */
const LIST_KEYS = new Set(['resource.exclusions', 'resource.inclusions']);
/** Key prefixes whose value is a map of path lists (`jsonPointers`, `jqPathExpressions`, `managedFieldsManagers`) that add up. */
const PATH_LIST_PREFIXES = ['resource.customizations.ignoreResourceUpdates.', 'resource.customizations.ignoreDifferences.'];

function unique<T>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const key = JSON.stringify(i);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function mergeValue(key: string, base: string, ours: string): string {
  if (LIST_KEYS.has(key)) {
    const list = (text: string): unknown[] => (parse(text) as unknown[] | null) ?? [];
    return stringify(unique([...list(base), ...list(ours)]));
  }
  if (PATH_LIST_PREFIXES.some((p) => key.startsWith(p))) {
    const a = (parse(base) ?? {}) as Record<string, unknown[]>;
    const b = (parse(ours) ?? {}) as Record<string, unknown[]>;
    const merged: Record<string, unknown[]> = {};
    for (const field of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      merged[field] = unique([...(a[field] ?? []), ...(b[field] ?? [])]);
    }
    return stringify(merged);
  }
  return ours;
}

/**
 * `argocd-cm`'s data: the chart's defaults with ours over them. Exclusions,
 * inclusions and the ignore lists of `resource.customizations.*` add up
 * (ours are appended), so setting one of those keys never drops a default;
 * any other key of ours replaces the chart's value.
 */
export function argoCdCmData(
  ours: Readonly<Record<string, string>>, defaults: Readonly<Record<string, string>> = ARGOCD_CM_CHART_DEFAULTS,
): Record<string, string> {
  const data: Record<string, string> = { ...defaults };
  for (const [key, value] of Object.entries(ours)) data[key] = key in defaults ? mergeValue(key, defaults[key], value) : value;
  return Object.fromEntries(Object.entries(data).sort(([a], [b]) => a.localeCompare(b)));
}
