import { BinaryAuthorization, EnvironmentSpec, PlatformValidationError, PlatformSpec, resolvePlatform } from '../../src/model';
import { renderPlatform } from '../../src/synth';
import { ARTIFACT_REGISTRY, environment, platform, service } from '../fixtures';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One environment with one app, its image in the test Artifact Registry unless said otherwise. */
function withBinaryAuthorization(binaryAuthorization: unknown, image = `${ARTIFACT_REGISTRY}/web`): PlatformSpec {
  const env: EnvironmentSpec = { ...environment('dev', ['web']), cluster: { binaryAuthorization: binaryAuthorization as BinaryAuthorization } };
  return platform({ apps: [service('web', { image })], environments: [env] });
}
const resources = (spec: PlatformSpec, type: string): Json[] => {
  const json = renderPlatform({ platform: spec }).stacks[0].json as Json;
  return Object.values(json.resource[type] ?? {});
};

function problems(spec: PlatformSpec): string[] {
  try {
    resolvePlatform(spec);
    return [];
  } catch (err) {
    if (!(err instanceof PlatformValidationError)) throw err;
    return err.message.split('\n').slice(1).map((l) => l.trim());
  }
}

describe('Binary Authorization', () => {
  test('enforced: the cluster evaluates the project policy, which refuses what it does not admit', () => {
    const spec = withBinaryAuthorization(BinaryAuthorization.ENFORCE);
    expect(resources(spec, 'google_container_cluster')[0].binary_authorization).toEqual({ evaluation_mode: 'PROJECT_SINGLETON_POLICY_ENFORCE' });
    const [policy] = resources(spec, 'google_binary_authorization_policy');
    expect(policy.default_admission_rule).toEqual({ evaluation_mode: 'ALWAYS_DENY', enforcement_mode: 'ENFORCED_BLOCK_AND_AUDIT_LOG' });
    expect(policy.global_policy_evaluation_mode).toBe('ENABLE');
  });

  test('the policy admits the apps\' Artifact Registry repository and every image the add-ons\' charts pull', () => {
    const [policy] = resources(withBinaryAuthorization(BinaryAuthorization.ENFORCE), 'google_binary_authorization_policy');
    expect(policy.admission_whitelist_patterns.map((p: Json) => p.name_pattern)).toEqual([
      `${ARTIFACT_REGISTRY}/**`,
      'ecr-public.aws.com/docker/library/redis*',
      'ghcr.io/dexidp/dex*',
      'ghcr.io/external-secrets/external-secrets*',
      'quay.io/argoproj/argo-rollouts*',
      'quay.io/argoproj/argocd*',
    ]);
  });

  test('by default it audits: evaluated, logged, not refused', () => {
    const [policy] = resources(withBinaryAuthorization(undefined), 'google_binary_authorization_policy');
    expect(policy.default_admission_rule.enforcement_mode).toBe('DRYRUN_AUDIT_LOG_ONLY');
  });

  test('disabled: the cluster does not evaluate it and no policy is rendered', () => {
    const spec = withBinaryAuthorization(BinaryAuthorization.DISABLED);
    expect(resources(spec, 'google_container_cluster')[0].binary_authorization).toEqual({ evaluation_mode: 'DISABLED' });
    expect(resources(spec, 'google_binary_authorization_policy')).toEqual([]);
  });

  test('enforced with an app image outside Artifact Registry is refused at declaration, naming the app and the fix', () => {
    expect(problems(withBinaryAuthorization(BinaryAuthorization.ENFORCE, 'docker.io/library/nginx'))).toEqual([
      expect.stringMatching(/apps\.web\.image.*not in an Artifact Registry repository.*docker\.io\/library\/nginx.*BinaryAuthorization\.AUDIT/),
    ]);
    expect(problems(withBinaryAuthorization(BinaryAuthorization.AUDIT, 'docker.io/library/nginx'))).toEqual([]);
  });

  test('a value that is not a BinaryAuthorization is named', () => {
    expect(problems(withBinaryAuthorization('enforce'))).toEqual([expect.stringMatching(/cluster\.binaryAuthorization.*must be a BinaryAuthorization value/)]);
  });
});
