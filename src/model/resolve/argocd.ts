import type { EnvironmentSpec } from '../environment';
import type { PlatformSpec } from '../platform';
import type { ResolvedArgoCd, ResolvedSso } from '../resolved';
import { ARGOCD_SSO } from './defaults';

/** Argo CD's URL and single sign-on in a valid environment. */
export function resolveArgoCd(env: EnvironmentSpec, spec: PlatformSpec, workloadIdentityPool: string, argocdNamespace: string): ResolvedArgoCd {
  const url = spec.argocd?.urls?.[env.name] ?? `https://${ARGOCD_SSO.urlHost}.${env.domain}`;
  const sso = resolveSso(env, spec, workloadIdentityPool, argocdNamespace);
  return { url, adminEnabled: sso === undefined, sso };
}

function resolveSso(env: EnvironmentSpec, spec: PlatformSpec, workloadIdentityPool: string, argocdNamespace: string): ResolvedSso | undefined {
  const declared = spec.argocd?.sso;
  if (!declared) return undefined;
  const clientSecret = { ...ARGOCD_SSO.clientSecret };
  const identity = {
    accountId: ARGOCD_SSO.accountId,
    email: `${ARGOCD_SSO.accountId}@${env.gcpProject}.iam.gserviceaccount.com`,
    roles: [],
    datasetRoles: [],
    workloadIdentityMember: `serviceAccount:${workloadIdentityPool}[${argocdNamespace}/${ARGOCD_SSO.serviceAccountName}]`,
  };
  const common = { kubernetesSecret: ARGOCD_SSO.kubernetesSecret, clientSecret, serviceAccountName: ARGOCD_SSO.serviceAccountName, identity };
  if (declared.oidc) {
    const o = declared.oidc;
    return {
      ...common,
      provider: { kind: 'oidc', name: o.name ?? ARGOCD_SSO.oidcName, issuer: o.issuer, clientId: o.clientId, scopes: [...(o.scopes ?? ARGOCD_SSO.oidcScopes)] },
      secrets: [clientSecret],
    };
  }
  const d = declared.googleWithDex!;
  const serviceAccountKey = { ...ARGOCD_SSO.dexServiceAccountKey };
  return {
    ...common,
    provider: {
      kind: 'dex-google', clientId: d.clientId, adminEmail: d.adminEmail, hostedDomains: [...(d.hostedDomains ?? [])], serviceAccountKey, keyFile: ARGOCD_SSO.dexKeyFile,
    },
    secrets: [clientSecret, serviceAccountKey],
  };
}
