import type { Alerts } from './addons';

/** Hard limits on what a team's namespace may use. */
export interface QuotaSpec {
  /** Total CPU requests, e.g. `'8'`. @default '4' */
  readonly requestsCpu?: string;
  /** Total memory requests, e.g. `'16Gi'`. @default '8Gi' */
  readonly requestsMemory?: string;
  /** Total CPU limits. @default twice requestsCpu */
  readonly limitsCpu?: string;
  /** Total memory limits. @default twice requestsMemory */
  readonly limitsMemory?: string;
  /** Maximum number of pods. @default 50 */
  readonly pods?: number;
}

/** A team: owners, namespaces and quotas. Apps belong to exactly one team. */
export interface TeamSpec {
  /** Team name (DNS label). */
  readonly name: string;
  /** Google group of the team's engineers, e.g. `payments@acme.dev`; bound in RBAC and in the AppProject. */
  readonly owners: string;
  /** Namespaces the team owns in every environment. @default [name] */
  readonly namespaces?: readonly string[];
  /** Quota of each of the team's namespaces. @default - see QuotaSpec */
  readonly quota?: QuotaSpec;
  /** One line on what the team does. */
  readonly description?: string;
  /** The team's GitHub handle, for CODEOWNERS. @default `@<organization>/<name>` */
  readonly codeOwners?: string;
  /** Where the team's alerts go: sync failed, health degraded, OutOfSync too long, for each of its Applications. @default - none @see docs/operators.md */
  readonly alerts?: Alerts;
}

/** What differs for a team in one environment. */
export interface TeamOverride {
  /** Quota in this environment, merged over the team's. */
  readonly quota?: QuotaSpec;
}
