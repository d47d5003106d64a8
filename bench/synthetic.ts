/**
 * Synthetic platforms for the benchmark: `n` apps across several teams and
 * the three environments of the example (dev, staging, prod), with the same
 * mix of workloads as the example platform. Deterministic: the same `n`
 * gives the same platform.
 */
import { createHash } from 'crypto';
import {
  AppOverride, AppSpec, EnvironmentSpec, Exposure, PlatformSpec, Probe, ReleaseChannel, ReleaseEntry, SyncPolicy,
  TeamOverride, TeamSpec, Tier, Workload, releaseFile,
} from '../src/model';

const REGISTRY = 'europe-docker.pkg.dev/bench-artifacts/apps';

/** Apps per team (one namespace each, a second namespace for every third team). */
export const APPS_PER_TEAM = 25;

/**
 * The example's mix, repeated in groups of six apps of one team:
 * 0 a public service with a config file, calling 1 and 2;
 * 1 an internal service with two ports, calling service 1 of the previous group;
 * 2 a service with secrets, a cloud identity and a startup probe;
 * 3 a worker with a cloud identity, calling 2;
 * 4 a cron job with a cloud identity, calling 2;
 * 5 a migration of 2 (same image, PreSync hook), with a secret.
 */
export type SyntheticKind = 'public-service' | 'internal-service' | 'secret-service' | 'worker' | 'cron-job' | 'migration';
const MIX: readonly SyntheticKind[] = ['public-service', 'internal-service', 'secret-service', 'worker', 'cron-job', 'migration'];

/** The role of app `i` in the mix. */
export function syntheticKind(i: number): SyntheticKind {
  return MIX[i % MIX.length];
}

function appName(i: number): string {
  return `app-${String(i).padStart(4, '0')}`;
}

function teamOf(i: number, teams: number): number {
  return Math.floor(i / MIX.length) % teams;
}

/** Number of teams for `n` apps: about {@link APPS_PER_TEAM} apps each, at least two. */
export function teamCount(n: number): number {
  return Math.max(2, Math.ceil(n / APPS_PER_TEAM));
}

function digest(...parts: string[]): string {
  return `sha256:${createHash('sha256').update(parts.join('/')).digest('hex')}`;
}

function app(i: number, n: number, teams: number): AppSpec {
  const name = appName(i);
  const team = `team-${String(teamOf(i, teams)).padStart(3, '0')}`;
  const group = i - (i % MIX.length);
  const exists = (j: number) => j >= 0 && j < n;
  const svc = (j: number) => (exists(j) && syntheticKind(j).endsWith('service') ? [appName(j)] : []);
  const image = `${REGISTRY}/${name}`;
  const httpProbes = (port: string) => ({ readiness: Probe.http('/ready', port), liveness: Probe.http('/live', port, { periodSeconds: 20 }) });
  switch (syntheticKind(i)) {
    case 'public-service':
      return {
        name,
        team,
        description: `Public web front end ${i}`,
        workload: Workload.service(),
        image,
        ports: [{ name: 'http', port: 8080 }],
        probes: httpProbes('http'),
        resources: { cpuRequest: '250m', cpuLimit: '1', memoryRequest: '256Mi', memoryLimit: '512Mi' },
        env: { LOG_LEVEL: 'info', UPSTREAM_URL: `http://${appName(group + 1)}.svc.cluster.local:8080` },
        configFiles: { 'features.yaml': `recommendations: true\nshard: ${i}\n`, 'routes.json': `{"home": "/", "id": ${i}}\n` },
        exposure: Exposure.public({ subdomain: name }),
        calls: [...svc(group + 1), ...svc(group + 2)],
      };
    case 'internal-service':
      return {
        name,
        team,
        description: `Internal API ${i}`,
        workload: Workload.service(),
        image,
        ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }],
        probes: httpProbes('http'),
        resources: { cpuRequest: '200m', cpuLimit: '500m', memoryRequest: '256Mi', memoryLimit: '512Mi' },
        env: { LOG_LEVEL: 'info' },
        calls: svc(group + 1 - MIX.length),
      };
    case 'secret-service':
      return {
        name,
        team,
        description: `API with a database ${i}`,
        workload: Workload.service(),
        image,
        ports: [{ name: 'http', port: 8080 }],
        probes: {
          ...httpProbes('http'),
          startup: Probe.http('/healthz', 'http', { periodSeconds: 5, failureThreshold: 30 }),
        },
        resources: { cpuRequest: '250m', cpuLimit: '1', memoryRequest: '384Mi', memoryLimit: '768Mi' },
        env: { LOG_LEVEL: 'info', TOPIC: `${name}-events` },
        secrets: [{ name: 'db-password', envVar: 'DB_PASSWORD' }, { name: 'api-key', envVar: 'API_KEY' }],
        identity: { roles: ['roles/pubsub.publisher'] },
      };
    case 'worker':
      return {
        name,
        team,
        description: `Queue worker ${i}`,
        workload: Workload.worker(),
        image,
        ports: [{ name: 'health', port: 8081 }],
        probes: httpProbes('health'),
        resources: { cpuRequest: '200m', cpuLimit: '500m', memoryRequest: '256Mi', memoryLimit: '512Mi' },
        env: { LOG_LEVEL: 'info', SUBSCRIPTION: `${name}-sub` },
        identity: { roles: ['roles/pubsub.subscriber'] },
        calls: svc(group + 2),
      };
    case 'cron-job':
      return {
        name,
        team,
        description: `Nightly report ${i}`,
        workload: Workload.cronJob({ schedule: `${i % 60} 2 * * *`, timeZone: 'Europe/Paris', activeDeadlineSeconds: 1800 }),
        image,
        resources: { cpuRequest: '250m', cpuLimit: '1', memoryRequest: '512Mi', memoryLimit: '1Gi' },
        env: { REPORT_DATASET: 'sales' },
        identity: { roles: ['roles/bigquery.dataEditor', 'roles/bigquery.jobUser'] },
        calls: svc(group + 2),
      };
    case 'migration':
      return {
        name,
        team,
        description: `Schema migration of ${appName(group + 2)}`,
        workload: Workload.migration({ migrates: appName(group + 2), activeDeadlineSeconds: 600 }),
        // Same image as the app it migrates: it follows that app's version.
        image: `${REGISTRY}/${appName(group + 2)}`,
        command: [`/app/${appName(group + 2)}`],
        args: ['migrate', 'up'],
        secrets: [{ name: 'db-admin-password', envVar: 'DB_PASSWORD' }],
      };
  }
}

