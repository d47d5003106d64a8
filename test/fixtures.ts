import {
  AppSpec, CanaryAnalysis, CanaryStep, Delivery, EnvironmentSpec, Exposure, PlatformSpec, PreviewSpec, Probe, ReleaseEntry, ReleaseFile, TeamSpec,
  Tier, Workload, releaseFile,
} from '../src/model';
import { RenderInput, RenderedPlatform, renderPlatform } from '../src/synth';

/*
 * Fixture platforms for the engine's tests. Each test builds exactly the
 * platform it needs from these builders; nothing here reads the example
 * platform (src/platform.ts), which is checked by properties only
 * (test/example.properties.test.ts), so that changing it never needs a test edit.
 */

/** A digest that passes validation, for production release entries. */
export const DIGEST = `sha256:${'a'.repeat(64)}`;
/** An Artifact Registry repository: apps whose images live here give the nodes pull access to it. */
export const ARTIFACT_REGISTRY = 'europe-docker.pkg.dev/test-artifacts/apps';

// ---------------------------------------------------------------- teams

/** A team owning the namespace of its name, its group `<name>@example.com`. */
export function team(name: string, overrides: Partial<TeamSpec> = {}): TeamSpec {
  return { name, owners: `${name}@example.com`, ...overrides };
}

// ---------------------------------------------------------------- apps (team alpha unless overridden)

/** A service that passes validation, to start tests from: one `http` port, readiness and liveness probes. */
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

/** A background worker: no Service, probes on a `health` port. */
export function worker(name: string, overrides: Partial<AppSpec> = {}): AppSpec {
  return service(name, {
    workload: Workload.worker(),
    ports: [{ name: 'health', port: 8081 }],
    probes: { readiness: Probe.http('/ready', 'health'), liveness: Probe.http('/live', 'health') },
    ...overrides,
  });
}

/** A cron job, nightly at 03:00 unless `schedule` says otherwise. */
export function cronJob(name: string, overrides: Partial<AppSpec> & { readonly schedule?: string } = {}): AppSpec {
  const { schedule = '0 3 * * *', ...rest } = overrides;
  return { name, team: 'alpha', workload: Workload.cronJob({ schedule }), image: `registry.example.com/apps/${name}`, ...rest };
}

/** A schema migration of `migrates`: a PreSync hook of that app, at its version. */
export function migration(name: string, migrates: string, overrides: Partial<AppSpec> = {}): AppSpec {
  return { name, team: 'alpha', workload: Workload.migration({ migrates }), image: `registry.example.com/apps/${migrates}`, args: ['migrate'], ...overrides };
}

/** A service reachable from the internet at `<subdomain>.<environment domain>`. */
export function publicService(name: string, subdomain: string = name, overrides: Partial<AppSpec> = {}): AppSpec {
  return service(name, { exposure: Exposure.public({ subdomain }), ...overrides });
}

/**
 * A service that reads `db-password` from Secret Manager into DB_PASSWORD (so
 * it has a Google identity). Its name is its service account id: 6 to 30 characters.
 */
export function secretReader(name: string, overrides: Partial<AppSpec> = {}): AppSpec {
  return service(name, { secrets: [{ name: 'db-password', envVar: 'DB_PASSWORD' }], ...overrides });
}

/** A canary: 20% of the pods, a pause, then all; with `analysis` when given. */
export function canary(analysis?: CanaryAnalysis): Delivery {
  return Delivery.canary({ steps: [CanaryStep.weight(20), CanaryStep.pause('5m'), CanaryStep.weight(100)], ...(analysis ? { analysis } : {}) });
}

/** A blue-green that waits for a person to promote it. */
export function blueGreen(): Delivery {
  return Delivery.blueGreen({ autoPromote: false });
}

// ---------------------------------------------------------------- environments

