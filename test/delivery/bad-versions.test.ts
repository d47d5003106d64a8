import { PromotionRefused, planPromotion } from '../../src/delivery/promote';
import { PlatformValidationError, ReleaseEntry, Tier, formatIssue, releaseFile, resolvePlatform } from '../../src/model';
import { environment, platform, service } from '../fixtures';

const DIGEST = (c: string) => `sha256:${c.repeat(64)}`;
const bad35 = { tag: '3.5.0', digest: DIGEST('b'), reason: '5xx spike after deploy, INC-231' };

/** dev runs 3.5.0 of both apps, prod 3.4.2; prod's release file marks `bad` there. */
function spec(bad: Record<string, unknown> = { api: [bad35] }) {
  const dev = environment('dev', ['api', 'web'], {}, { api: { tag: '3.5.0', digest: DIGEST('b') }, web: { tag: '3.5.0', digest: DIGEST('c') } });
  const prodRelease: Record<string, ReleaseEntry> = { api: { tag: '3.4.2', digest: DIGEST('a') }, web: { tag: '3.4.2', digest: DIGEST('a') } };
  const prod = environment('prod', ['api', 'web'], { tier: Tier.PRODUCTION }, prodRelease);
  const marked = { ...prod, release: releaseFile('environments/releases/prod.json', { apps: prodRelease, bad }) };
  return platform({ apps: [service('api'), service('web')], environments: [dev, marked] });
}

describe('a version marked bad in a release file', () => {
  test('GIVEN it is marked THEN promoting it is refused with the reason and where it was marked', () => {
    expect(() => planPromotion(spec(), { apps: ['api'], to: 'prod' })).toThrow(PromotionRefused);
    expect(() => planPromotion(spec(), { apps: ['api'], to: 'prod' }))
      .toThrow('"api" 3.5.0 is marked bad in environments/releases/prod.json: 5xx spike after deploy, INC-231. Ship a fixed version to "dev" first');
  });

  test('GIVEN --all THEN it is left out and listed, and the others are promoted', () => {
    const plan = planPromotion(spec(), { apps: [], all: true, to: 'prod' });
    expect(plan.promoted.map((p) => p.app)).toEqual(['web']);
    expect(plan.skipped).toEqual([{ app: 'api', reason: '3.5.0 is marked bad in environments/releases/prod.json: 5xx spike after deploy, INC-231' }]);
  });

  test('GIVEN a mark by tag only THEN any image of that tag is refused; another digest of a digest mark is not', () => {
    expect(() => planPromotion(spec({ api: [{ tag: '3.5.0', reason: 'broken migration, INC-9' }] }), { apps: ['api'], to: 'prod' })).toThrow(PromotionRefused);
    expect(planPromotion(spec({ api: [{ ...bad35, digest: DIGEST('d') }] }), { apps: ['api'], to: 'prod' }).promoted.map((p) => p.app)).toEqual(['api']);
  });

  test('GIVEN an environment runs a version marked bad THEN synth still renders what runs', () => {
    const runsBad = spec({ api: [{ tag: '3.4.2', reason: 'slow queries, INC-240' }] });
    expect(resolvePlatform(runsBad).environments[1].apps.find((a) => a.name === 'api')!.tag).toBe('3.4.2');
  });

  test('GIVEN a malformed mark THEN the release file is refused, naming the entry and the fix', () => {
    try {
      resolvePlatform(spec({ api: [{ tag: '3.5.0', reason: 'bad' }], nope: [] }));
      throw new Error('expected a refusal');
    } catch (err) {
      expect(err).toBeInstanceOf(PlatformValidationError);
      expect((err as PlatformValidationError).issues.map(formatIssue)).toEqual([
        'release.bad.api[0].reason in prod: must say what was found (at least 10 characters) (received "bad"); write e.g. "5xx spike after deploy, INC-231" [environments/releases/prod.json]',
        'release.bad.nope in prod: names an app that is not declared (received "nope"); fix the name (known: "api", "web"), or remove the entry [environments/releases/prod.json]',
      ]);
    }
  });
});
