import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { GcsBackend, TerraformElement, TerraformStack } from 'cdktf';
import { Construct, Node } from 'constructs';
import type { ResolvedEnvironment } from '../model';
import { AppIdentity } from './app-identity';
import { ArgoCdSecretReader } from './argocd-notifications';
import { GkeCluster } from './cluster';
import { cloudLabels } from './labels';
import { Network } from './network';
import { PipelineIdentity } from './pipeline';
import { PublicEndpoint } from './public-endpoint';
import { ProjectServices } from './services';

export interface EnvironmentStackProps {
  readonly env: ResolvedEnvironment;
}

/**
 * One environment's cloud infrastructure, in the environment's GCP project:
 * network, GKE cluster and node pools, the apps' Google identities and
 * secrets, and the public apps' addresses and certificates. Its state lives
 * in the environment's own bucket.
 *
 * Terraform addresses are the construct path below the stack, joined by `_`
 * (`google_container_cluster.gke_cluster`), never hash-suffixed, so a
 * reviewer reads them and they stay put when unrelated resources change.
 */
export class EnvironmentStack extends TerraformStack {
  /** The GCS prefix of this stack's state in the environment's state bucket. */
  public static statePrefix(env: ResolvedEnvironment): string {
    return `platform/${env.name}`;
  }

  public readonly env: ResolvedEnvironment;

  constructor(scope: Construct, props: EnvironmentStackProps) {
    const { env } = props;
    super(scope, env.name);
    this.env = env;

    new GcsBackend(this, { bucket: env.stateBucket, prefix: EnvironmentStack.statePrefix(env) });
    const google = new GoogleProvider(this, 'google', { project: env.gcpProject, region: env.region });
    // Set raw: cdktf snake-cases every key of a provider's configuration, map keys
    // included, which would turn the label `managed-by` into `managed_by`.
    google.addOverride('default_labels', cloudLabels(env));

    const services = new ProjectServices(this, 'api', { env });
    const network = new Network(this, 'network', { env, services });
    const gke = new GkeCluster(this, 'gke', { env, services, network });
    if (env.notifications.identity) {
      new ArgoCdSecretReader(this, 'argocd-notifications', {
        env,
        identity: env.notifications.identity,
        services,
        cluster: gke.cluster,
        secrets: env.notifications.secrets,
        purpose: 'notifications',
        reads: 'the notification services\' credentials',
        serviceAccountName: env.notifications.serviceAccountName,
        app: 'argocd-notifications',
      });
    }
    const sso = env.argocd.sso;
    if (sso) {
      new ArgoCdSecretReader(this, 'argocd-sso', {
        env,
        identity: sso.identity,
        services,
        cluster: gke.cluster,
        secrets: sso.secrets,
        purpose: 'single sign-on',
        reads: 'the single sign-on\'s client secret and key',
        serviceAccountName: sso.serviceAccountName,
        app: 'argocd-sso',
      });
    }
    if (env.pipeline) new PipelineIdentity(this, 'pipeline', { env, pipeline: env.pipeline, services, nodeServiceAccount: gke.nodeServiceAccount });
    for (const app of env.apps) {
      if (app.identity) {
        new AppIdentity(this, `app-${app.name}`, { env, app, identity: app.identity, services, cluster: gke.cluster });
      }
      if (app.exposure.isPublic) {
        new PublicEndpoint(this, `public-${app.name}`, { env, app, exposure: app.exposure, services });
      }
    }
  }

  protected allocateLogicalId(element: TerraformElement | Node): string {
    const node = TerraformElement.isTerraformElement(element) ? element.node : element;
    const ids = node.scopes.slice(node.scopes.indexOf(this) + 1).map((c) => c.node.id);
    const bad = ids.find((id) => !/^[A-Za-z][A-Za-z0-9-]*$/.test(id));
    if (bad !== undefined) {
      // Our construct ids are chosen, so this is a bug in src/cloud, not in a declaration.
      throw new Error(`[${this.env.name}] ${node.path}: construct id ${JSON.stringify(bad)} cannot be part of a Terraform address; use letters, digits and "-", starting with a letter`);
    }
    return ids.join('_');
  }
}
