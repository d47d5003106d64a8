import type { Construct } from 'constructs';
import {
  PolicyValidation, PolicyVariable, ResourceRule, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding, celString, celStrings,
} from './admission';
import type { GroupKind } from './crds';
import { SYNC_WAVE } from './labels';

/** The cluster-scoped kinds this renders, which the project that syncs them must admit. */
export const PREVIEW_ADMISSION_KINDS: readonly GroupKind[] = [
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicyBinding' },
];

export interface PreviewAdmissionProps {
  /** Labels of the rendered policies and bindings. */
  readonly labels: Readonly<Record<string, string>>;
  /** The label every preview namespace carries (and no other namespace): where the policies apply. */
  readonly previewNamespaceLabels: Readonly<Record<string, string>>;
  /** Preview namespaces are `<prefix><number>-<app>`, e.g. `pr-`. */
  readonly namespacePrefix: string;
  /** Per public app, its preview host after `<prefix><number>-`, e.g. `{ 'storefront-web': 'shop.preview.dev.acme.example' }`. */
  readonly hostSuffixes: Readonly<Record<string, string>>;
  /** What every image of a preview starts with: the repositories the environment's apps are pulled from, each ending in `/`. */
  readonly imagePrefixes: readonly string[];
}

/**
 * Admission policies of the preview namespaces. The preview AppProject limits
 * a pull request to some kinds; these limit the fields of those kinds, in the
 * API server, whoever applies them (Argo CD from a pull request's head, a
 * remote kustomize base it pulls in, which Argo CD cannot refuse, or a team
 * member with edit rights in the namespace). What they refuse is what could
 * reach beyond the preview's namespace:
 *
 * - Services: only ClusterIP, no externalIPs (no load balancer, node port or
 *   DNS alias of its own; externalIPs capture traffic to any address).
 * - Ingress: at most one rule, for the host its ApplicationSet gives it;
 *   no default backend or TLS; GKE's external class only; none of the
 *   annotations that take an environment's static address, certificates or
 *   frontend, and HTTP not switched off.
 * - ServiceAccounts: no Workload Identity annotation (a preview has no cloud identity).
 * - Pods and the templates of the kinds a preview may create (Deployment,
 *   CronJob): images from the environment's own repositories only (what a
 *   remote base could otherwise run); only volumes that stay in the namespace
 *   (no CSI driver acting with a cloud identity, no disk); templates set no
 *   priority class (which could preempt the environment's pods).
 * - PodDisruptionBudgets: must allow a disruption (one that allows none
 *   holds up node upgrades of the whole cluster).
 *
 * Pod Security admission (restricted, on every preview namespace) already
 * refuses host namespaces, host paths, privileged containers and added
 * capabilities; quotas and the default-deny network policy come with the
 * namespace. One policy per kind, so each is type-checked against its own
 * kind's schema. Policies and bindings are cluster-scoped and synced from the
 * GitOps branch with the environment, never from a pull request.
 */
