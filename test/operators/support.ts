import { Alerts, CanaryStep, Delivery, Exposure, PlatformSpec, Tier, Workload } from '../../src/model';
import { environment, platform, service } from '../fixtures';

/**
 * A small platform that uses every part of what runs it: a team with alerts,
 * an app with secrets, a cloud identity and a migration, a cron job, a canary
 * in prod, the platform team's alerts, and the pipeline.
 */
export function operatorsPlatform(overrides: Partial<PlatformSpec> = {}): PlatformSpec {
  const apps = [
    service('webapp', {
      secrets: [{ name: 'db-password', envVar: 'DB_PASSWORD' }],
      identity: { roles: ['roles/pubsub.publisher'] },
      exposure: Exposure.public({ subdomain: 'www' }),
      metrics: { port: 'http' },
      configFiles: { 'app.yaml': 'level: info\n' },
    }),
    service('webapp-migrate', {
      workload: Workload.migration({ migrates: 'webapp' }),
      image: 'registry.example.com/apps/webapp',
      ports: [],
      probes: {},
      secrets: [{ name: 'db-admin', envVar: 'DB_ADMIN_PASSWORD' }],
      identity: { roles: [] },
    }),
    service('report', { workload: Workload.cronJob({ schedule: '0 6 * * *' }), ports: [], probes: {} }),
  ];
  const names = apps.map((a) => a.name);
  const digest = `sha256:${'b'.repeat(64)}`;
  return platform({
    apps,
    teams: [{ name: 'alpha', owners: 'alpha@example.com', alerts: Alerts.slack({ channel: '#alpha-alerts' }) }],
    gitops: { repoURL: 'https://github.com/example/platform.git' },
    environments: [
      environment('dev', names, { gcpProjectNumber: '100000000001' }),
      environment('prod', ['webapp'], {
        tier: Tier.PRODUCTION,
        gcpProjectNumber: '100000000002',
        apps: {
          webapp: {
            autoscaling: { minReplicas: 2, maxReplicas: 4 },
            delivery: Delivery.canary({
              steps: [CanaryStep.weight(50), CanaryStep.pause('5m')],
              analysis: { query: 'sum(rate(errors_total[2m]))', successCondition: 'result[0] < 1' },
            }),
          },
        },
      }, { report: { tag: '1.0.0', digest } }),
    ],
    alerts: Alerts.slack({ channel: '#platform' }),
    pipeline: { repositoryId: 600000001, repositoryOwnerId: 600000002 },
    ...overrides,
  });
}
