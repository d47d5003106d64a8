import { ADDON_NAMES, Alerts, PlatformValidationError, releaseFile, resolvePlatform } from '../../src/model';
import { environment } from '../fixtures';
import { operatorsPlatform } from './support';

/** The problems of a declaration, one line each. */
function problems(spec: Parameters<typeof resolvePlatform>[0]): string[] {
  try {
    resolvePlatform(spec);
    return [];
  } catch (err) {
    if (!(err instanceof PlatformValidationError)) throw err;
    return err.message.split('\n').slice(1).map((l) => l.trim().replace(/^- /, ''));
  }
}

const withRelease = (addons: unknown) => {
  const spec = operatorsPlatform();
  const dev = spec.environments[0];
  const content = { ...(dev.release.content as object), addons };
  return { ...spec, environments: [{ ...dev, release: releaseFile(dev.release.file, content) }, ...spec.environments.slice(1)] };
};

describe('add-on versions', () => {
  test('every environment runs every add-on, at the version the engine pins when nothing says otherwise', () => {
    const resolved = resolvePlatform(operatorsPlatform());
    for (const env of resolved.environments) {
      expect(env.addons.map((a) => a.name)).toEqual([...ADDON_NAMES]);
      expect(env.addons.every((a) => a.versionFrom === 'engine' && /^\d+\.\d+\.\d+$/.test(a.version))).toBe(true);
    }
  });

  test('the release file\'s version wins over the declaration\'s, which wins over the engine\'s', () => {
    const spec = { ...withRelease({ 'argo-cd': { version: '9.9.9' } }), addons: { argoCd: { version: '9.0.0' }, argoRollouts: { version: '2.40.5' } } };
    const [dev, prod] = resolvePlatform(spec).environments;
    const of = (env: typeof dev, name: string) => env.addons.find((a) => a.name === name)!;
    expect([of(dev, 'argo-cd').version, of(dev, 'argo-cd').versionFrom]).toEqual(['9.9.9', 'release']);
    expect([of(prod, 'argo-cd').version, of(prod, 'argo-cd').versionFrom]).toEqual(['9.0.0', 'declaration']);
    expect(of(dev, 'argo-rollouts').version).toBe('2.40.5');
  });

  test('a mirror of a chart repository replaces the upstream one', () => {
    const spec = operatorsPlatform({ addons: { externalSecrets: { chart: { repoURL: 'https://charts.example.com/mirror' } } } });
    const eso = resolvePlatform(spec).environments[0].addons.find((a) => a.name === 'external-secrets')!;
    expect([eso.repoURL, eso.chart]).toEqual(['https://charts.example.com/mirror', 'external-secrets']);
  });

  test('production runs two replicas of each controller, other tiers one', () => {
    const [dev, prod] = resolvePlatform(operatorsPlatform()).environments;
    expect(dev.addons.map((a) => a.replicas)).toEqual([1, 1, 1]);
    expect(prod.addons.map((a) => a.replicas)).toEqual([2, 2, 2]);
  });

  test('a version range is refused: a version must only move by a reviewed change', () => {
    expect(problems(withRelease({ 'argo-cd': { version: '9.*' } }))).toEqual([
      expect.stringMatching(/^release\.addons\.argo-cd\.version in dev: is not an exact chart version of argo-cd \(received "9\.\*"\); write .* \[environments\/releases\/dev\.json\]$/),
    ]);
  });

  test('an add-on the engine does not know, and a misspelt field, are named with the file', () => {
    expect(problems(withRelease({ 'argocd': { version: '9.2.4' }, 'external-secrets': { verison: '2.0.0' } }))).toEqual([
      expect.stringContaining('release.addons.external-secrets.verison in dev: is not a field of an add-on release entry, so it would be ignored'),
      expect.stringContaining('release.addons.argocd in dev: names an add-on that does not exist (received "argocd"); fix the name (did you mean "argo-cd"?)'),
      expect.stringContaining('release.addons.external-secrets.version in dev: is not an exact chart version of external-secrets (received undefined)'),
    ]);
  });

  test('old release files without add-ons stay valid', () => {
    expect(() => resolvePlatform(operatorsPlatform())).not.toThrow();
  });

  test('no app may take the name of an add-on\'s Application', () => {
    const spec = operatorsPlatform();
    const app = { ...spec.apps[2], name: 'argo-cd' };
    const renamed = {
      ...spec,
      apps: [...spec.apps.slice(0, 2), app],
      environments: [environment('dev', ['webapp', 'webapp-migrate', 'argo-cd'], { gcpProjectNumber: '100000000001' })],
    };
    expect(problems(renamed)).toContainEqual(expect.stringContaining('apps.argo-cd: takes the name of one of the platform\'s own Argo CD Applications'));
  });
});

