import { AppSpec, EnvironmentSpec, PlatformSpec, Probe, ReleaseEntry, Tier, Workload, releaseFile } from '../src/model';

/** A service that passes validation, to start tests from. */
export function service(name: string, overrides: Partial<AppSpec> = {}): AppSpec {
  return {
    name,
    team: 'alpha',
    workload: Workload.service(),
    image: `registry.example.com/apps/${name}`,
    ports: [{ name: 'http', port: 8080 }],
    probes: { readiness: Probe.http('/ready', 'http'), liveness: Probe.http('/live', 'http') },
    ...overrides,
  };
}

/** An environment with a release entry for each named app. */
export function environment(
  name: string, apps: readonly string[], overrides: Partial<EnvironmentSpec> = {}, release: Record<string, ReleaseEntry> = {},
): EnvironmentSpec {
  const production = overrides.tier?.isProduction ?? false;
  const entries: Record<string, ReleaseEntry> = {};
  for (const app of apps) {
    entries[app] = production ? { tag: '1.0.0', digest: `sha256:${'a'.repeat(64)}` } : { tag: '1.0.0' };
  }
  // Production guardrails want two replicas of everything: give them unless the test says otherwise.
  const twoReplicas = production ? Object.fromEntries(apps.map((a) => [a, { replicas: 2 }])) : {};
  return {
    name,
    tier: Tier.DEVELOPMENT,
    gcpProject: `test-${name}-project`,
    region: 'europe-west1',
    domain: `${name}.example.com`,
    release: releaseFile(`environments/releases/${name}.json`, { apps: { ...entries, ...release } }),
    ...overrides,
    apps: { ...twoReplicas, ...overrides.apps },
  };
}

/** A small valid platform: one team, one service, one environment; every part can be replaced. */
export function platform(overrides: Partial<PlatformSpec> = {}): PlatformSpec {
  const apps = overrides.apps ?? [service('web')];
  return {
    organization: { name: 'test', domain: 'example.com' },
    platformOwners: 'platform@example.com',
    gitops: { repoURL: 'https://git.example.com/platform.git' },
    teams: [{ name: 'alpha', owners: 'alpha@example.com' }],
    environments: [environment('dev', apps.map((a) => a.name))],
    ...overrides,
    apps,
  };
}
