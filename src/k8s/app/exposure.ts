import type { Construct } from 'constructs';
import { k8s } from '../imports';
import { kube } from '../kube-object';
import type { AppRenderContext } from './context';

/**
 * A public app's Ingress for the Google external HTTPS load balancer, on the
 * static address and certificate the cloud layer creates. A preview gets an
 * ephemeral address and plain HTTP: its host changes with every pull request.
 * No class: GKE's controller takes an Ingress with neither the (deprecated,
 * warned about) `kubernetes.io/ingress.class` annotation nor `ingressClassName`
 * as an external Application Load Balancer, and one with a class name only as
 * another controller's (GKE docs, "GKE Ingress controller behavior"). So no
 * IngressClass may be marked default on these clusters.
 */
export function renderExposure(scope: Construct, ctx: AppRenderContext): void {
  const { app } = ctx;
  if (!app.exposure.isPublic) return;
  const { host, port, path, addressName, certificateName } = app.exposure;
  kube(k8s.KubeIngress, scope, 'ingress', {
    metadata: {
      ...ctx.meta(app.name),
      annotations: ctx.preview
        ? undefined
        : {
          'kubernetes.io/ingress.allow-http': 'false',
          'kubernetes.io/ingress.global-static-ip-name': addressName,
          'ingress.gcp.kubernetes.io/pre-shared-cert': certificateName,
        },
    },
    spec: {
      rules: [{
        host,
        http: { paths: [{ path, pathType: 'Prefix', backend: { service: { name: app.name, port: { name: port.name } } } }] },
      }],
    },
  });
}
