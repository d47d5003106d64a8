/**
 * Argo CD's own address and single sign-on, declared once for the platform:
 * each environment runs its own Argo CD, at its own URL, with the same
 * identity provider. The client secret (and Dex's service-account key) are
 * Secret Manager secrets, never in Git.
 */

/** Argo CD signs people in directly with an OpenID Connect provider (Okta, Entra ID, Keycloak, …) that puts groups in its tokens. */
export interface OidcSsoSpec {
  /** The provider's issuer URL (https), e.g. `https://acme.okta.com`. @see https://argo-cd.readthedocs.io/en/stable/operator-manual/user-management/#existing-oidc-provider */
  readonly issuer: string;
  /** The client id of Argo CD's registration at the provider. */
  readonly clientId: string;
  /** The name on the login button. @default 'SSO' @see https://argo-cd.readthedocs.io/en/stable/operator-manual/user-management/#existing-oidc-provider */
  readonly name?: string;
  /** The scopes Argo CD asks for; one must bring the groups claim. @default ['openid', 'profile', 'email', 'groups'] @see https://argo-cd.readthedocs.io/en/stable/operator-manual/user-management/#requesting-additional-id-token-claims */
  readonly scopes?: readonly string[];
}

/**
 * Google accounts through Argo CD's bundled Dex. Google's tokens carry no
 * groups, so Dex's google connector reads each user's groups from the Admin
 * SDK Directory API, as a service account with domain-wide delegation
 * impersonating a Workspace administrator; its JSON key is a Secret Manager
 * secret (docs/operators.md).
 */
export interface DexGoogleSsoSpec {
  /** The OAuth client id (Google Cloud console, "OAuth 2.0 Client IDs"). */
  readonly clientId: string;
  /** A Workspace administrator the service account impersonates to list groups. @see https://dexidp.io/docs/connectors/google/ */
  readonly adminEmail: string;
  /** Only accounts of these Workspace domains may sign in. @default - any Google account the OAuth client admits @see https://dexidp.io/docs/connectors/google/ */
  readonly hostedDomains?: readonly string[];
}

/** Single sign-on: exactly one of `oidc` or `googleWithDex`. */
export interface SsoSpec {
  /** A provider that issues groups itself. @default - none */
  readonly oidc?: OidcSsoSpec;
  /** Google Workspace through Dex, groups read with a service account. @default - none */
  readonly googleWithDex?: DexGoogleSsoSpec;
}

/** Argo CD's address and sign-in. */
export interface ArgoCdSpec {
  /**
   * Argo CD's external URL in each environment, by environment name (https, no path).
   * @default - `https://argocd.<environment domain>` @see https://argo-cd.readthedocs.io/en/stable/operator-manual/argocd-cm-yaml/
   */
  readonly urls?: Readonly<Record<string, string>>;
  /**
   * Single sign-on; once declared, the local `admin` user is disabled.
   * @default - none: the chart's local admin user only @see https://argo-cd.readthedocs.io/en/stable/operator-manual/user-management/
   */
  readonly sso?: SsoSpec;
}
