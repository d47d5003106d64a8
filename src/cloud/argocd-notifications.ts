import type { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { Construct } from 'constructs';
import type { ResolvedEnvironment, ResolvedIdentity } from '../model';
import type { ProjectServices } from './services';

export interface ArgoCdSecretReaderProps {
  readonly env: ResolvedEnvironment;
  readonly identity: ResolvedIdentity;
  readonly services: ProjectServices;
  readonly cluster: ContainerCluster;
  /** The secrets it alone reads. */
  readonly secrets: readonly { readonly key: string; readonly secretId: string }[];
  /** What it reads for, e.g. `notifications`: its display name is `Argo CD <purpose> (<env>)`. */
  readonly purpose: string;
  /** What its service account's description says it reads. */
  readonly reads: string;
  /** The Kubernetes ServiceAccount that impersonates it. */
  readonly serviceAccountName: string;
  /** The `app` label of its secrets. */
  readonly app: string;
}

/**
 * The Google side of one of Argo CD's credentials (the notifications', the
 * single sign-on's): the Secret Manager secrets (declared without a value: a
 * person adds the version, never Git or Terraform state) and the service
 * account that alone reads them, impersonated by one Kubernetes
 * ServiceAccount of the Argo CD namespace (what its SecretStore names).
 */
export class ArgoCdSecretReader extends Construct {
  constructor(scope: Construct, id: string, props: ArgoCdSecretReaderProps) {
    super(scope, id);
    const { env, identity, services } = props;
    const project = env.gcpProject;
    const account = new ServiceAccount(this, 'service-account', {
      project,
      accountId: identity.accountId,
      displayName: `Argo CD ${props.purpose} (${env.name})`,
      description: `Reads ${props.reads} for ${props.serviceAccountName} in the Argo CD namespace`,
      dependsOn: services.require('iam'),
    });
    new ServiceAccountIamMember(this, 'workload-identity', {
      serviceAccountId: account.name,
      role: 'roles/iam.workloadIdentityUser',
      member: identity.workloadIdentityMember,
      dependsOn: [props.cluster],
    });
    for (const s of props.secrets) {
      const secret = new SecretManagerSecret(this, `secret-${s.key}`, {
        project,
        secretId: s.secretId,
        replication: { auto: {} },
        labels: { app: props.app, team: 'platform' },
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
