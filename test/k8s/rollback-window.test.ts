import { CanaryStep, Delivery, Tier } from '../../src/model';
import { renderPlatform } from '../../src/synth';
import { environment, platform, service } from '../fixtures';

function rolloutSpec(delivery: Delivery): Record<string, unknown> {
  const spec = platform({
    apps: [service('web', { delivery })],
    environments: [environment('prod', ['web'], { tier: Tier.PRODUCTION })],
  });
  const rollout = renderPlatform({ platform: spec }).objects.find((o) => o.manifest.kind === 'Rollout')!;
  return (rollout.manifest as unknown as { spec: Record<string, unknown> }).spec;
}

describe('a Rollout rolled back within its window skips its steps', () => {
  test('GIVEN a canary THEN its Rollout fast-tracks rollbacks to the last 3 revisions by default, or what it declares', () => {
    expect(rolloutSpec(Delivery.canary({ steps: [CanaryStep.weight(50)] })).rollbackWindow).toEqual({ revisions: 3 });
    expect(rolloutSpec(Delivery.canary({ steps: [CanaryStep.weight(50)], rollbackWindow: 1 })).rollbackWindow).toEqual({ revisions: 1 });
  });

  test('GIVEN a blue-green with rollbackWindow 0 THEN every rollback waits for promotion', () => {
    expect(rolloutSpec(Delivery.blueGreen({ rollbackWindow: 0 })).rollbackWindow).toBeUndefined();
    expect(rolloutSpec(Delivery.blueGreen()).rollbackWindow).toEqual({ revisions: 3 });
  });
});
