import { runGuardrails } from '../../src/guardrails';
import { resolvePlatform } from '../../src/model';
import { renderPlatform } from '../../src/synth';
import { environment, platform } from '../fixtures';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Service external IPs (CVE-2020-8554) are off in every cluster, and a guardrail keeps them off. */
describe('Service external IPs', () => {
  const spec = platform({ environments: [environment('dev', ['web']), environment('test', ['web'])] });
  const rendered = renderPlatform({ platform: spec });
  const clusterOf = (json: Json): Json => Object.values(json.resource.google_container_cluster)[0];

  test('GIVEN any environment THEN its cluster disables Service external IPs', () => {
    expect(rendered.stacks.map((s) => ({ env: s.environment, config: clusterOf(s.json).service_external_ips_config })))
      .toEqual([{ env: 'dev', config: { enabled: false } }, { env: 'test', config: { enabled: false } }]);
  });

  test('GIVEN a cluster that enables them THEN gke-no-service-external-ips fires', () => {
    const stack = rendered.stacks[0];
    const json = JSON.parse(JSON.stringify(stack.json));
    clusterOf(json).service_external_ips_config = { enabled: true };
    const report = runGuardrails([], { platform: resolvePlatform(spec), stacks: [{ ...stack, source: 'test', json }], today: '2026-12-01' });
    expect(report.violations.map((v) => ({ rule: v.rule, path: v.path, value: v.value })))
      .toEqual([{ rule: 'gke-no-service-external-ips', path: 'service_external_ips_config.enabled', value: true }]);
  });
});
