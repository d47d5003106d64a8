import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import type { ResolvedEnvironment, ResolvedPlatform } from '../model';
import { renderArgoCdSecret } from './argocd-secret';

/** The Application that syncs `dist/<env>/argocd-sso/`, and that directory. */
export const ARGOCD_SSO_APPLICATION = 'argocd-sso';
export const ARGOCD_SSO_DIR = 'argocd-sso';

/** Argo CD reads a `$<secret>:<key>` reference only from a Secret with this label (argo-cd docs/operator-manual/user-management/index.md). */
const ARGOCD_SECRET_LABEL = { 'app.kubernetes.io/part-of': 'argocd' };

/**
 * `argocd-cm`'s keys for the URL and sign-in: `url`, and with single sign-on
 * `oidc.config` or `dex.config` (its client secret a `$<secret>:<key>`
 * reference) and `admin.enabled: "false"` (argo-cd
 * docs/operator-manual/user-management/index.md, google.md).
 */
export function ssoConfig(env: ResolvedEnvironment): Record<string, string> {
  const { url, sso, adminEnabled } = env.argocd;
  const data: Record<string, string> = { 'url': url, 'admin.enabled': String(adminEnabled) };
  if (!sso) return data;
  const clientSecret = `$${sso.kubernetesSecret}:${sso.clientSecret.key}`;
  const p = sso.provider;
  if (p.kind === 'oidc') {
    data['oidc.config'] = stringify({ name: p.name, issuer: p.issuer, clientID: p.clientId, clientSecret, requestedScopes: p.scopes });
  } else {
    // Google's tokens carry no groups: the connector lists them through the Directory API as the service account (dexidp.io/docs/connectors/google).
    data['dex.config'] = stringify({
      connectors: [{
        type: 'google',
        id: 'google',
        name: 'Google',
        config: {
          clientID: p.clientId,
          clientSecret,
          redirectURI: `${url}/api/dex/callback`,
          ...(p.hostedDomains.length > 0 ? { hostedDomains: p.hostedDomains } : {}),
          serviceAccountFilePath: p.keyFile,
          adminEmail: p.adminEmail,
        },
      }],
    });
  }
  return data;
}

/**
 * The argo-cd chart's Dex values: off without Dex; with it, the service
 * account key mounted from the SSO Secret (optional, so the pod is created
 * before ESO has written it; Dex starts once the key is there).
 */
export function dexValues(env: ResolvedEnvironment, resources: unknown): Record<string, unknown> {
  const p = env.argocd.sso?.provider;
  if (p?.kind !== 'dex-google') return { enabled: false };
  const volume = 'google-service-account';
  const slash = p.keyFile.lastIndexOf('/');
  return {
    enabled: true,
    resources,
    volumes: [{
      name: volume,
      secret: {
        secretName: env.argocd.sso!.kubernetesSecret,
        items: [{ key: p.serviceAccountKey.key, path: p.keyFile.slice(slash + 1) }],
        optional: true,
      },
    }],
    volumeMounts: [{ name: volume, mountPath: p.keyFile.slice(0, slash), readOnly: true }],
  };
}

/**
 * Single sign-on's credentials, from Secret Manager into the Secret
 * argocd-cm references, as the SSO's own identity. Rendered into
 * `dist/<env>/argocd-sso/` when SSO is declared.
 */
export class ArgoCdSsoChart extends Chart {
  constructor(scope: Construct, id: string, props: { readonly platform: ResolvedPlatform; readonly env: ResolvedEnvironment }) {
    const { platform, env } = props;
    super(scope, id, { namespace: platform.gitops.argocdNamespace, disableResourceNameHashes: true });
    const sso = env.argocd.sso!;
    renderArgoCdSecret(this, platform, env, {
      name: ARGOCD_SSO_APPLICATION,
      serviceAccountName: sso.serviceAccountName,
      identity: sso.identity,
      target: sso.kubernetesSecret,
      secrets: sso.secrets,
      targetLabels: ARGOCD_SECRET_LABEL,
    });
  }
}
