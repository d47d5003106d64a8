import { renderCloud } from '../../src/cloud';
import { resolvePlatform } from '../../src/model';
import { renderPlatform } from '../../src/synth';
import { environment, platform, publicService } from '../fixtures';
import { resources } from './helpers';

/** The shop app's address, certificate and Ingress certificate annotation in dev, served at `host`. */
function endpointAt(host: string) {
  const spec = platform({
    apps: [publicService('storefront', 'www')],
    environments: [environment('dev', ['storefront'], { apps: { storefront: { host } } })],
  });
  const [stack] = renderCloud(resolvePlatform(spec));
  const ingress = renderPlatform({ platform: spec }).objects.find((o) => o.manifest.kind === 'Ingress')!.manifest as unknown as { metadata: { annotations: Record<string, string> } };
  return {
    address: resources(stack.json, 'google_compute_global_address').find((r) => r.config.name === 'storefront-ip')!,
    certificates: resources(stack.json, 'google_compute_managed_ssl_certificate'),
    annotation: ingress.metadata.annotations['ingress.gcp.kubernetes.io/pre-shared-cert'],
  };
}

describe('a public app whose host changes', () => {
  test('GIVEN a new host THEN the address (what DNS points at) is unchanged, and a new certificate is made before the old is destroyed', () => {
    const before = endpointAt('www.dev.example.com');
    const after = endpointAt('shop.dev.example.com');
    expect(after.address).toEqual(before.address);
    expect(before.certificates).toHaveLength(1);
    expect(after.certificates).toHaveLength(1);
    const [old, next] = [before.certificates[0].config, after.certificates[0].config];
    expect(next.managed.domains).toEqual(['shop.dev.example.com']);
    expect(next.name).not.toBe(old.name);
    expect(next.lifecycle).toEqual({ create_before_destroy: true });
    expect(next.name).toMatch(/^storefront-cert-[0-9a-f]{6}$/);
    expect(after.annotation).toBe(next.name);
    expect(before.annotation).toBe(old.name);
  });

  test('GIVEN the longest app name THEN the certificate name still fits the 63 characters Compute Engine allows', () => {
    const name = `a${'b'.repeat(51)}`;
    const spec = platform({ apps: [publicService(name, 'www', { identity: { accountId: 'long-app' } })], environments: [environment('dev', [name])] });
    const [stack] = renderCloud(resolvePlatform(spec));
    const [certificate] = resources(stack.json, 'google_compute_managed_ssl_certificate');
    expect(certificate.config.name.length).toBeLessThanOrEqual(63);
    expect(certificate.config.name).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
  });
});
