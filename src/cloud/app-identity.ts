import { BigqueryDatasetIamMember } from '@cdktf/provider-google/lib/bigquery-dataset-iam-member';
import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { Construct } from 'constructs';
import type { ResolvedApp, ResolvedEnvironment, ResolvedIdentity } from '../model';
import { roleId } from './cluster';
import type { ProjectServices } from './services';

export interface AppIdentityProps {
  readonly env: ResolvedEnvironment;
  readonly app: ResolvedApp;
  readonly identity: ResolvedIdentity;
  readonly services: ProjectServices;
  /** The cluster whose Workload Identity pool the binding names (the pool exists once the cluster does). */
  readonly cluster: ContainerCluster;
}

/**
 * An app's Google identity: its service account, which only the app's
 * Kubernetes ServiceAccount may impersonate (Workload Identity), its
 * declared project roles and BigQuery dataset roles, and its Secret Manager secrets, each readable by
 * this service account alone. Secrets are declared without a value: their
 * versions are added out of band and never pass through Git or Terraform state.
 */
export class AppIdentity extends Construct {
  public readonly serviceAccount: ServiceAccount;

  constructor(scope: Construct, id: string, props: AppIdentityProps) {
    super(scope, id);
    const { env, app, identity, services } = props;
    const project = env.gcpProject;

    this.serviceAccount = new ServiceAccount(this, 'service-account', {
      project,
      accountId: identity.accountId,
      displayName: `${app.name} (${env.name})`,
      description: `Workload Identity of ${app.namespace}/${app.serviceAccountName}, team ${app.team}`,
      dependsOn: services.require('iam'),
    });
    new ServiceAccountIamMember(this, 'workload-identity', {
      serviceAccountId: this.serviceAccount.name,
      role: 'roles/iam.workloadIdentityUser',
      member: identity.workloadIdentityMember,
      dependsOn: [props.cluster],
    });
    for (const role of identity.roles) {
      new ProjectIamMember(this, `role-${roleId(role)}`, { project, role, member: this.serviceAccount.member });
    }
    // Data access on the datasets the app names only (the datasets themselves are created elsewhere).
    for (const { dataset, role } of identity.datasetRoles) {
      new BigqueryDatasetIamMember(this, `dataset-${dataset}-${roleId(role)}`, { project, datasetId: dataset, role, member: this.serviceAccount.member });
    }

    for (const ref of app.secrets) {
      const secret = new SecretManagerSecret(this, `secret-${ref.name}`, {
        project,
        secretId: ref.secretId,
        replication: { auto: {} },
        labels: { app: app.name, team: app.team },
        deletionProtection: env.tier.isProduction,
        dependsOn: services.require('secretmanager'),
      });
      new SecretManagerSecretIamMember(this, `secret-${ref.name}-accessor`, {
        project,
        secretId: secret.secretId,
        role: 'roles/secretmanager.secretAccessor',
        member: this.serviceAccount.member,
      });
    }
  }
}
