import { AppOverride, EnvironmentSpec, PlatformSpec, Tier } from '../../src/model';
import { NO_CHANGE, Review, renderJson, renderMarkdown, review } from '../../src/review';
import { environment, fullPlatform, platform, service } from '../fixtures';
import { rendered } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A platform that uses every part of the engine (previews in dev; frontend, of team alpha, a canary
 * autoscaled from 3 in prod), and the same with one environment's declaration changed.
 */
function full(env?: string, change: (e: EnvironmentSpec) => EnvironmentSpec = (e) => e): PlatformSpec {
  const base = fullPlatform();
  const environments = base.environments.map((e) => (e.name !== 'prod' ? e : withApp(e, 'frontend', { autoscaling: { minReplicas: 3, maxReplicas: 4 } })));
  return { ...base, environments: environments.map((e) => (e.name === env ? change(e) : e)) };
}
function withApp(e: EnvironmentSpec, app: string, override: AppOverride): EnvironmentSpec {
  return { ...e, apps: { ...e.apps, [app]: { ...e.apps?.[app], ...override } } };
}

/** A test platform with a dev and a production environment. */
function twoEnvs(apps = [service('web'), service('api')], prodOverrides: Partial<EnvironmentSpec> = {}): PlatformSpec {
  const names = apps.map((a) => a.name);
  return platform({
    apps,
    environments: [environment('dev', names), environment('prod', names, { tier: Tier.PRODUCTION, ...prodOverrides })],
  });
}

function compare(before: PlatformSpec, after: PlatformSpec): Review {
  const a = rendered(before);
  const b = rendered(after);
  return review({ base: a.files, head: b.files, baseLabel: 'main', headLabel: 'working tree', tiers: b.tiers });
}

const scaleDown = (() => {
  // GIVEN the full platform, and the same with prod's frontend autoscaling from 3 to 2 minimum replicas
  const before = rendered(full());
  const after = rendered(full('prod', (e) => withApp(e, 'frontend', { autoscaling: { minReplicas: 2, maxReplicas: 4 } })));
  return { before, after, result: review({ base: before.files, head: after.files, tiers: after.tiers }) };
})();

describe('a lower minimum of replicas in prod', () => {
  const { result } = scaleDown;
  const markdown = renderMarkdown(result);

  test('changes exactly the HorizontalPodAutoscaler of that app', () => {
    expect(result.environments.map((e) => e.name)).toEqual(['prod']);
    const [prod] = result.environments;
    expect(prod.objects.map((o) => `${o.status} ${o.kind} ${o.name}`)).toEqual(['changed HorizontalPodAutoscaler frontend']);
    expect(prod.objects[0].fields).toEqual([{ path: 'spec.minReplicas', keys: ['spec', 'minReplicas'], change: 'changed', old: 3, new: 2 }]);
  });

  test('is flagged as production and as a scale-down naming the app, at the top of the report', () => {
    expect(result.flags.map((f) => [f.category, f.severity, f.environment])).toEqual([
      ['production', 'high', 'prod'],
      ['scale-down', 'high', 'prod'],
    ]);
    const flags = markdown.slice(markdown.indexOf('#### Risk flags'), markdown.indexOf('| environment |'));
    expect(flags).toContain('**production** · prod');
    expect(flags).toContain('[HorizontalPodAutoscaler alpha/frontend](#prod-horizontalpodautoscaler-alpha-frontend): minReplicas: 3 → 2');
    expect(markdown.indexOf('#### Risk flags')).toBeLessThan(markdown.indexOf('<a id="prod-horizontalpodautoscaler'));
  });

  test('links each flag to the object\'s section', () => {
    expect(markdown).toContain('<a id="prod-horizontalpodautoscaler-alpha-frontend"></a>');
    expect(markdown).toContain('· app `frontend` ·');
    expect(markdown).toContain('- `spec.minReplicas`: `3` → `2`');
  });
});

