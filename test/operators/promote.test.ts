import { operatorsPlatform } from './support';
import { PromotionRefused, planPromotion } from '../../src/delivery/promote';
import { PlatformSpec, releaseFile, resolvePlatform } from '../../src/model';
import { review, tiersOf } from '../../src/review';
import { renderPlatform } from '../../src/synth';

const digest = `sha256:${'c'.repeat(64)}`;

/** The fixture with these add-on entries in dev's release file (and digests, which production needs). */
function withDevAddons(addons: Record<string, { version: string }>, base: PlatformSpec = operatorsPlatform()): PlatformSpec {
  const [dev, ...rest] = base.environments;
  const apps = Object.fromEntries(['webapp', 'webapp-migrate', 'report'].map((a) => [a, { tag: '1.0.0', digest }]));
  return { ...base, environments: [{ ...dev, release: releaseFile(dev.release.file, { apps, addons }) }, ...rest] };
}

test('an add-on is promoted by name: its version is copied into the target\'s release file', () => {
  const plan = planPromotion(withDevAddons({ 'argo-cd': { version: '9.3.0' } }), { apps: ['argo-cd'], to: 'prod' });
  expect(plan.promoted).toEqual([]);
  expect(plan.promotedAddons).toEqual([{ addon: 'argo-cd', version: '9.3.0', previous: expect.stringMatching(/^\d+\.\d+\.\d+$/) }]);
  expect(JSON.parse(plan.releaseText).addons).toEqual({ 'argo-cd': { version: '9.3.0' } });
  const argo = resolvePlatform(plan.platform).environments[1].addons.find((a) => a.name === 'argo-cd')!;
  expect([argo.version, argo.versionFrom]).toEqual(['9.3.0', 'release']);
});

test('--all promotes the add-ons whose version differs, beside the apps', () => {
  const plan = planPromotion(withDevAddons({ 'argo-rollouts': { version: '2.42.0' } }), { apps: [], all: true, to: 'prod' });
  expect(plan.promotedAddons.map((p) => p.addon)).toEqual(['argo-rollouts']);
  expect(plan.promoted.map((p) => p.app)).toEqual(['report', 'webapp', 'webapp-migrate']);
  // The add-ons already in step are not listed: --all named them itself.
  expect(plan.unchanged).not.toContain('argo-cd');
});

test('an add-on at the same version is left alone, and the release file keeps no entry it did not have', () => {
  const plan = planPromotion(operatorsPlatform(), { apps: ['external-secrets'], to: 'prod' });
  expect(plan.promotedAddons).toEqual([]);
  expect(plan.unchanged).toEqual(['external-secrets']);
  expect(JSON.parse(plan.releaseText).addons).toBeUndefined();
});

test('--version checks the add-on\'s version in the source', () => {
  expect(() => planPromotion(withDevAddons({ 'argo-cd': { version: '9.3.0' } }), { apps: ['argo-cd'], to: 'prod', version: '9.4.0' }))
    .toThrow(new PromotionRefused('version 9.4.0 of "argo-cd" is not running in "dev" (it runs 9.3.0); only what runs in "dev" can be promoted to "prod"'));
});

test('an unknown name suggests apps and add-ons alike', () => {
  expect(() => planPromotion(operatorsPlatform(), { apps: ['argocd'], to: 'prod' })).toThrow('unknown app "argocd" (did you mean "argo-cd"?)');
});

test('the review flags an add-on\'s new chart version', () => {
  const source = withDevAddons({ 'argo-rollouts': { version: '2.42.0' } });
  const before = renderPlatform({ platform: source }).files;
  const plan = planPromotion(source, { apps: ['argo-rollouts'], to: 'prod' });
  const after = renderPlatform({ platform: plan.platform }).files;
  const report = review({ base: before, head: after, baseLabel: 'before', headLabel: 'after', tiers: tiersOf(resolvePlatform(plan.platform)) });
  expect(report.flags.filter((f) => f.category === 'addon').map((f) => [f.environment, f.severity, f.message])).toEqual([
    ['prod', 'high', expect.stringMatching(/^add-on argo-rollouts chart version: \d+\.\d+\.\d+ → 2\.42\.0$/)],
  ]);
});
