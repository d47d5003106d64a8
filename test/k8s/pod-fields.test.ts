import { PlatformValidationError, formatIssue } from '../../src/model';
import { renderPlatform } from '../../src/synth';
import { platform, service } from '../fixtures';

/** The pod spec of the one Deployment a fixture platform renders. */
function podOf(spec: Parameters<typeof renderPlatform>[0]['platform']): Record<string, unknown> {
  const deployment = renderPlatform({ platform: spec }).objects.find((o) => o.manifest.kind === 'Deployment')!;
  return (deployment.manifest as unknown as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec;
}

describe('terminationGracePeriodSeconds', () => {
  test('GIVEN an app that declares it WHEN rendered THEN its pods get it; without it, 30', () => {
    expect(podOf(platform({ apps: [service('web', { terminationGracePeriodSeconds: 90 })] })).terminationGracePeriodSeconds).toBe(90);
    expect(podOf(platform({ apps: [service('web')] })).terminationGracePeriodSeconds).toBe(30);
  });

  test('GIVEN a negative or quoted value THEN the declaration is refused, naming the field and the fix', () => {
    for (const [value, message] of [
      [-1, 'apps.web.terminationGracePeriodSeconds: must be a whole number of seconds, at least 0 (received -1); write e.g. terminationGracePeriodSeconds: 60, or omit it for 30'],
      ['60', 'apps.web.terminationGracePeriodSeconds: must be a whole number of seconds, at least 0, but is a string (received "60"); write it as a number, without quotes: terminationGracePeriodSeconds: 60'],
    ] as const) {
      try {
        renderPlatform({ platform: platform({ apps: [service('web', { terminationGracePeriodSeconds: value as number })] }) });
        throw new Error('expected a refusal');
      } catch (err) {
        expect(err).toBeInstanceOf(PlatformValidationError);
        expect((err as PlatformValidationError).issues.map(formatIssue)).toEqual([message]);
      }
    }
  });
});
