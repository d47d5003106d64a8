import type { ValidationIssue } from '../errors';
import { DNS_NAME, EMAIL } from '../names';
import type { DeclarationIndex } from './declarations';
import type { ArgoCdSpec, SsoSpec } from '../argocd';
import { Report } from './location';
import { isPlainRecord, isString, listOr } from './values';

/** An https URL with a host and no path, query or fragment. */
function isHttpsOrigin(value: unknown): boolean {
  if (!isString(value)) return false;
  try {
    const u = new URL(value);
    return u.protocol === 'https:' && u.host !== '' && (u.pathname === '/' || u.pathname === '') && !value.endsWith('/') && u.search === '' && u.hash === '' && u.username === '';
  } catch {
    return false;
  }
}

/** An https URL with a host (an OIDC issuer may have a path). */
function isHttpsUrl(value: unknown): boolean {
  if (!isString(value)) return false;
  try {
    const u = new URL(value);
    return u.protocol === 'https:' && u.host !== '' && u.username === '';
  } catch {
    return false;
  }
}

/** `argocd`: each URL https and of a declared environment; single sign-on through exactly one connector, its fields well formed. */
export function validateArgoCd(index: DeclarationIndex): ValidationIssue[] {
  const { spec } = index;
  const report = new Report();
  const argocd: ArgoCdSpec | undefined = spec.argocd;
  if (argocd === undefined) return report.issues;
  const at = (path: string) => report.at(path, { file: index.fileOf(spec) });
  if (!isPlainRecord(argocd as unknown)) {
    at('argocd').issue('must be an object with `urls` and `sso`', argocd, 'write e.g. argocd: { sso: { oidc: { issuer, clientId } } }');
    return report.issues;
  }
  const envNames = listOr(spec.environments).map((e) => e?.name);
  if (argocd.urls !== undefined) {
    if (!isPlainRecord(argocd.urls)) {
      at('argocd.urls').issue('must map environment names to URLs', argocd.urls, 'write e.g. urls: { prod: "https://argocd.acme.example" }');
    } else {
      for (const [env, url] of Object.entries(argocd.urls)) {
        if (!envNames.includes(env)) at(`argocd.urls.${env}`).issue('names an environment that is not declared', env, `use one of ${JSON.stringify(envNames)}`);
        if (!isHttpsOrigin(url)) {
          at(`argocd.urls.${env}`).issue('must be an https URL with no path (Argo CD\'s external address, where SSO redirects back to)', url, 'write e.g. "https://argocd.prod.acme.example"');
        }
      }
    }
  }
  const sso: SsoSpec | undefined = argocd.sso;
  if (sso === undefined) return report.issues;
  if (!isPlainRecord(sso as unknown)) {
    at('argocd.sso').issue('must be an object naming one connector', sso, 'write sso: { oidc: { issuer, clientId } } or sso: { googleWithDex: { clientId, adminEmail } }');
    return report.issues;
  }
  const declared = (['oidc', 'googleWithDex'] as const).filter((k) => sso[k] !== undefined);
  if (declared.length !== 1) {
    at('argocd.sso').issue(declared.length === 0 ? 'declares no connector' : 'declares both connectors; Argo CD signs in through one',
      declared, 'keep exactly one of `oidc` (a provider that issues groups) and `googleWithDex` (Google Workspace, groups read through Dex)');
  }
  const oidc = sso.oidc;
  if (oidc !== undefined) {
    if (!isHttpsUrl(oidc?.issuer)) at('argocd.sso.oidc.issuer').issue('must be the provider\'s https issuer URL', oidc?.issuer, 'copy the issuer from the provider\'s /.well-known/openid-configuration, e.g. "https://acme.okta.com"');
    if (!isString(oidc?.clientId) || oidc.clientId.trim() === '') at('argocd.sso.oidc.clientId').issue('must be the client id of Argo CD\'s registration', oidc?.clientId, 'copy it from the provider; the client secret goes to Secret Manager, never here');
    if (oidc?.scopes !== undefined && (!Array.isArray(oidc.scopes) || !oidc.scopes.includes('openid') || !oidc.scopes.every(isString))) {
      at('argocd.sso.oidc.scopes').issue('must be a list of scopes including "openid"', oidc.scopes, 'omit it for ["openid", "profile", "email", "groups"]');
    }
  }
  const dex = sso.googleWithDex;
  if (dex !== undefined) {
    if (!isString(dex?.clientId) || !/\.apps\.googleusercontent\.com$/.test(dex.clientId)) {
      at('argocd.sso.googleWithDex.clientId').issue('must be a Google OAuth client id', dex?.clientId, 'copy it from the Google Cloud console, e.g. "1234-abc.apps.googleusercontent.com"');
    }
    if (!isString(dex?.adminEmail) || !EMAIL.test(dex.adminEmail)) {
      at('argocd.sso.googleWithDex.adminEmail').issue('must be the email of a Workspace administrator (Dex lists groups as that user)', dex?.adminEmail, 'write e.g. "admin@acme.example"');
    }
    for (const d of listOr(dex?.hostedDomains)) {
      if (!isString(d) || !DNS_NAME.test(d)) at('argocd.sso.googleWithDex.hostedDomains').issue('is not a domain', d, 'write e.g. "acme.example"');
    }
  }
  return report.issues;
}
