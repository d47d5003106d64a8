import { parse } from 'yaml';
import { operatorsPlatform } from './support';
import { PlatformValidationError, PlatformSpec, resolvePlatform } from '../../src/model';
import { renderPlatform } from '../../src/synth';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const OIDC = { oidc: { issuer: 'https://idp.example.com', clientId: 'argocd' } };
const DEX = { googleWithDex: { clientId: '1234-abc.apps.googleusercontent.com', adminEmail: 'admin@example.com', hostedDomains: ['example.com'] } };

function renderWith(argocd: PlatformSpec['argocd']) {
  const rendered = renderPlatform({ platform: operatorsPlatform({ argocd }) });
  const file = (path: string): Json => parse(rendered.files.get(path) ?? (() => { throw new Error(`${path} is not rendered`); })());
  const tf = (env: string): Json => rendered.stacks.find((s) => s.environment === env)!.json.resource;
  return { rendered, file, tf };
}

/** The problems of a declaration, one line each. */
function problems(argocd: unknown): string[] {
  try {
    resolvePlatform(operatorsPlatform({ argocd: argocd as PlatformSpec['argocd'] }));
    return [];
  } catch (err) {
    if (!(err instanceof PlatformValidationError)) throw err;
    return err.message.split('\n').slice(1).map((l) => l.trim());
  }
}

describe('without single sign-on', () => {
  test('argocd-cm has the environment\'s URL and keeps the local admin', () => {
    const { file, rendered } = renderWith(undefined);
    const data = file('dev/argocd-config/configmap-argocd-cm.yaml').data;
    expect(data.url).toBe('https://argocd.dev.example.com');
    expect(data['admin.enabled']).toBe('true');
    expect(data['oidc.config']).toBeUndefined();
    expect([...rendered.files.keys()].some((f) => f.includes('argocd-sso'))).toBe(false);
  });

  test('alerts link to the Application in that environment\'s Argo CD', () => {
    const { file } = renderWith({ urls: { prod: 'https://deploy.example.com' } });
    const data = file('prod/argocd-config/configmap-argocd-notifications-cm.yaml').data;
    expect(parse(data.context)).toEqual({ argocdUrl: 'https://deploy.example.com' });
    expect(parse(data['template.app-sync-failed']).message).toContain('{{.context.argocdUrl}}/applications/{{.app.metadata.namespace}}/{{.app.metadata.name}}');
  });
});

