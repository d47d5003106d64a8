import type { Construct } from 'constructs';
import { PRIVATE_GOOGLE_ACCESS, ResolvedPeer } from '../../model';
import { k8s } from '../imports';
import { kube } from '../kube-object';
import { previewLabel, selectorLabels } from '../labels';
import type { AppRenderContext } from './context';

/** Ranges of Google's HTTPS load balancers and health checkers, which reach public apps' pods (container-native load balancing). */
export const GOOGLE_LOAD_BALANCER_RANGES = ['35.191.0.0/16', '130.211.0.0/22'];
/** The GKE metadata server, which serves Workload Identity tokens (Dataplane V2: 169.254.169.252:988). */
export const GKE_METADATA_SERVER = [{ cidr: '169.254.169.252/32', port: 988 }, { cidr: '169.254.169.254/32', port: 80 }];
/** private.googleapis.com: Google APIs reached over Private Google Access (the cloud layer points their DNS names here). */
export const PRIVATE_GOOGLE_APIS = PRIVATE_GOOGLE_ACCESS.cidr;
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
/** Where GKE runs Google Cloud Managed Service for Prometheus's collectors. */
export const MANAGED_PROMETHEUS_NAMESPACE = 'gmp-system';

/**
 * Allows exactly what the app needs on top of its namespace's default deny:
 * its declared callers in, Google's load balancers in for a public app, its
 * declared callees out, the metadata server and Google APIs for an app with a
 * cloud identity, and the internet on 443 only when declared.
 */
export function renderNetworkPolicy(scope: Construct, ctx: AppRenderContext): void {
  const { app } = ctx;
  const metadata = ctx.hook ? ctx.supporting(app.name) : ctx.meta(app.name);
  // Where previews run, an app's callers may also be their previews (in namespaces labelled as previews).
  const previewCallers = ctx.env.previews && !ctx.preview ? previewLabel(ctx.platform) : undefined;
  const ingress: k8s.NetworkPolicyIngressRule[] = [];
  const portsOf = (ports: readonly { port: number; protocol: string }[]) =>
    ports.map((p) => ({ port: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol }));
  // One rule per set of ports called: callers that call the same ports share it.
  const callersByPorts = new Map<string, ResolvedPeer[]>();
  for (const c of app.calledBy) {
    const key = c.ports.map((p) => `${p.port}/${p.protocol}`).join(',');
    callersByPorts.set(key, [...(callersByPorts.get(key) ?? []), c]);
  }
  for (const callers of callersByPorts.values()) {
    ingress.push({
      from: callers.flatMap((c) => [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': c.namespace } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': c.app } },
        },
        ...(previewCallers ? [{
          namespaceSelector: { matchLabels: { [previewCallers]: 'true' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': c.app } },
        }] : []),
      ]),
      ports: portsOf(callers[0].ports),
    });
  }
  if (app.exposure.isPublic) {
    ingress.push({
      from: GOOGLE_LOAD_BALANCER_RANGES.map((cidr) => ({ ipBlock: { cidr } })),
      ports: portsOf([app.exposure.port]),
    });
  }
  // Callers that are not apps of the platform, admitted by namespace: those calledFrom names, and GKE's managed
  // Prometheus collectors, which run in gmp-system and scrape the pods directly.
  const fromNamespaces = [...app.calledFrom, ...(app.metrics ? [{ namespace: MANAGED_PROMETHEUS_NAMESPACE, ports: [app.metrics.port] }] : [])];
  for (const caller of fromNamespaces) {
    ingress.push({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': caller.namespace } } }],
      ports: portsOf(caller.ports),
    });
  }
  const egress: k8s.NetworkPolicyEgressRule[] = app.calls.map((c) => ({
    to: [{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': c.namespace } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': c.app } },
    }],
    ports: portsOf(c.ports),
  }));
  if (app.identity) {
    for (const m of GKE_METADATA_SERVER) {
      egress.push({ to: [{ ipBlock: { cidr: m.cidr } }], ports: portsOf([{ port: m.port, protocol: 'TCP' }]) });
    }
    egress.push({ to: [{ ipBlock: { cidr: PRIVATE_GOOGLE_APIS } }], ports: portsOf([{ port: 443, protocol: 'TCP' }]) });
  }
  for (const endpoint of app.egress) {
    egress.push({ to: [{ ipBlock: { cidr: endpoint.cidr } }], ports: portsOf(endpoint.ports.map((port) => ({ port, protocol: 'TCP' }))) });
  }
  if (app.internetEgress) {
    egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE_RANGES } }], ports: portsOf([{ port: 443, protocol: 'TCP' }]) });
  }
  kube(k8s.KubeNetworkPolicy, scope, 'network-policy', {
    metadata,
    spec: {
      podSelector: { matchLabels: selectorLabels(app) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: ingress.length > 0 ? ingress : undefined,
      egress: egress.length > 0 ? egress : undefined,
    },
  });
}
