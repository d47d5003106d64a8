import { PlatformValidationError, formatIssue } from '../../src/model';
import type { AppSpec } from '../../src/model';
import { renderPlatform } from '../../src/synth';
import { platform, service } from '../fixtures';

interface Pod {
  readonly volumes?: { name: string; projected?: { sources: { secret: { name: string; items: { key: string; path: string }[] } }[] } }[];
  readonly containers: { env?: { name: string; valueFrom?: unknown }[]; volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[] }[];
}

function podOf(app: AppSpec): Pod {
  const deployment = renderPlatform({ platform: platform({ apps: [app] }) }).objects.find((o) => o.manifest.kind === 'Deployment')!;
  return (deployment.manifest as unknown as { spec: { template: { spec: Pod } } }).spec.template.spec;
}

function refusal(app: AppSpec): string[] {
  try {
    renderPlatform({ platform: platform({ apps: [app] }) });
  } catch (err) {
    expect(err).toBeInstanceOf(PlatformValidationError);
    return (err as PlatformValidationError).issues.map(formatIssue);
  }
  throw new Error('expected a refusal');
}

describe('secrets read as files', () => {
  test('GIVEN a secret with file WHEN rendered THEN one read-only projected volume holds it and no variable carries it', () => {
    const pod = podOf(service('storefront', {
      secrets: [{ name: 'tls-key', file: 'tls.key' }, { name: 'db-password', file: 'db-password' }, { name: 'api-key', envVar: 'API_KEY' }],
    }));
    const volume = pod.volumes!.find((v) => v.name === 'secrets')!;
    expect(volume.projected!.sources).toEqual([
      { secret: { name: 'storefront-db-password', items: [{ key: 'value', path: 'db-password' }] } },
      { secret: { name: 'storefront-tls-key', items: [{ key: 'value', path: 'tls.key' }] } },
    ]);
    const container = pod.containers[0];
    expect(container.volumeMounts).toContainEqual({ name: 'secrets', mountPath: '/var/run/secrets/storefront', readOnly: true });
    expect(container.env!.filter((e) => e.valueFrom !== undefined).map((e) => e.name)).toEqual(['API_KEY']);
  });

  test('GIVEN secretsMountPath WHEN rendered THEN the files are mounted there', () => {
    const pod = podOf(service('storefront', { secrets: [{ name: 'db-password', file: 'password' }], secretsMountPath: '/secrets' }));
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'secrets', mountPath: '/secrets', readOnly: true });
  });

  test('GIVEN only environment secrets WHEN rendered THEN no secrets volume is added', () => {
    const pod = podOf(service('storefront', { secrets: [{ name: 'db-password', envVar: 'DB_PASSWORD' }] }));
    expect((pod.volumes ?? []).map((v) => v.name)).not.toContain('secrets');
  });

  test('GIVEN a secret with both, neither, a path, or a file twice THEN each is refused once, naming the field and the fix', () => {
    expect(refusal(service('storefront', { secrets: [{ name: 'a', envVar: 'A', file: 'a' }] }))).toEqual([
      expect.stringMatching(/^apps\.storefront\.secrets\[0\]: must name either an envVar or a file that receives the value \(received .*\); write e\.g\./),
    ]);
    expect(refusal(service('storefront', { secrets: [{ name: 'a' } as never] }))).toHaveLength(1);
    expect(refusal(service('storefront', { secrets: [{ name: 'a', file: 'dir/a' }] }))).toEqual([
      'apps.storefront.secrets[0].file: is not a file name (received "dir/a"); use letters, digits, ".", "-" and "_" (no "/"), e.g. "db-password"',
    ]);
    expect(refusal(service('storefront', { secrets: [{ name: 'a', file: 'key' }, { name: 'b', file: 'key' }] }))).toEqual([
      'apps.storefront.secrets[1].file: is filled by two secrets (received "key"); give each secret its own file',
    ]);
  });

  test('GIVEN secrets and config files in one directory THEN it is refused', () => {
    expect(refusal(service('storefront', { configFiles: { 'a.yaml': 'a: 1' }, configMountPath: '/etc/storefront', secretsMountPath: '/etc/storefront' }))).toEqual([
      'apps.storefront.secretsMountPath: is also where config files are mounted (received "/etc/storefront"); give secrets and config files their own directories',
    ]);
    expect(refusal(service('storefront', { secretsMountPath: 'relative' }))).toEqual([
      'apps.storefront.secretsMountPath: must be an absolute directory other than / and /tmp (received "relative"); omit it to mount at /var/run/secrets/storefront',
    ]);
  });
});
