import type { Construct } from 'constructs';
import { FRONTEND_CONFIG_ANNOTATION, GkeBackendConfig, GkeHttpsRedirect } from '../gke-crds';
import { k8s } from '../imports';
import { kube } from '../kube-object';
import type { AppRenderContext } from './context';

/** Google Cloud's longest connection draining timeout (backend services' `connectionDraining.drainingTimeoutSec`, 0-3600). */
const MAX_DRAINING_SECONDS = 3600;

/**
 * A public app's Ingress for the Google external HTTPS load balancer, on the
 * static address and certificate the cloud layer creates, with plain HTTP
 * redirected to HTTPS (a FrontendConfig: the redirect is served by the HTTP
 * listener, so HTTP stays allowed). A preview gets an ephemeral address and
 * plain HTTP: its host changes with every pull request.
 *
 * Its backend's BackendConfig makes the load balancer check health with the
 * app's readiness probe (GKE infers a check from the probe only when the
 * Ingress is first created, and never updates it) and drain a removed pod's
 * connections for as long as the pod is given to finish them.
 * https://cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration
 *
 * No class: GKE's controller takes an Ingress with neither the (deprecated,
 * warned about) `kubernetes.io/ingress.class` annotation nor `ingressClassName`
 * as an external Application Load Balancer, and one with a class name only as
 * another controller's (GKE docs, "GKE Ingress controller behavior"). So no
 * IngressClass may be marked default on these clusters.
 */
export function renderExposure(scope: Construct, ctx: AppRenderContext): void {
  const { app } = ctx;
  if (!app.exposure.isPublic) return;
  const { host, port, path, addressName, certificateName, healthCheck } = app.exposure;

  new GkeBackendConfig(scope, 'backend-config', {
    metadata: ctx.meta(app.name),
    healthCheck: {
      requestPath: healthCheck.path,
      port: port.port,
      checkIntervalSec: healthCheck.periodSeconds,
      // Google Cloud refuses a timeout longer than the interval; Kubernetes does not.
      timeoutSec: Math.min(healthCheck.timeoutSeconds, healthCheck.periodSeconds),
      // As a readiness probe's default successThreshold: ready again after one success.
      healthyThreshold: 1,
      unhealthyThreshold: healthCheck.failureThreshold,
    },
    drainingTimeoutSec: Math.min(app.terminationGracePeriodSeconds, MAX_DRAINING_SECONDS),
  });
  if (!ctx.preview) new GkeHttpsRedirect(scope, 'frontend-config', { metadata: ctx.meta(app.name) });

  kube(k8s.KubeIngress, scope, 'ingress', {
    metadata: {
      ...ctx.meta(app.name),
      annotations: ctx.preview
        ? undefined
        : {
          // The HTTP listener answers every request with the FrontendConfig's redirect.
          'kubernetes.io/ingress.allow-http': 'true',
          [FRONTEND_CONFIG_ANNOTATION]: app.name,
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
