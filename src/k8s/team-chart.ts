import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from './imports';
import { kube } from './kube-object';
import type { ResolvedEnvironment, ResolvedPlatform, ResolvedTeam } from '../model';
import { SYNC_WAVE, previewLabel, teamLabels } from './labels';

/** NodeLocal DNSCache's address on GKE nodes. */
const NODE_LOCAL_DNS = '169.254.20.10/32';

export interface TeamNamespaceChartProps {
  readonly platform: ResolvedPlatform;
  readonly env: ResolvedEnvironment;
  readonly team: ResolvedTeam;
  readonly namespace: string;
  /** A preview namespace: labelled as such, with the previews' quota. @default false */
  readonly preview?: boolean;
}

/**
 * One namespace of a team, with the guardrails the platform owns: the
 * namespace (restricted Pod Security admission), its quota and default
 * container limits, the team group's role binding, and a default-deny network
 * policy that allows only DNS. Rendered into `dist/<env>/teams/<team>/<namespace>/`.
 */
export class TeamNamespaceChart extends Chart {
  constructor(scope: Construct, id: string, props: TeamNamespaceChartProps) {
    super(scope, id, { namespace: props.namespace, disableResourceNameHashes: true });
    const { platform, env, team, namespace } = props;
    const labels = { ...teamLabels(platform, env, team.name), ...(props.preview ? { [previewLabel(platform)]: 'true' } : {}) };
    const meta = (name: string) => ({ name, namespace, labels });

    // In a chart of its own: a Namespace is cluster-scoped, and cdk8s gives every object of a chart the chart's namespace.
    kube(k8s.KubeNamespace, new Chart(this, 'cluster-scoped'), 'namespace', {
      metadata: {
        name: namespace,
        labels: {
          ...labels,
          // Pod Security admission enforces the restricted profile on everything, whatever renders it.
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'v1.27',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
        },
        annotations: { [SYNC_WAVE]: '-1' },
      },
    });

    kube(k8s.KubeResourceQuota, this, 'quota', {
      metadata: meta('team-quota'),
      spec: {
        hard: {
          'requests.cpu': k8s.Quantity.fromString(team.quota.requestsCpu),
          'requests.memory': k8s.Quantity.fromString(team.quota.requestsMemory),
          'limits.cpu': k8s.Quantity.fromString(team.quota.limitsCpu),
          'limits.memory': k8s.Quantity.fromString(team.quota.limitsMemory),
          'pods': k8s.Quantity.fromNumber(team.quota.pods),
        },
      },
    });

    // Containers that do not set resources (an escape hatch, a debug pod) still get bounded ones.
    kube(k8s.KubeLimitRange, this, 'limits', {
      metadata: meta('container-defaults'),
      spec: {
        limits: [{
          type: 'Container',
          defaultRequest: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('128Mi') },
          default: { cpu: k8s.Quantity.fromString('500m'), memory: k8s.Quantity.fromString('256Mi') },
        }],
      },
    });

    kube(k8s.KubeRoleBinding, this, 'team-access', {
      metadata: meta(`${team.name}-${env.teamAccess.clusterRole}`),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: env.teamAccess.clusterRole },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: team.owners }],
    });

    kube(k8s.KubeNetworkPolicy, this, 'default-deny', {
      metadata: meta('default-deny'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });

    const dnsPorts = [
      { port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' },
      { port: k8s.IntOrString.fromNumber(53), protocol: 'TCP' },
    ];
    kube(k8s.KubeNetworkPolicy, this, 'allow-dns', {
      metadata: meta('allow-dns'),
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: dnsPorts,
          },
          { to: [{ ipBlock: { cidr: NODE_LOCAL_DNS } }], ports: dnsPorts },
        ],
      },
    });
  }
}
