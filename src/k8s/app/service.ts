import type { Construct } from 'constructs';
import { BACKEND_CONFIG_ANNOTATION } from '../gke-crds';
import { k8s } from '../imports';
import { kube } from '../kube-object';
import { selectorLabels } from '../labels';
import type { AppRenderContext } from './context';

/**
 * A service's Service, and for a blue-green its preview Service, which Argo
 * Rollouts points at the new version's pods until it is promoted. A canary
 * has no Service of its own: without traffic routing, its share of traffic is
 * its share of the pods behind the app's Service.
 */
export function renderServices(scope: Construct, ctx: AppRenderContext): void {
  const { app } = ctx;
  if (app.kind !== 'service') return;
  const services = [{ id: 'service', name: app.name }];
  if (app.delivery.kind === 'blue-green') services.push({ id: 'preview-service', name: app.delivery.previewService });
  for (const { id, name } of services) {
    kube(k8s.KubeService, scope, id, {
      metadata: {
        ...ctx.meta(name),
        annotations: app.exposure.isPublic && name === app.name
          ? {
            // Container-native load balancing: the load balancer sends traffic straight to pods.
            'cloud.google.com/neg': '{"ingress": true}',
            // The exposed port's backend: its health check and connection draining (rendered with the Ingress).
            [BACKEND_CONFIG_ANNOTATION]: JSON.stringify({ ports: { [app.exposure.port.name]: app.name } }),
          }
          : undefined,
      },
      spec: {
        type: 'ClusterIP',
        selector: selectorLabels(app),
        ports: app.ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: p.protocol })),
      },
    });
  }
}