describe('replicas of a Deployment in a production environment', () => {
  // GIVEN web at 3 replicas in prod, WHEN it goes to 2
  const result = compare(
    twoEnvs(undefined, { apps: { web: { replicas: 3 } } }),
    twoEnvs(undefined, { apps: { web: { replicas: 2 } } }),
  );

  test('reads "replicas: 3 → 2", flagged as a production scale-down of that Deployment', () => {
    const scale = result.flags.find((f) => f.category === 'scale-down');
    expect(scale).toEqual({ category: 'scale-down', severity: 'high', environment: 'prod', object: expect.any(String), subject: 'Deployment alpha/web', message: 'replicas: 3 → 2' });
    const markdown = renderMarkdown(result);
    expect(markdown).toContain('[Deployment alpha/web](#prod-deployment-alpha-web): replicas: 3 → 2');
    expect(markdown).toContain('- `spec.replicas`: `3` → `2`');
    expect(result.flags[0]).toMatchObject({ category: 'production', environment: 'prod' });
  });

  test('in JSON, as the field with its old and new value', () => {
    const json: Json = JSON.parse(renderJson(result));
    const deployment = json.environments[0].objects.find((o: Json) => o.kind === 'Deployment');
    expect(deployment).toMatchObject({ status: 'changed', name: 'web', namespace: 'alpha', environment: 'prod', app: 'web' });
    expect(deployment.fields).toContainEqual({ path: 'spec.replicas', keys: ['spec', 'replicas'], change: 'changed', old: 3, new: 2 });
    expect(json.flags.map((f: Json) => f.message)).toContain('replicas: 3 → 2');
  });

  test('a scale-up is not flagged', () => {
    const up = compare(twoEnvs(undefined, { apps: { web: { replicas: 2 } } }), twoEnvs(undefined, { apps: { web: { replicas: 3 } } }));
    expect(up.flags.map((f) => f.category)).toEqual(['production']);
  });
});

describe('a change that renders nothing different', () => {
  test('says so in one line', () => {
    // GIVEN a declaration change that is not rendered (the file named in error messages)
    const elsewhere = twoEnvs().environments.map((e) => ({ ...e, sourceFile: 'environments/elsewhere.ts' }));
    const result = compare(twoEnvs(), platform({ ...twoEnvs(), environments: elsewhere }));
    expect(result.changed).toBe(false);
    expect(renderMarkdown(result)).toBe(`${NO_CHANGE}\n`);
    const json = JSON.parse(renderJson(result));
    expect(json).toMatchObject({ changed: false, total: { added: 0, changed: 0, removed: 0 }, environments: [], flags: [] });
  });
});