/** An app by name, or its declaration (which tells a long-running app from a job). */
type AppRef = string | AppSpec;
const nameOf = (a: AppRef) => (typeof a === 'string' ? a : a.name);
const isLongRunning = (a: AppRef) => typeof a === 'string' || a.workload.isLongRunning;
const hasOwnVersion = (a: AppRef) => typeof a === 'string' || a.workload.kind !== 'migration';

/**
 * An environment (development tier unless overridden) with a release entry for
 * each app (a migration follows its app's version). A production environment
 * gets digests and two replicas of each long-running app unless the test says otherwise.
 */
export function environment(
  name: string, apps: readonly AppRef[], overrides: Partial<EnvironmentSpec> = {}, versions: Record<string, ReleaseEntry> = {},
): EnvironmentSpec {
  const production = overrides.tier?.isProduction ?? false;
  const entries: Record<string, ReleaseEntry> = {};
  for (const app of apps.filter(hasOwnVersion).map(nameOf)) {
    entries[app] = production ? { tag: '1.0.0', digest: DIGEST } : { tag: '1.0.0' };
  }
  const twoReplicas = production ? Object.fromEntries(apps.filter(isLongRunning).map((a) => [nameOf(a), { replicas: 2 }])) : {};
  return {
    name,
    tier: Tier.DEVELOPMENT,
    gcpProject: `test-${name}-project`,
    region: 'europe-west1',
    domain: `${name}.example.com`,
    release: releaseFile(`environments/releases/${name}.json`, { apps: { ...entries, ...versions } }),
    ...overrides,
    apps: { ...twoReplicas, ...overrides.apps },
  };
}

/** A development environment named `dev` (or `overrides.name`). */
export function devEnv(apps: readonly AppRef[], overrides: Partial<EnvironmentSpec> = {}): EnvironmentSpec {
  return environment(overrides.name ?? 'dev', apps, { tier: Tier.DEVELOPMENT, ...overrides });
}

/** A staging environment named `staging` (or `overrides.name`). */
export function stagingEnv(apps: readonly AppRef[], overrides: Partial<EnvironmentSpec> = {}): EnvironmentSpec {
  return environment(overrides.name ?? 'staging', apps, { tier: Tier.STAGING, ...overrides });
}

/** A production environment named `prod` (or `overrides.name`): digests, two replicas of each long-running app. */
export function prodEnv(apps: readonly AppRef[], overrides: Partial<EnvironmentSpec> = {}): EnvironmentSpec {
  return environment(overrides.name ?? 'prod', apps, { tier: Tier.PRODUCTION, ...overrides });
}

/** A release file `environments/releases/<env>.json` with these versions. */
export function release(env: string, apps: Record<string, ReleaseEntry>): ReleaseFile {
  return releaseFile(`environments/releases/${env}.json`, { apps });
}

/** Pull-request previews of the repository example/platform, with a token. */
export function previews(overrides: Partial<PreviewSpec> = {}): PreviewSpec {
  return { github: { owner: 'example', repo: 'platform', tokenSecret: 'github-token' }, domain: 'preview.example.com', ...overrides };
}

// ---------------------------------------------------------------- platforms

/** A small valid platform: team alpha, one service, one dev environment; every part can be replaced. */
export function platform(overrides: Partial<PlatformSpec> = {}): PlatformSpec {
  const apps = overrides.apps ?? [service('web')];
  return {
    organization: { name: 'test', domain: 'example.com' },
    platformOwners: 'platform@example.com',
    gitops: { repoURL: 'https://git.example.com/platform.git' },
    teams: [team('alpha')],
    environments: [environment('dev', apps)],
    ...overrides,
    apps,
  };
}

/** Per-environment overrides of {@link pipeline}, beside the platform's own. */
export interface PipelineOverrides extends Partial<PlatformSpec> {
  readonly dev?: Partial<EnvironmentSpec>;
  readonly staging?: Partial<EnvironmentSpec>;
  readonly prod?: Partial<EnvironmentSpec>;
}

