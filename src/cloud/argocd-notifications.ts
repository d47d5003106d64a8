import type { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { Construct } from 'constructs';
import type { ResolvedEnvironment, ResolvedIdentity } from '../model';
import type { ProjectServices } from './services';

export interface ArgoCdNotificationsProps {
  readonly env: ResolvedEnvironment;
  readonly identity: ResolvedIdentity;
  readonly services: ProjectServices;
  readonly cluster: ContainerCluster;
}

/**
 * The Google side of Argo CD's notifications: the Secret Manager secrets of
 * the services' credentials (declared without a value: a person adds the
 * version, never Git or Terraform state) and the service account that alone
 * reads them, impersonated by the notifications' Kubernetes ServiceAccount
 * (what its SecretStore in dist/<env>/argocd-notifications/ names).
 */
export class ArgoCdNotifications extends Construct {
  constructor(scope: Construct, id: string, props: ArgoCdNotificationsProps) {
    super(scope, id);
    const { env, identity, services } = props;
    const project = env.gcpProject;
    const account = new ServiceAccount(this, 'service-account', {
      project,
      accountId: identity.accountId,
      displayName: `Argo CD notifications (${env.name})`,
      description: `Reads the notification services' credentials for ${env.notifications.serviceAccountName} in the Argo CD namespace`,
      dependsOn: services.require('iam'),
    });
    new ServiceAccountIamMember(this, 'workload-identity', {
      serviceAccountId: account.name,
      role: 'roles/iam.workloadIdentityUser',
      member: identity.workloadIdentityMember,
      dependsOn: [props.cluster],
    });
    for (const s of env.notifications.secrets) {
      const secret = new SecretManagerSecret(this, `secret-${s.key}`, {
        project,
        secretId: s.secretId,
        replication: { auto: {} },
        labels: { app: 'argocd-notifications', team: 'platform' },
        deletionProtection: env.tier.isProduction,
        dependsOn: services.require('secretmanager'),
      });
      new SecretManagerSecretIamMember(this, `secret-${s.key}-accessor`, {
        project,
        secretId: secret.secretId,
        role: 'roles/secretmanager.secretAccessor',
        member: account.member,
      });
    }
  }
}
