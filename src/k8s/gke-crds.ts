import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';

/*
 * GKE Ingress's own custom resources. GKE installs their CRDs itself; the
 * CRDs our schemas and the conformance harness use are written from GKE's
 * reference in conformance/crds/. Only the fields we set are typed.
 * https://cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration
 */

/** The load balancer's HTTP health check of a backend (GKE BackendConfig `spec.healthCheck`). */
export interface BackendHealthCheck {
  readonly requestPath: string;
  /** The serving pods' container port: with container-native load balancing the check goes to each pod at this port. */
  readonly port: number;
  readonly checkIntervalSec: number;
  readonly timeoutSec: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

/** A GKE BackendConfig (`cloud.google.com/v1`): how the load balancer checks and drains a Service's pods. */
export class GkeBackendConfig extends ApiObject {
  constructor(scope: Construct, id: string, props: {
    readonly metadata: ApiObjectMetadata;
    readonly healthCheck: BackendHealthCheck;
    /** Seconds the load balancer lets a removed pod finish its requests. */
    readonly drainingTimeoutSec: number;
  }) {
    super(scope, id, {
      apiVersion: 'cloud.google.com/v1',
      kind: 'BackendConfig',
      metadata: props.metadata,
      spec: {
        healthCheck: { type: 'HTTP', ...props.healthCheck },
        connectionDraining: { drainingTimeoutSec: props.drainingTimeoutSec },
      },
    });
  }
}

/** A GKE FrontendConfig (`networking.gke.io/v1beta1`) that redirects plain HTTP to HTTPS. */
export class GkeHttpsRedirect extends ApiObject {
  constructor(scope: Construct, id: string, props: { readonly metadata: ApiObjectMetadata }) {
    super(scope, id, {
      apiVersion: 'networking.gke.io/v1beta1',
      kind: 'FrontendConfig',
      metadata: props.metadata,
      // 301, GKE's default response code: browsers and crawlers move to the HTTPS address for good.
      spec: { redirectToHttps: { enabled: true, responseCodeName: 'MOVED_PERMANENTLY_DEFAULT' } },
    });
  }
}

/** The Service annotation that gives a port's backend its BackendConfig. */
export const BACKEND_CONFIG_ANNOTATION = 'cloud.google.com/backend-config';
/** The Ingress annotation that gives the load balancer's frontend its FrontendConfig. */
export const FRONTEND_CONFIG_ANNOTATION = 'networking.gke.io/v1beta1.FrontendConfig';
