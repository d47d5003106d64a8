import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { Construct } from 'constructs';
import type { ResolvedEnvironment } from '../model';

/** The Google APIs an environment's project needs, by the short name resources ask for them with. */
export const PROJECT_APIS = {
  artifactregistry: 'artifactregistry.googleapis.com',
  binaryauthorization: 'binaryauthorization.googleapis.com',
  cloudresourcemanager: 'cloudresourcemanager.googleapis.com',
  compute: 'compute.googleapis.com',
  container: 'container.googleapis.com',
  dns: 'dns.googleapis.com',
  iam: 'iam.googleapis.com',
  iamcredentials: 'iamcredentials.googleapis.com',
  logging: 'logging.googleapis.com',
  monitoring: 'monitoring.googleapis.com',
  secretmanager: 'secretmanager.googleapis.com',
  sts: 'sts.googleapis.com',
} as const;

export type ProjectApi = keyof typeof PROJECT_APIS;

export interface ProjectServicesProps {
  readonly env: ResolvedEnvironment;
}

/**
 * Enables the APIs the environment uses. Destroying the stack leaves them
 * enabled (`disable_on_destroy = false`): other tooling in the project may
 * depend on them, and disabling an API can delete its resources.
 */
export class ProjectServices extends Construct {
  private readonly services = new Map<string, ProjectService>();

  constructor(scope: Construct, id: string, props: ProjectServicesProps) {
    super(scope, id);
    const enable = (name: string, service: string) => this.services.set(service, new ProjectService(this, name, {
      project: props.env.gcpProject,
      service,
      disableOnDestroy: false,
      disableDependentServices: false,
    }));
    for (const [name, service] of Object.entries(PROJECT_APIS)) enable(name, service);
    // Private services access: the peering needs servicenetworking, the services placed in it their own APIs.
    const psa = props.env.privateServiceAccess;
    for (const service of psa ? [SERVICE_NETWORKING, ...psa.apis] : []) enable(service.replace(/\.googleapis\.com$/, ''), service);
  }

  /** The services to list in `depends_on` of a resource that calls these APIs. */
  public require(...apis: ProjectApi[]): ProjectService[] {
    return apis.map((api) => this.services.get(PROJECT_APIS[api])!);
  }

  /** The service of an API enabled for this environment only (private services access), by its full name. */
  public requireService(service: string): ProjectService {
    const found = this.services.get(service);
    if (!found) throw new Error(`API ${service} is not enabled for this environment`);
    return found;
  }
}

/** The API behind private services access peerings. */
export const SERVICE_NETWORKING = 'servicenetworking.googleapis.com';