describe('adding an app, removing an app and changing an image', () => {
  // GIVEN web and api; WHEN api goes, worker comes and web gets a new version in dev
  const before = twoEnvs([service('web'), service('api')]);
  const after = platform({
    apps: [service('web'), service('worker')],
    environments: [
      environment('dev', ['web', 'worker'], {}, { web: { tag: '1.1.0' } }),
      environment('prod', ['web', 'worker'], { tier: Tier.PRODUCTION }),
    ],
  });
  const result = compare(before, after);
  const dev = result.environments.find((e) => e.name === 'dev')!;
  const markdown = renderMarkdown(result);
  const json: Json = JSON.parse(renderJson(result));

  test('the summary counts them per environment and by kind', () => {
    const added = (e: typeof dev) => e.objects.filter((o) => o.status === 'added').map((o) => `${o.kind} ${o.name}`);
    const removed = (e: typeof dev) => e.objects.filter((o) => o.status === 'removed').map((o) => `${o.kind} ${o.name}`);
    expect(added(dev)).toEqual(expect.arrayContaining(['Application worker', 'Deployment worker', 'Service worker', 'ServiceAccount worker']));
    expect(removed(dev)).toEqual(expect.arrayContaining(['Application api', 'Deployment api', 'Service api']));
    expect(dev.byKind.find((k) => k.kind === 'Deployment')).toEqual({ kind: 'Deployment', added: 1, changed: 1, removed: 1 });
    expect(markdown).toMatch(/\| \[dev\]\(#env-dev\) \| development \| \d+ \| \d+ \| \d+ \|/);
    expect(markdown).toContain('| Deployment | 1 | 1 | 1 |');
    expect(json.environments.map((e: Json) => [e.name, e.byKind.find((k: Json) => k.kind === 'Deployment')])).toEqual([
      ['dev', { kind: 'Deployment', added: 1, changed: 1, removed: 1 }],
      ['prod', { kind: 'Deployment', added: 1, changed: 0, removed: 1 }],
    ]);
  });

  test('the added app\'s objects are shown with their manifest, folded', () => {
    expect(markdown).toContain('**+ added** Deployment alpha/worker · app `worker` · `dev/apps/worker/deployment-worker.yaml`');
    expect(markdown).toMatch(/<details><summary>manifest<\/summary>\n\n```yaml\napiVersion: apps\/v1\nkind: Deployment\n/);
    const worker = json.environments[0].objects.find((o: Json) => o.kind === 'Deployment' && o.name === 'worker');
    expect(worker).toMatchObject({ status: 'added', manifest: { kind: 'Deployment', metadata: { name: 'worker' } } });
  });

  test('the removed app is a deletion flag: its Application takes everything it deployed with it', () => {
    expect(markdown).toContain('**− removed** Application argocd/api');
    const deletion = result.flags.filter((f) => f.category === 'deletion');
    expect(deletion.map((f) => [f.environment, f.subject])).toEqual(expect.arrayContaining([['dev', 'Application argocd/api'], ['prod', 'Application argocd/api']]));
    expect(deletion.find((f) => f.environment === 'prod')).toMatchObject({ severity: 'high', message: expect.stringMatching(/resources finalizer makes Argo CD delete everything it deployed \(\d+ objects from dist\/prod\/apps\/api\)/) });
    // its objects are not flagged one by one, for any reason
    expect(result.flags.filter((f) => f.subject && / alpha\/api$/.test(f.subject))).toEqual([]);
    const api = json.environments[0].objects.find((o: Json) => o.kind === 'Application' && o.name === 'api');
    expect(api).toMatchObject({ status: 'removed', manifest: { metadata: { finalizers: ['resources-finalizer.argocd.argoproj.io/foreground'] } } });
  });

  test('the image change is flagged with old → new and listed under the Deployment', () => {
    const image = result.flags.filter((f) => f.category === 'image');
    expect(image).toEqual([expect.objectContaining({
      environment: 'dev',
      severity: 'info',
      subject: 'Deployment alpha/web',
      message: 'image of web: registry.example.com/apps/web:1.0.0 → registry.example.com/apps/web:1.1.0',
    })]);
    expect(markdown).toContain('- `spec.template.spec.containers[name=web].image`: `registry.example.com/apps/web:1.0.0` → `registry.example.com/apps/web:1.1.0`');
    const web = json.environments[0].objects.find((o: Json) => o.kind === 'Deployment' && o.name === 'web');
    expect(web.fields).toContainEqual({
      path: 'spec.template.spec.containers[name=web].image',
      keys: ['spec', 'template', 'spec', 'containers', 'image'],
      change: 'changed',
      old: 'registry.example.com/apps/web:1.0.0',
      new: 'registry.example.com/apps/web:1.1.0',
    });
  });

  test('the NetworkPolicies that come and go are flagged, nothing else', () => {
    const categories = new Set(result.flags.map((f) => f.category));
    expect(categories).toEqual(new Set(['production', 'deletion', 'image', 'network-policy']));
  });
});

describe('a config file change', () => {
  // GIVEN an app with a config file; WHEN one line of it changes (so the ConfigMap's hashed name changes)
  const withConfig = (text: string) => twoEnvs([service('web', { configFiles: { 'app.yaml': text } })]);
  const result = compare(withConfig('a: 1\nb: 2\nc: 3\n'), withConfig('a: 1\nb: 20\nc: 3\n'));
  const dev = result.environments.find((e) => e.name === 'dev')!;

  test('is one ConfigMap renamed with its content, not a removal and an addition', () => {
    const configMaps = dev.objects.filter((o) => o.kind === 'ConfigMap');
    expect(configMaps).toHaveLength(1);
    const [cm] = configMaps;
    expect(cm.status).toBe('changed');
    expect(cm.name).toMatch(/^web-config-[0-9a-f]{10}$/);
    expect(cm.before?.name).toMatch(/^web-config-[0-9a-f]{10}$/);
    expect(cm.before?.name).not.toBe(cm.name);
    expect(result.flags.filter((f) => f.category === 'deletion')).toEqual([]);
  });

  test('shows the data as a unified diff, folded', () => {
    const markdown = renderMarkdown(result);
    expect(markdown).toMatch(/\*\*~ changed\*\* ConfigMap alpha\/web-config-[0-9a-f]{10} \(was `web-config-[0-9a-f]{10}`\)/);
    expect(markdown).toContain('```diff\n@@ -1,3 +1,3 @@\n a: 1\n-b: 2\n+b: 20\n c: 3\n```');
    expect(markdown).toMatch(/- `metadata.name`: `web-config-[0-9a-f]{10}` → `web-config-[0-9a-f]{10}`\n\n<details><summary>1 more field \(with text diff\)<\/summary>\n\n`data\["app.yaml"\]` \(changed\):/);
  });
});

describe('arrays of named items', () => {
  test('are compared by name, not by index', () => {
    // GIVEN an env var inserted before the others
    const result = compare(
      twoEnvs([service('web', { env: { B: '1', C: '2' } })]),
      twoEnvs([service('web', { env: { A: '0', B: '1', C: '2' } })]),
    );
    const deployment = result.environments[0].objects.find((o) => o.kind === 'Deployment')!;
    expect(deployment.fields.map((f) => `${f.change} ${f.path}`)).toEqual(['added spec.template.spec.containers[name=web].env[name=A]']);
  });
});

describe('environment tiers without the model', () => {
  const a = rendered(twoEnvs(undefined, { apps: { web: { replicas: 3 } } }));
  const b = rendered(twoEnvs(undefined, { apps: { web: { replicas: 2 } } }));

  test('come from each environment\'s PROVENANCE.json', () => {
    const result = review({ base: a.files, head: b.files });
    expect(result.environments.map((e) => [e.name, e.tier, e.production, e.tierSource])).toEqual([['prod', 'production', true, 'provenance']]);
  });

  test('else from the environment label or directory name', () => {
    const strip = (files: ReadonlyMap<string, string>) => new Map([...files].filter(([f]) => !f.endsWith('PROVENANCE.json')));
    const result = review({ base: strip(a.files), head: strip(b.files) });
    expect(result.environments.map((e) => [e.name, e.production, e.tierSource])).toEqual([['prod', true, 'name']]);
    expect(result.flags[0]).toMatchObject({ category: 'production', message: expect.stringContaining('from the environment name') });
  });
});

describe('a large report', () => {
  test('leaves out manifests, then objects, to fit a pull-request comment', () => {
    const { before } = scaleDown;
    const result = review({ base: new Map(), head: before.files, tiers: before.tiers });
    const whole = renderMarkdown(result, { maxChars: 1e9 });
    const limited = renderMarkdown(result, { maxChars: 20_000 });
    expect(whole.length).toBeGreaterThan(60_000);
    expect(limited.length).toBeLessThanOrEqual(20_000);
    expect(limited).toContain('#### Risk flags');
    expect(limited).toMatch(/_\d+ more objects not shown to keep this comment within its size limit/);
  });
});

describe('pull-request previews', () => {
  test('lists the apps whose preview this change renders differently: what CI labels the pull request with', () => {
    // GIVEN frontend's log level changed in dev (its preview follows dev's declaration)
    const after = full('dev', (e) => withApp(e, 'frontend', { env: { LOG_LEVEL: 'trace' } }));
    const result = compare(full(), after);
    expect(result.previews).toEqual(['frontend']);
    expect(JSON.parse(renderJson(result)).previews).toEqual(['frontend']);
  });

  test('a change to the preview namespaces only (synced from main, never from the pull request) labels no preview', () => {
    const after = full('dev', (e) => ({ ...e, previews: { ...e.previews!, quota: { requestsCpu: '1500m' } } }));
    const result = compare(full(), after);
    expect(result.total.changed).toBeGreaterThan(0);
    expect(result.previews).toEqual([]);
  });

  test('a change to production only touches no preview; neither does a preview that is gone', () => {
    expect(scaleDown.result.previews).toEqual([]);
    const { files: head } = rendered(full());
    const withoutPreview = new Map([...head].filter(([f]) => !f.startsWith('dev/previews/backend/')));
    expect(review({ base: head, head: withoutPreview }).previews).toEqual([]);
    expect(review({ base: withoutPreview, head }).previews).toEqual(['backend']);
  });
});

test('a file beside the environments (dist/pipeline.json) is reported outside them, not under an empty name', () => {
  const result = review({ base: new Map(), head: new Map([['pipeline.json', '{"environments":[]}\n']]) });
  const markdown = renderMarkdown(result);
  expect(markdown).toContain('#### outside the environments: 1 added, 0 changed, 0 removed');
  expect(markdown).not.toMatch(/^#### : /m);
});