export function renderPreviewAdmission(scope: Construct, props: PreviewAdmissionProps): void {
  const policy = (
    name: string, resourceRules: readonly ResourceRule[], validations: readonly PolicyValidation[], variables: readonly PolicyVariable[] = [],
  ) => {
    const metadata = { name, labels: { ...props.labels }, annotations: { [SYNC_WAVE]: '-2' } };
    new ValidatingAdmissionPolicy(scope, `policy-${name}`, {
      metadata, namespaceLabels: props.previewNamespaceLabels, resourceRules, variables, validations,
    });
    new ValidatingAdmissionPolicyBinding(scope, `binding-${name}`, { metadata, policyName: name, namespaceLabels: props.previewNamespaceLabels });
  };
  const write: ResourceRule['operations'] = ['CREATE', 'UPDATE'];
  const rule = (apiGroup: string, apiVersion: string, ...resources: string[]): ResourceRule => ({
    apiGroups: [apiGroup], apiVersions: [apiVersion], operations: write, resources,
  });

  policy('preview-services', [rule('', 'v1', 'services')], [
    {
      expression: 'object.spec.type == \'ClusterIP\'',
      message: 'a preview\'s Service must be of type ClusterIP: a preview is reached through its Ingress only (no LoadBalancer, NodePort or ExternalName)',
    },
    {
      expression: '!has(object.spec.externalIPs) || object.spec.externalIPs.size() == 0',
      message: 'a preview\'s Service must not set externalIPs: they capture traffic to those addresses on every node (CVE-2020-8554)',
    },
  ]);

  policy('preview-ingresses', [rule('networking.k8s.io', 'v1', 'ingresses')], ingressValidations(), ingressVariables(props));

  policy('preview-service-accounts', [rule('', 'v1', 'serviceaccounts')], [{
    expression: `!has(object.metadata.annotations) || !(${celString(WORKLOAD_IDENTITY_ANNOTATION)} in object.metadata.annotations)`,
    message: `a preview runs with no Google identity: remove the ${WORKLOAD_IDENTITY_ANNOTATION} annotation`,
  }]);

  const images = [{ name: 'imagePrefixes', expression: celStrings(props.imagePrefixes) }];
  policy('preview-deployments', [rule('apps', 'v1', 'deployments')], podSpecValidations('object.spec.template.spec', { template: true }), images);
  policy('preview-cronjobs', [rule('batch', 'v1', 'cronjobs')], podSpecValidations('object.spec.jobTemplate.spec.template.spec', { template: true }), images);
  // Every pod, whatever made it (a ReplicaSet, a Job, a person), and containers added to a running pod by `kubectl debug`.
  policy('preview-pods', [rule('', 'v1', 'pods', 'pods/ephemeralcontainers')], podSpecValidations('object.spec', { template: false }), images);

  policy('preview-disruption-budgets', [rule('policy', 'v1', 'poddisruptionbudgets')], [{
    expression: 'has(object.spec.maxUnavailable) && !(string(object.spec.maxUnavailable) in [\'0\', \'0%\'])',
    message: 'a preview\'s PodDisruptionBudget must allow a disruption (maxUnavailable of at least 1): one that allows none holds up node upgrades of the cluster',
  }]);
}

/** The annotation that binds a Kubernetes ServiceAccount to a Google service account (GKE Workload Identity). */
const WORKLOAD_IDENTITY_ANNOTATION = 'iam.gke.io/gcp-service-account';

/** Ingress annotations that only the environments' own Ingresses use: their static addresses, certificates and HTTPS frontend. */
const ENVIRONMENT_INGRESS_ANNOTATIONS = [
  'kubernetes.io/ingress.global-static-ip-name',
  'kubernetes.io/ingress.regional-static-ip-name',
  'ingress.gcp.kubernetes.io/pre-shared-cert',
  'networking.gke.io/managed-certificates',
  'networking.gke.io/v1beta1.FrontendConfig',
] as const;

/** The preview's pull request number and app, from its namespace's name, and the one host its Ingress may serve ('' for an app that is not public). */
function ingressVariables(props: PreviewAdmissionProps): PolicyVariable[] {
  const prefix = celString(props.namespacePrefix);
  const suffixes = `{${Object.entries(props.hostSuffixes).map(([app, suffix]) => `${celString(app)}: ${celString(suffix)}`).join(', ')}}`;
  return [
    { name: 'pullRequest', expression: `namespaceObject.metadata.name.substring(${prefix}.size()).split('-')[0]` },
    { name: 'app', expression: `namespaceObject.metadata.name.substring(${prefix}.size() + variables.pullRequest.size() + 1)` },
    { name: 'hostSuffixes', expression: suffixes },
    {
      name: 'host',
      expression: `variables.app in variables.hostSuffixes ? ${prefix} + variables.pullRequest + '-' + variables.hostSuffixes[variables.app] : ''`,
    },
    { name: 'environmentAnnotations', expression: celStrings(ENVIRONMENT_INGRESS_ANNOTATIONS) },
  ];
}