/** dev → staging → prod in promotion order, each running every app; per-environment overrides. */
export function pipeline(
  apps: readonly AppSpec[],
  overrides: PipelineOverrides = {},
): PlatformSpec {
  const { dev, staging, prod, ...rest } = overrides;
  return platform({
    apps,
    environments: [devEnv(apps, dev), stagingEnv(apps, staging), prodEnv(apps, prod)],
    ...rest,
  });
}

/**
 * A platform that uses every part of the engine, for tests of properties over
 * everything it renders: two teams; a public service with config files and
 * metrics that calls a service reading a secret, reaching a database over
 * private services access and migrated by a PreSync hook; a worker; a cron
 * job; dev (with previews), staging and prod (a canary, a blue-green,
 * autoscaling, a sync window).
 */
export function fullPlatform(): PlatformSpec {
  const image = (name: string) => `${ARTIFACT_REGISTRY}/${name}`;
  const apps = [
    publicService('frontend', 'www', {
      image: image('frontend'),
      ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }],
      metrics: { port: 'metrics' },
      configFiles: { 'features.yaml': 'beta: true\n' },
      calls: [{ app: 'backend', ports: ['http'] }],
    }),
    secretReader('backend', { team: 'beta', image: image('backend'), identity: { roles: ['roles/pubsub.publisher'] }, egress: ['database'] }),
    migration('backend-migrate', 'backend', { team: 'beta', image: image('backend'), secrets: [{ name: 'db-admin-password', envVar: 'DB_PASSWORD' }], egress: ['database'] }),
    worker('queue-worker', { team: 'beta', image: image('queue-worker'), identity: { roles: ['roles/pubsub.subscriber'] }, calls: ['backend'] }),
    cronJob('nightly-report', { team: 'beta', image: image('nightly-report'), identity: { roles: ['roles/bigquery.jobUser'] }, calls: ['backend'] }),
  ];
  // A Cloud SQL-like database reached over private services access, at an address of each environment's own.
  const database = (net: string) => ({
    privateServiceAccess: { cidr: `${net}.0.0/16` },
    endpoints: { database: { description: 'the test database', cidr: `${net}.0.0/24`, ports: [5432], privateServiceAccess: true } },
  });
  return pipeline(apps, {
    teams: [team('alpha'), team('beta')],
    dev: { ...database('10.10'), previews: previews(), cluster: { nodePools: [{ name: 'general', spot: true }] } },
    staging: { ...database('10.20') },
    prod: {
      ...database('10.30'),
      syncWindows: [{ kind: 'deny', schedule: '0 16 * * 5', duration: '64h', timeZone: 'Europe/Paris' }],
      apps: {
        'frontend': {
          autoscaling: { minReplicas: 2, maxReplicas: 4 },
          delivery: canary({
            query: 'sum(rate(http_requests_total{app="frontend",code!~"5.."}[2m])) / sum(rate(http_requests_total{app="frontend"}[2m]))',
            successCondition: 'result[0] >= 0.99',
          }),
        },
        'backend': { autoscaling: { minReplicas: 2, maxReplicas: 3 }, delivery: blueGreen() },
        'queue-worker': { replicas: 2 },
      },
    },
  });
}

// ---------------------------------------------------------------- rendering

/** A fixture rendered in memory as `npm run synth` would, on a fixed day (exemption expiry). */
export function render(spec: PlatformSpec, options: Omit<RenderInput, 'platform'> = {}): RenderedPlatform {
  return renderPlatform({ today: '2026-11-21', ...options, platform: spec });
}

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The manifests of `kind` in an environment (its pull-request previews excluded), in render order. */
export function manifests(out: RenderedPlatform, env: string, kind: string): Json[] {
  return out.objects.filter((o) => o.environment === env && o.manifest.kind === kind && !o.file.startsWith('previews/')).map((o) => o.manifest);
}

/** The manifest of `kind` named `name` in an environment (previews excluded); undefined when there is none. */
export function manifest(out: RenderedPlatform, env: string, kind: string, name: string): Json {
  return manifests(out, env, kind).find((m) => m.metadata.name === name);
}