function teamSpec(t: number): TeamSpec {
  const name = `team-${String(t).padStart(3, '0')}`;
  return {
    name,
    owners: `${name}@bench.example`,
    description: `Synthetic team ${t}`,
    // Every third team has a second namespace (empty: it gets its guardrails only).
    namespaces: t % 3 === 2 ? [name, `${name}-batch`] : [name],
  };
}

/** Quotas large enough for {@link APPS_PER_TEAM} apps at full scale in any environment. */
const BENCH_QUOTA = { requestsCpu: '200', requestsMemory: '400Gi', pods: 1000 };

function environment(
  name: 'dev' | 'staging' | 'prod', apps: readonly AppSpec[], teams: readonly TeamSpec[],
): EnvironmentSpec {
  const production = name === 'prod';
  const release: Record<string, ReleaseEntry> = {};
  const overrides: Record<string, AppOverride> = {};
  apps.forEach((a, i) => {
    // A migration of the same image follows the app it migrates: no entry of its own.
    if (a.workload.kind !== 'migration') {
      const tag = `${1 + (i % 3)}.${i % 10}.${name === 'dev' ? 1 : 0}`;
      release[a.name] = production ? { tag, digest: digest(a.name, tag) } : { tag };
    }
    if (production && a.workload.isLongRunning) {
      overrides[a.name] = { autoscaling: { minReplicas: 2, maxReplicas: 6 } };
    } else if (name === 'staging' && a.workload.kind === 'service') {
      overrides[a.name] = { replicas: 2 };
    } else if (name === 'dev' && a.exposure?.isPublic) {
      overrides[a.name] = { env: { LOG_LEVEL: 'debug', FEATURE_NEW_CHECKOUT: 'true' } };
    } else if (name === 'dev' && a.workload.kind === 'cron-job') {
      overrides[a.name] = { schedule: '0 6 * * 1-5' };
    }
  });
  const teamOverrides: Record<string, TeamOverride> = {};
  for (const t of teams) teamOverrides[t.name] = { quota: BENCH_QUOTA };
  return {
    name,
    tier: production ? Tier.PRODUCTION : name === 'staging' ? Tier.STAGING : Tier.DEVELOPMENT,
    gcpProject: `bench-platform-${name}`,
    region: 'europe-west1',
    domain: production ? 'bench.example' : `${name}.bench.example`,
    cluster: {
      releaseChannel: production ? ReleaseChannel.STABLE : ReleaseChannel.REGULAR,
      nodePools: [{ name: 'general', machineType: 'e2-standard-4', minNodes: production ? 2 : 1, maxNodes: 6 }],
      authorizedNetworks: [{ name: 'ci-runners', cidr: '198.51.100.0/26' }],
    },
    sync: production ? SyncPolicy.automated({ retry: { limit: 10, backoffMaxDuration: '10m' } }) : SyncPolicy.automated(),
    // Generated in memory, in the shape of environments/releases/<env>.json.
    release: releaseFile(`environments/releases/${name}.json`, { apps: release }),
    apps: overrides,
    teams: teamOverrides,
  };
}

/**
 * A valid platform of `n` apps (the example's mix) on dev, staging and prod.
 * `revision` > 0 changes one app (the first one's log level), as a pull
 * request that touches one app does.
 */
export function syntheticPlatform(n: number, revision = 0): PlatformSpec {
  if (!Number.isInteger(n) || n < 1) throw new Error(`syntheticPlatform: n must be a whole number of at least 1 (received ${n})`);
  const teams = teamCount(n);
  const apps = Array.from({ length: n }, (_, i) => app(i, n, teams));
  if (revision > 0) apps[0] = { ...apps[0], env: { ...apps[0].env, LOG_LEVEL: `debug-${revision}` } };
  const teamSpecs = Array.from({ length: teams }, (_, t) => teamSpec(t));
  return {
    organization: { name: 'bench', domain: 'bench.example' },
    platformOwners: 'platform-team@bench.example',
    gitops: { repoURL: 'https://github.com/bench/platform.git', targetRevision: 'main' },
    environments: (['dev', 'staging', 'prod'] as const).map((e) => environment(e, apps, teamSpecs)),
    teams: teamSpecs,
    apps,
  };
}
