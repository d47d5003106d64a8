/**
 * What runs the platform: the controllers our rendered objects rely on
 * (Argo CD itself, External Secrets Operator, Argo Rollouts), each an Argo CD
 * Application of its upstream Helm chart at a pinned version, and where Argo
 * CD sends its alerts.
 */

/** Where an add-on's Helm chart comes from. */
export interface HelmChartSpec {
  /** The Helm chart repository, e.g. a mirror of the upstream one. @default - the add-on's upstream repository (see ADDON_CHARTS) @see https://helm.sh/docs/topics/chart_repository/ */
  readonly repoURL?: string;
  /** The chart's name in that repository. @default - the add-on's upstream chart name @see https://helm.sh/docs/topics/charts/ */
  readonly name?: string;
}

/** One add-on's declaration; every field is optional. */
export interface AddonSpec {
  /** Where the chart comes from. @default - upstream @see ADDON_CHARTS */
  readonly chart?: HelmChartSpec;
  /**
   * The exact chart version an environment runs when its release file names
   * none (`"addons": {"<add-on>": {"version": "..."}}` in the release file wins).
   * @default - the version this engine pins (ADDON_CHARTS) @see https://helm.sh/docs/topics/charts/#charts-and-versioning
   */
  readonly version?: string;
}

/** The add-ons the platform runs; each is rendered in every environment, whatever is declared here. */
export interface AddonsSpec {
  /** Argo CD, which manages itself once bootstrapped. @default - the upstream `argo-cd` chart at the pinned version @see https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#manage-argo-cd-using-argo-cd */
  readonly argoCd?: AddonSpec;
  /** External Secrets Operator, which fills the apps' Secrets from Secret Manager. @default - the upstream `external-secrets` chart at the pinned version @see https://external-secrets.io/latest/introduction/getting-started/ */
  readonly externalSecrets?: AddonSpec;
  /** Argo Rollouts, which runs canary and blue-green Rollouts. @default - the upstream `argo-rollouts` chart at the pinned version @see https://argo-rollouts.readthedocs.io/en/stable/installation/ */
  readonly argoRollouts?: AddonSpec;
}

/** The add-ons by the name they have in release files, `promote` and the rendered Applications. */
export const ADDON_NAMES = ['argo-cd', 'external-secrets', 'argo-rollouts'] as const;
export type AddonName = typeof ADDON_NAMES[number];

/** The field of {@link AddonsSpec} that declares each add-on. */
export const ADDON_FIELDS: Readonly<Record<AddonName, keyof AddonsSpec>> = {
  'argo-cd': 'argoCd',
  'external-secrets': 'externalSecrets',
  'argo-rollouts': 'argoRollouts',
};

/** Options of a Slack destination. */
export interface SlackAlertOptions {
  /** The channel, e.g. `#orders`: the Slack app of the notifications token must be in it. */
  readonly channel: string;
}

/** Options of an email destination. */
export interface EmailAlertOptions {
  /** The address, usually a group, e.g. `orders-oncall@acme.dev`. */
  readonly to: string;
}

/** Where a team's (or the platform team's) alerts go: Argo CD notifications subscribe its Applications. */
export class Alerts {
  /** A Slack channel, through the platform's Slack app (its token in Secret Manager). */
  public static slack(options: SlackAlertOptions): Alerts {
    return new Alerts('slack', options);
  }

  /** An email address, through the SMTP server the platform declares in `notifications.email`. */
  public static email(options: EmailAlertOptions): Alerts {
    return new Alerts('email', options);
  }

  private constructor(
    /** The Argo CD notification service. */
    public readonly service: 'slack' | 'email',
    /** The options as declared; checked when the platform resolves. */
    public readonly declared: SlackAlertOptions | EmailAlertOptions,
  ) {}
}

/** The SMTP server Argo CD sends email alerts through. */
export interface EmailServiceSpec {
  /** SMTP host, e.g. `smtp.gmail.com`. */
  readonly host: string;
  /** SMTP port (STARTTLS). @default 587 @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/services/email/ */
  readonly port?: number;
  /** The sender address. */
  readonly from: string;
  /** SMTP user name; the password is a Secret Manager secret (see docs/operators.md). @default - the `from` address @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/services/email/ */
  readonly username?: string;
}

/** How Argo CD's notifications behave: the services' settings and when an OutOfSync Application alerts. */
export interface NotificationsSpec {
  /** The SMTP server, needed when any destination is an email address. @default - none: email destinations are refused @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/services/email/ */
  readonly email?: EmailServiceSpec;
  /** How long an Application may stay OutOfSync since its last sync before it alerts, e.g. `'30m'`. @default '30m' @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/triggers/ */
  readonly outOfSyncAfter?: string;
}

/** What the Terraform pipeline (generated into `.github/workflows/`) runs with. */
export interface PipelineSpec {
  /** The GitHub repository, `owner/name`, whose workflows alone may authenticate (Workload Identity Federation). @default - owner/name of `gitops.repoURL` when it is on github.com @see https://github.com/google-github-actions/auth#workload-identity-federation-through-a-service-account */
  readonly repository?: string;
  /**
   * The repository's numeric id (`gh api repos/OWNER/REPO --jq .id`): the provider admits tokens of this id, which a rename,
   * or a deleted repository's name taken again by someone else, does not carry. Needed with a pipeline (no default can be known).
   * @default - none: a pipeline without it is refused
   * @see https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#understanding-the-oidc-token
   */
  readonly repositoryId?: number;
  /** The numeric id of the repository's owner (`gh api repos/OWNER/REPO --jq .owner.id`), checked with `repositoryId`. @default - none: a pipeline without it is refused */
  readonly repositoryOwnerId?: number;
  /** The Terraform CLI version the workflows install. @default '1.13.4' @see https://developer.hashicorp.com/terraform/install */
  readonly terraformVersion?: string;
  /** When the drift check runs, a cron expression in UTC. @default '17 5 * * 1-5' @see https://docs.github.com/en/actions/writing-workflows/choosing-when-your-workflow-runs/events-that-trigger-workflows#schedule */
  readonly driftSchedule?: string;
}

/** How the Terraform pipeline treats one environment. */
export interface EnvironmentPipelineSpec {
  /**
   * Whether the environment's project, state bucket and Workload Identity pool exist (its first apply, by hand, is done):
   * until then the workflows cannot authenticate there, so they skip it and the pull request says so.
   * @default true
   * @see docs/new-cluster.md
   */
  readonly bootstrapped?: boolean;
}