function ingressValidations(): PolicyValidation[] {
  const annotations = 'variables.environmentAnnotations';
  return [
    {
      expression: '!has(object.spec.rules) || object.spec.rules.size() <= 1',
      message: 'a preview\'s Ingress has one rule: the host its ApplicationSet gives it',
    },
    {
      expression: '!has(object.spec.rules) || object.spec.rules.all(r, variables.host != \'\' && has(r.host) && r.host == variables.host)',
      messageExpression: 'variables.host == \'\' ? \'the preview of \' + variables.app + \', which is not public, has no Ingress\''
        + ' : \'a preview\\\'s Ingress serves only its own host, \' + variables.host',
    },
    {
      expression: '!has(object.spec.defaultBackend)',
      message: 'a preview\'s Ingress must not set a default backend: it would answer for any host',
    },
    {
      expression: '!has(object.spec.tls) || object.spec.tls.size() == 0',
      message: 'a preview\'s Ingress serves plain HTTP: no tls (certificates belong to the environments)',
    },
    {
      // GKE's own controller, external: the class annotation absent or "gce" (GKE then ignores ingressClassName), and
      // no ingressClassName another controller could take it by (GKE Ingress docs, "GKE Ingress controller behavior").
      expression: '!has(object.spec.ingressClassName) && (!has(object.metadata.annotations)'
        + ' || !(\'kubernetes.io/ingress.class\' in object.metadata.annotations)'
        + ' || object.metadata.annotations[\'kubernetes.io/ingress.class\'] == \'gce\')',
      message: 'a preview\'s Ingress is served by GKE\'s external load balancer: kubernetes.io/ingress.class "gce" (or none), and no spec.ingressClassName',
    },
    {
      expression: `!has(object.metadata.annotations) || !${annotations}.exists(a, a in object.metadata.annotations)`,
      messageExpression: '\'a preview\\\'s Ingress must not take an environment\\\'s address, certificate or frontend: remove \''
        + ` + ${annotations}.filter(a, a in object.metadata.annotations).join(', ')`,
    },
    {
      expression: '!has(object.metadata.annotations) || !(\'kubernetes.io/ingress.allow-http\' in object.metadata.annotations)'
        + ' || object.metadata.annotations[\'kubernetes.io/ingress.allow-http\'] != \'false\'',
      message: 'a preview\'s Ingress serves plain HTTP: kubernetes.io/ingress.allow-http must not be "false"',
    },
  ];
}

/** Volume sources that stay in the namespace. Pod Security (restricted) also allows csi, ephemeral and persistentVolumeClaim. */
const PREVIEW_VOLUMES = ['configMap', 'downwardAPI', 'emptyDir', 'projected', 'secret'] as const;

/**
 * Checks of one pod spec at `spec` (a CEL path). Templates also refuse a priority class: on a
 * pod the Priority admission plugin has already filled in the cluster's default class, if any.
 */
function podSpecValidations(spec: string, options: { readonly template: boolean }): PolicyValidation[] {
  const lists = ['containers', 'initContainers', ...(options.template ? [] : ['ephemeralContainers'])];
  const prefixes = 'variables.imagePrefixes';
  const allowed = (image: string) => `${prefixes}.exists(p, ${image}.startsWith(p))`;
  const images = lists.map((list) => {
    const path = `${spec}.${list}`;
    const all = list === 'containers' ? `${path}.all(c, ${allowed('c.image')})` : `!has(${path}) || ${path}.all(c, ${allowed('c.image')})`;
    const bad = `${path}.filter(c, !${allowed('c.image')}).map(c, c.image).join(', ')`;
    return {
      expression: all,
      messageExpression: `'a preview runs images from ' + ${prefixes}.join(' or ') + ' only, not ' + ${bad}`,
    };
  });
  const volumes = {
    expression: `!has(${spec}.volumes) || ${spec}.volumes.all(v, ${PREVIEW_VOLUMES.map((k) => `has(v.${k})`).join(' || ')})`,
    message: `a preview's pods mount only ${PREVIEW_VOLUMES.join(', ')} volumes: csi, ephemeral and persistentVolumeClaim volumes reach cloud storage or create disks`,
  };
  const priority = {
    expression: `!has(${spec}.priorityClassName)`,
    message: 'a preview\'s pods run at the default priority: remove priorityClassName (a higher one would preempt the environment\'s pods)',
  };
  return [...images, volumes, ...(options.template ? [priority] : [])];
}
