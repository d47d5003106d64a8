import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ComputeManagedSslCertificate } from '@cdktf/provider-google/lib/compute-managed-ssl-certificate';
import { Construct } from 'constructs';
import type { ResolvedApp, ResolvedEnvironment } from '../model';
import type { ProjectServices } from './services';

/** The exposure of a public app, as the model resolves it. */
export type PublicExposure = Extract<ResolvedApp['exposure'], { isPublic: true }>;

export interface PublicEndpointProps {
  readonly env: ResolvedEnvironment;
  readonly app: ResolvedApp;
  readonly exposure: PublicExposure;
  readonly services: ProjectServices;
}

/**
 * What a public app's Ingress names but does not create: the global static
 * IP of its HTTPS load balancer and the Google-managed certificate for its
 * host. Both outlive the Ingress, so the address a DNS record points at
 * survives a re-created Ingress, and a changed host keeps the address.
 */
export class PublicEndpoint extends Construct {
  constructor(scope: Construct, id: string, props: PublicEndpointProps) {
    super(scope, id);
    const { env, app, exposure, services } = props;
    new ComputeGlobalAddress(this, 'address', {
      project: env.gcpProject,
      name: exposure.addressName,
      // No host here: an address cannot be changed in place, and DNS points at it; a new host keeps the IP.
      description: `Load balancer of ${app.name}`,
      addressType: 'EXTERNAL',
      ipVersion: 'IPV4',
      dependsOn: services.require('compute'),
    });
    new ComputeManagedSslCertificate(this, 'certificate', {
      project: env.gcpProject,
      name: exposure.certificateName,
      description: `TLS certificate of ${app.name}`,
      managed: { domains: [exposure.host] },
      dependsOn: services.require('compute'),
      // Its name follows the host: the new certificate exists before the Ingress moves to it.
      lifecycle: { createBeforeDestroy: true },
    });
  }
}
