import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthPlainCdk8s } from '../../bench/plain-cdk8s';
import { syntheticKind, syntheticPlatform, teamCount } from '../../bench/synthetic';
import { resolvePlatform } from '../../src/model';
import { renderPlatform } from '../../src/synth';

describe('the benchmark\'s synthetic platform', () => {
  test('is valid at every size the benchmark uses, with the example\'s mix of workloads', () => {
    // GIVEN
    const spec = syntheticPlatform(100);

    // WHEN
    const resolved = resolvePlatform(spec);

    // THEN
    expect(resolved.environments.map((e) => e.name)).toEqual(['dev', 'staging', 'prod']);
    expect(resolved.environments.map((e) => e.apps.length)).toEqual([100, 100, 100]);
    expect(spec.teams).toHaveLength(teamCount(100));
    const kinds = new Set(spec.apps.map((_, i) => syntheticKind(i)));
    expect(kinds.size).toBe(6);
    const prod = resolved.environments[2];
    for (const app of prod.apps) {
      expect(app.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
      if (app.kind === 'service' || app.kind === 'worker') expect(app.autoscaling?.minReplicas).toBe(2);
    }
    expect(prod.apps.some((a) => a.exposure.isPublic)).toBe(true);
    expect(prod.apps.some((a) => a.secrets.length > 0)).toBe(true);
    expect(prod.apps.some((a) => a.calledBy.some((c) => c.namespace !== a.namespace))).toBe(true);
  });

  test('renders, and an incomplete last group of apps is still valid', () => {
    const { objects } = renderPlatform({ platform: syntheticPlatform(10) });
    expect(objects.length).toBeGreaterThan(200);
    expect(objects.some((o) => o.manifest.kind === 'Job')).toBe(true);
  });

  test('the plain cdk8s reference declares the same workloads: Deployments (and Services), CronJobs and Jobs', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plain-cdk8s-test-'));
    try {
      const result = synthPlainCdk8s(syntheticPlatform(12), dir);
      // 12 apps: 6 services (each a Deployment and a Service), 2 workers, 2 cron jobs, 2 migrations.
      expect(result).toEqual({ apps: 12, objects: 18 });
      expect(fs.readdirSync(path.join(dir, 'app-0000')).sort()).toEqual(['Deployment.app-0000.k8s.yaml', 'Service.app-0000.k8s.yaml']);
      expect(fs.readdirSync(path.join(dir, 'app-0003'))).toEqual(['Deployment.app-0003.k8s.yaml']);
      expect(fs.readdirSync(path.join(dir, 'app-0004'))).toEqual(['CronJob.app-0004.k8s.yaml']);
      expect(fs.readdirSync(path.join(dir, 'app-0005'))).toEqual(['Job.app-0005.k8s.yaml']);
      expect(fs.readFileSync(path.join(dir, 'app-0004', 'CronJob.app-0004.k8s.yaml'), 'utf8')).toContain('schedule: 4 2 * * *');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