describe('OIDC', () => {
  const { file, tf } = renderWith({ sso: OIDC, urls: { prod: 'https://deploy.example.com' } });

  test('argocd-cm names the provider, references the client secret and disables the local admin', () => {
    const data = file('prod/argocd-config/configmap-argocd-cm.yaml').data;
    expect(data.url).toBe('https://deploy.example.com');
    expect(data['admin.enabled']).toBe('false');
    expect(parse(data['oidc.config'])).toEqual({
      name: 'SSO',
      issuer: 'https://idp.example.com',
      clientID: 'argocd',
      clientSecret: '$argocd-sso:client-secret',
      requestedScopes: ['openid', 'profile', 'email', 'groups'],
    });
    expect(file('prod/argocd/application-argo-cd.yaml').spec.source.helm.valuesObject.dex).toEqual({ enabled: false });
  });

  test('the client secret comes from Secret Manager into a Secret Argo CD may read, as the SSO\'s own identity', () => {
    const es = file('prod/argocd-sso/externalsecret-argocd-sso.yaml');
    expect(es.spec.target).toMatchObject({ name: 'argocd-sso', template: { metadata: { labels: { 'app.kubernetes.io/part-of': 'argocd' } } } });
    expect(es.spec.data.map((d: Json) => [d.secretKey, d.remoteRef.key])).toEqual([['client-secret', 'argocd-sso-client-secret']]);
    expect(file('prod/argocd-sso/serviceaccount-argocd-sso-secrets.yaml').metadata.annotations['iam.gke.io/gcp-service-account'])
      .toBe('argocd-sso@test-prod-project.iam.gserviceaccount.com');
    const secret = Object.entries(tf('prod').google_secret_manager_secret).find(([, s]: [string, Json]) => s.secret_id === 'argocd-sso-client-secret');
    expect(secret).toBeDefined();
    expect(tf('prod').google_service_account_iam_member['argocd-sso_workload-identity'].member)
      .toBe('serviceAccount:test-prod-project.svc.id.goog[argocd/argocd-sso-secrets]');
  });

  test('the credentials sync with the add-ons, without failing the root\'s sync when a value is missing', () => {
    const app = file('prod/argocd/application-argocd-sso.yaml');
    expect(app.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe(file('prod/argocd/application-argo-cd.yaml').metadata.annotations['argocd.argoproj.io/sync-wave']);
    expect(app.metadata.annotations['platform.example.com/degraded-blocks-waves']).toBe('false');
    expect(app.spec.source.path).toBe('dist/prod/argocd-sso');
  });
});

describe('Google through Dex', () => {
  const { file } = renderWith({ sso: DEX });

  test('dex.config uses the google connector with the group lookup as the service account', () => {
    const config = parse(file('dev/argocd-config/configmap-argocd-cm.yaml').data['dex.config']);
    expect(config.connectors).toEqual([{
      type: 'google',
      id: 'google',
      name: 'Google',
      config: {
        clientID: '1234-abc.apps.googleusercontent.com',
        clientSecret: '$argocd-sso:client-secret',
        redirectURI: 'https://argocd.dev.example.com/api/dex/callback',
        hostedDomains: ['example.com'],
        serviceAccountFilePath: '/etc/dex/google/google-service-account.json',
        adminEmail: 'admin@example.com',
      },
    }]);
  });

  test('Dex runs, with the service account key mounted from the SSO Secret, which Secret Manager fills', () => {
    const dex = file('dev/argocd/application-argo-cd.yaml').spec.source.helm.valuesObject.dex;
    expect(dex.enabled).toBe(true);
    expect(dex.volumes[0].secret).toMatchObject({ secretName: 'argocd-sso', optional: true });
    expect(dex.volumeMounts[0]).toMatchObject({ mountPath: '/etc/dex/google', readOnly: true });
    const es = file('dev/argocd-sso/externalsecret-argocd-sso.yaml');
    expect(es.spec.data.map((d: Json) => d.remoteRef.key)).toEqual(['argocd-sso-client-secret', 'argocd-dex-google-service-account-key']);
    expect(file('dev/bootstrap/argo-cd/kustomization.yaml').helmCharts[0].valuesInline.dex.enabled).toBe(true);
  });
});

describe('validation', () => {
  test('exactly one connector', () => {
    expect(problems({ sso: {} })).toEqual([expect.stringContaining('argocd.sso: declares no connector')]);
    expect(problems({ sso: { ...OIDC, ...DEX } })).toEqual([expect.stringContaining('argocd.sso: declares both connectors')]);
  });

  test('the issuer and every URL are https; URLs name declared environments', () => {
    const found = problems({ sso: { oidc: { issuer: 'http://idp.example.com', clientId: 'argocd' } }, urls: { qa: 'https://argocd.qa.example.com', prod: 'http://argocd.example.com/ui' } });
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(/argocd\.sso\.oidc\.issuer: must be the provider's https issuer URL.*http:\/\/idp\.example\.com/),
      expect.stringMatching(/argocd\.urls\.qa: names an environment that is not declared/),
      expect.stringMatching(/argocd\.urls\.prod: must be an https URL with no path.*http:\/\/argocd\.example\.com\/ui/),
    ]));
  });

  test('Dex needs a Google client id and an administrator to impersonate', () => {
    const found = problems({ sso: { googleWithDex: { clientId: 'argocd', adminEmail: 'nobody' } } });
    expect(found).toEqual(expect.arrayContaining([
      expect.stringContaining('argocd.sso.googleWithDex.clientId: must be a Google OAuth client id'),
      expect.stringContaining('argocd.sso.googleWithDex.adminEmail: must be the email of a Workspace administrator'),
    ]));
  });

  test('an unknown field is named', () => {
    expect(problems({ sso: { oidc: { ...OIDC.oidc, clientSecret: 'x' } } }).join('\n')).toContain('clientSecret');
  });
});
