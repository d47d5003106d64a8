import { IamWorkloadIdentityPool } from '@cdktf/provider-google/lib/iam-workload-identity-pool';
import { IamWorkloadIdentityPoolProvider } from '@cdktf/provider-google/lib/iam-workload-identity-pool-provider';
import { ProjectIamCustomRole } from '@cdktf/provider-google/lib/project-iam-custom-role';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { Construct } from 'constructs';
import type { ResolvedEnvironment, ResolvedEnvironmentPipeline } from '../model';
import { roleId } from './cluster';
import { APPLY_ROLES, PLAN_CUSTOM_ROLE, PLAN_ROLES, STATE_BUCKET_ROLES } from './pipeline-roles';
import type { ProjectServices } from './services';

/** GitHub Actions' OIDC issuer (docs.github.com: security hardening with OpenID Connect). */
export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';

/** GitHub's `sub` claim of a job in the GitHub environment `environment` (its default format). */
export const applySubject = (repository: string, environment: string) => `repo:${repository}:environment:${environment}`;

/**
 * What the provider maps from GitHub's token. `apply_job` is the job's
 * subject (`repo:<owner>/<repo>:environment:<env>` for a job in a GitHub
 * environment) when the job runs infrastructure.yml from main, else `none`:
 * the apply identity is bound to it, so a job in the `prod` environment of any
 * other workflow or branch (a pull request that adds one, a dispatch from a
 * branch) cannot impersonate it. Only claims GitHub always sends are read.
 */
export function pipelineAttributeMapping(p: ResolvedEnvironmentPipeline): Record<string, string> {
  return {
    'google.subject': 'assertion.sub',
    'attribute.repository': 'assertion.repository',
    'attribute.repository_id': 'assertion.repository_id',
    'attribute.repository_owner_id': 'assertion.repository_owner_id',
    'attribute.ref': 'assertion.ref',
    'attribute.apply_job': `(assertion.job_workflow_ref == '${p.applyWorkflowRef}' && assertion.ref == '${p.applyRef}') ? assertion.sub : 'none'`,
  };
}

/**
 * Google requires a condition for GitHub's shared issuer; this one admits
 * tokens of this repository alone, by the immutable ids of the repository and
 * its owner: a name can be renamed, and a deleted one registered again by
 * someone else (GitHub's claims carry the ids as strings).
 */
export function pipelineAttributeCondition(p: ResolvedEnvironmentPipeline): string {
  return `assertion.repository_id == '${p.repositoryId}' && assertion.repository_owner_id == '${p.repositoryOwnerId}'`;
}

export interface PipelineIdentityProps {
  readonly env: ResolvedEnvironment;
  readonly pipeline: ResolvedEnvironmentPipeline;
  readonly services: ProjectServices;
  /** The nodes' service account, which node pools run as: applying them needs to act as it. */
  readonly nodeServiceAccount: ServiceAccount;
}

/**
 * The Terraform pipeline's identity in this environment's project, by
 * Workload Identity Federation (no key anywhere): a pool whose GitHub
 * provider accepts tokens of this repository only (by id); a plan service
 * account any of its workflows may impersonate (pull requests, the drift
 * check, infrastructure.yml's plans), which reads; and an apply service
 * account that only a job of infrastructure.yml on main running in the GitHub
 * environment of the same name may impersonate (protected there: prod waits
 * for the platform owners' approval), which changes.
 */
export class PipelineIdentity extends Construct {
  constructor(scope: Construct, id: string, props: PipelineIdentityProps) {
    super(scope, id);
    const { env, pipeline: p, services } = props;
    const project = env.gcpProject;
    const pool = new IamWorkloadIdentityPool(this, 'pool', {
      project,
      workloadIdentityPoolId: p.poolId,
      displayName: 'Platform pipeline',
      description: `GitHub Actions of ${p.repository}: Terraform plan and apply of ${env.name}`,
      dependsOn: services.require('iam', 'sts', 'iamcredentials'),
    });
    new IamWorkloadIdentityPoolProvider(this, 'provider', {
      project,
      workloadIdentityPoolId: pool.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: p.providerId,
      displayName: 'GitHub Actions',
      description: `Tokens of ${p.repository} only`,
      attributeMapping: pipelineAttributeMapping(p),
      attributeCondition: pipelineAttributeCondition(p),
      oidc: { issuerUri: GITHUB_OIDC_ISSUER },
    });

    const account = (key: 'plan' | 'apply', description: string) => new ServiceAccount(this, `${key}-service-account`, {
      project,
      accountId: p[key].accountId,
      displayName: `Terraform ${key} (${env.name})`,
      description,
      dependsOn: services.require('iam'),
    });
    const plan = account('plan', `Terraform plan and drift check of ${env.name}, from any workflow of ${p.repository}: reads only`);
    const apply = account('apply', `Terraform apply of ${env.name}, from jobs in the GitHub environment "${env.name}" of ${p.repository} only`);

    // Any workflow of the repository (by id): pull requests of its branches (a fork's get no token), the drift check and
    // infrastructure.yml's plans on main. It reads only.
    new ServiceAccountIamMember(this, 'plan-workload-identity', {
      serviceAccountId: plan.name,
      role: 'roles/iam.workloadIdentityUser',
      member: `${p.principalSetPrefix}/attribute.repository_id/${p.repositoryId}`,
    });
    new ServiceAccountIamMember(this, 'apply-workload-identity', {
      serviceAccountId: apply.name,
      role: 'roles/iam.workloadIdentityUser',
      member: `${p.principalSetPrefix}/attribute.apply_job/${applySubject(p.repository, env.name)}`,
    });
    // Read and manage roles per resource type the stack declares: src/cloud/pipeline-roles.ts.
    for (const role of PLAN_ROLES) new ProjectIamMember(this, `plan-${roleId(role)}`, { project, role, member: plan.member });
    const planRole = new ProjectIamCustomRole(this, 'plan-role', {
      project,
      roleId: PLAN_CUSTOM_ROLE.roleId,
      title: 'Terraform plan: reads that no predefined read role grants',
      permissions: [...PLAN_CUSTOM_ROLE.permissions],
      dependsOn: services.require('iam'),
    });
    new ProjectIamMember(this, 'plan-custom-role', { project, role: planRole.name, member: plan.member });
    for (const role of APPLY_ROLES) new ProjectIamMember(this, `apply-${roleId(role)}`, { project, role, member: apply.member });
    // Acting as the nodes' service account (to give it to node pools) on that account only, not on the project (checkov CKV_GCP_41).
    new ServiceAccountIamMember(this, 'apply-acts-as-nodes', {
      serviceAccountId: props.nodeServiceAccount.name,
      role: 'roles/iam.serviceAccountUser',
      member: apply.member,
    });
    // The state bucket exists before Terraform (docs/new-cluster.md); only its grants are declared here.
    new StorageBucketIamMember(this, 'plan-state', { bucket: env.stateBucket, role: STATE_BUCKET_ROLES.plan, member: plan.member });
    new StorageBucketIamMember(this, 'apply-state', { bucket: env.stateBucket, role: STATE_BUCKET_ROLES.apply, member: apply.member });
  }
}