describe('alerts', () => {
  test('a Slack channel is subscribed without its #; the platform team gets production only', () => {
    const [dev, prod] = resolvePlatform(operatorsPlatform()).environments;
    expect(dev.teams[0].alerts).toEqual({ service: 'slack', recipient: 'alpha-alerts' });
    expect(dev.notifications.platform).toBeUndefined();
    expect(prod.notifications.platform).toEqual({ service: 'slack', recipient: 'platform' });
    expect(prod.notifications.secrets).toEqual([{ key: 'slack-token', secretId: 'argocd-notifications-slack-token' }]);
  });

  test('an email destination needs the SMTP server', () => {
    const spec = operatorsPlatform({ alerts: Alerts.email({ to: 'platform@example.com' }) });
    expect(problems(spec)).toEqual([expect.stringContaining('notifications.email: is not declared, but a destination is an email address')]);
    const declared = resolvePlatform({ ...spec, notifications: { email: { host: 'smtp.example.com', from: 'argocd@example.com' } } });
    expect(declared.environments[1].notifications.email).toEqual({ host: 'smtp.example.com', port: 587, from: 'argocd@example.com', username: 'argocd@example.com' });
  });

  test('a destination that is not an Alerts, or a misspelt option, is refused with the fix', () => {
    const spec = operatorsPlatform({
      teams: [{ name: 'alpha', owners: 'alpha@example.com', alerts: '#alpha' as never }],
      alerts: Alerts.slack({ channel: '#platform', chanel: 'x' } as never),
    });
    expect(problems(spec)).toEqual([
      expect.stringContaining('alerts.chanel: is not a field of Alerts.slack options, so it would be ignored'),
      expect.stringContaining('teams.alpha.alerts: is not an alert destination (received "#alpha"); write Alerts.slack({ channel: "#team" })'),
    ]);
  });

  test('the OutOfSync delay is a duration, in minutes for the trigger', () => {
    expect(resolvePlatform(operatorsPlatform({ notifications: { outOfSyncAfter: '2h' } })).environments[0].notifications.outOfSyncAfterMinutes).toBe(120);
    expect(problems(operatorsPlatform({ notifications: { outOfSyncAfter: 'soon' } }))).toEqual([
      expect.stringContaining('notifications.outOfSyncAfter: is not a duration (received "soon")'),
    ]);
  });
});

describe('the pipeline', () => {
  test('its repository comes from the GitOps URL; each environment\'s provider is named by the project number', () => {
    const resolved = resolvePlatform(operatorsPlatform());
    expect(resolved.pipeline).toEqual({
      repository: 'example/platform', repositoryId: 600000001, repositoryOwnerId: 600000002, terraformVersion: expect.any(String), driftSchedule: expect.any(String),
    });
    expect(resolved.environments[1].pipeline).toMatchObject({
      provider: 'projects/100000000002/locations/global/workloadIdentityPools/platform-pipeline/providers/github',
      apply: { email: 'terraform-apply@test-prod-project.iam.gserviceaccount.com' },
      plan: { email: 'terraform-plan@test-prod-project.iam.gserviceaccount.com' },
    });
  });

  test('every environment needs its project number, and a repository that is not on GitHub needs pipeline.repository', () => {
    const spec = operatorsPlatform({ gitops: { repoURL: 'https://git.example.com/platform.git' } });
    const noNumber = { ...spec, environments: [{ ...spec.environments[0], gcpProjectNumber: undefined }, spec.environments[1]] };
    expect(problems(noNumber)).toEqual([
      expect.stringContaining('pipeline.repository: is needed: gitops.repoURL is not a GitHub repository'),
      expect.stringMatching(/^gcpProjectNumber in dev: is needed by the pipeline.*gcloud projects describe test-dev-project/),
    ]);
  });

  test('the ids of the repository and its owner are needed, as numbers, and the error says how to find them', () => {
    expect(problems(operatorsPlatform({ pipeline: {} }))).toEqual([
      expect.stringMatching(/^pipeline\.repositoryId: is needed: .*numeric id.*gh api repos\/example\/platform --jq \.id/),
      expect.stringMatching(/^pipeline\.repositoryOwnerId: is needed: .*gh api repos\/example\/platform --jq \.owner\.id/),
    ]);
    expect(problems(operatorsPlatform({ pipeline: { repositoryId: '600000001' as unknown as number, repositoryOwnerId: 1.5 } }))).toEqual([
      expect.stringMatching(/^pipeline\.repositoryId: is not the repository's numeric id.*"600000001"/),
      expect.stringMatching(/^pipeline\.repositoryOwnerId: is not the repository's owner's numeric id.*1\.5/),
    ]);
  });

  test('an environment is bootstrapped unless it says it is not', () => {
    const spec = operatorsPlatform();
    const environments = [spec.environments[0], { ...spec.environments[1], pipeline: { bootstrapped: false } }];
    expect(resolvePlatform({ ...spec, environments }).environments.map((e) => e.pipeline?.bootstrapped)).toEqual([true, false]);
  });

  test('bootstrapped is a boolean, and has no effect without a pipeline', () => {
    const spec = operatorsPlatform();
    const wrong = [{ ...spec.environments[0], pipeline: { bootstrapped: 'no' as unknown as boolean } }, spec.environments[1]];
    expect(problems({ ...spec, environments: wrong })).toEqual([
      expect.stringMatching(/^pipeline\.bootstrapped in dev: must be true or false.*"no".*first apply by hand/),
    ]);
    const without = operatorsPlatform({ pipeline: undefined });
    const declared = [{ ...without.environments[0], pipeline: { bootstrapped: false } }, without.environments[1]];
    expect(problems({ ...without, environments: declared })).toEqual([expect.stringMatching(/^pipeline in dev: has no effect: the platform declares no pipeline/)]);
  });

  test('without a pipeline, nothing of it is resolved', () => {
    const resolved = resolvePlatform(operatorsPlatform({ pipeline: undefined }));
    expect(resolved.pipeline).toBeUndefined();
    expect(resolved.environments.every((e) => e.pipeline === undefined)).toBe(true);
  });
});
