import { parse } from 'yaml';
import { pipeline, previews, render, service, team } from '../fixtures';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

// GIVEN previews on dev; team alpha owns `web`, team beta owns `shop-web`, whose previews `pr-*-web` would also match
const rendered = render(pipeline([service('web'), service('shop-web', { team: 'beta' })], {
  teams: [team('alpha'), team('beta')],
  dev: { previews: previews() },
}));
const doc = (file: string): Json => parse(rendered.files.get(file)!);
const role = (project: Json, name: string): Json => project.spec.roles.find((r: Json) => r.name === name);

describe('team projects', () => {
  test('developers may read the logs of their own project\'s Applications, and of no other', () => {
    const developers = role(doc('prod/argocd/appproject-alpha.yaml'), 'developers');
    expect(developers.groups).toEqual(['alpha@example.com']);
    expect(developers.policies).toContain('p, proj:alpha:developers, logs, get, alpha/*, allow');
    expect(developers.policies.every((p: string) => p.includes(', alpha/*, '))).toBe(true);
  });
});

describe('preview projects', () => {
  test('each team may see, sync, delete and read the logs of the previews of its own apps', () => {
    const alpha = role(doc('dev/argocd/appproject-preview.yaml'), 'alpha');
    expect(alpha.groups).toEqual(['alpha@example.com']);
    for (const grant of ['applications, get', 'applications, sync', 'applications, delete', 'logs, get']) {
      expect(alpha.policies).toContain(`p, proj:preview:alpha, ${grant}, preview/pr-*-web, allow`);
    }
  });

  test('a glob that also matches another team\'s app is denied for that app', () => {
    const alpha = role(doc('dev/argocd/appproject-preview.yaml'), 'alpha');
    expect(alpha.policies).toContain('p, proj:preview:alpha, applications, delete, preview/pr-*-shop-web, deny');
    const beta = role(doc('dev/argocd/appproject-preview.yaml'), 'beta');
    expect(beta.policies).toEqual(expect.arrayContaining(['p, proj:preview:beta, applications, sync, preview/pr-*-shop-web, allow']));
    expect(beta.policies.some((p: string) => p.endsWith('deny'))).toBe(false);
  });

  test('the preview namespaces\' Applications are visible to their team, not changeable', () => {
    const alpha = role(doc('dev/argocd/appproject-preview-namespaces.yaml'), 'alpha');
    expect(alpha.policies).toEqual([
      'p, proj:preview-namespaces:alpha, applications, get, preview-namespaces/pr-*-web.namespace, allow',
      'p, proj:preview-namespaces:alpha, applications, get, preview-namespaces/pr-*-shop-web.namespace, deny',
    ]);
  });
});
