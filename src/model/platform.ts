import { createHash } from 'crypto';
import { AppOverride, AppSpec, CallSpec, CanaryStep, Delivery, ExemptionSpec, Exposure, Probe, Workload } from './app';
import { EnvironmentSpec, ReleaseChannel, SyncPolicy, TeamAccess, Tier } from './environment';
import { IssueCollector, ValidationIssue, asText } from './errors';
import {
  APP, DELIVERY_OPTIONS, ENVIRONMENT, EXPOSURE_OPTIONS, FieldShape, PLATFORM, PROBE_TIMING, RELEASE_FILE, SYNC_OPTIONS, WORKLOAD_OPTIONS,
  unknownFields,
} from './fields';
import {
  CONFIG_KEY, DNS1035_LABEL, DNS1123_LABEL, DNS_NAME, EMAIL, ENV_VAR_NAME, GCP_PROJECT_ID,
  GCP_SERVICE_ACCOUNT_ID, PORT_NAME, RESERVED_NAMESPACES, suggest,
} from './names';
import { parseCpu, parseMemory } from './quantity';
import type { ReleaseEntry } from './release';
import type {
  ResolvedApp, ResolvedCluster, ResolvedDelivery, ResolvedEnvironment, ResolvedImageRegistry, ResolvedPeer, ResolvedPlatform,
  ResolvedPort, ResolvedQuota, ResolvedTeam,
} from './resolved';
import type { QuotaSpec, TeamSpec } from './team';

/** A Prometheus duration as PodMonitoring accepts it, e.g. `30s`, `1m`, `1h30m`. */
const PROMETHEUS_DURATION = /^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$/;

/** Pull requests ask for an app's preview with the label `preview:<app>`. */
const PREVIEW_LABEL_PREFIX = 'preview:';
/** The longest label name GitHub accepts. */
const GITHUB_LABEL_MAX = 50;

/** The whole platform: organisation, GitOps repository, environments, teams and apps. */
export interface PlatformSpec {
  /** Organisation: `name` prefixes cluster names; `domain` is the base of our label keys. */
  readonly organization: { readonly name: string; readonly domain: string };
  /** Google group of the platform team. */
  readonly platformOwners: string;
  /**
   * The Google group whose member groups GKE resolves for RBAC (Google Groups for RBAC), so that
   * RoleBindings to teams' groups take effect. @default `gke-security-groups@<organization domain>`
   */
  readonly rbacSecurityGroup?: string;
  /** GitHub handle of the platform team, for CODEOWNERS. @default `@<organization>/platform` */
  readonly platformCodeOwners?: string;
  /** The repository Argo CD reads, and the branch. */
  readonly gitops: { readonly repoURL: string; readonly targetRevision?: string };
  /** Environments in promotion order, e.g. dev, staging, prod. */
  readonly environments: readonly EnvironmentSpec[];
  readonly teams: readonly TeamSpec[];
  readonly apps: readonly AppSpec[];
  /** Exemptions for objects that belong to no app (e.g. bootstrap objects), matched by kind and name. @default [] */
  readonly exemptions?: readonly ObjectExemptionSpec[];
}

/** An exemption for objects that belong to no app. */
export interface ObjectExemptionSpec extends ExemptionSpec {
  /** Kind of the objects, e.g. `Secret`. */
  readonly kind: string;
  /** Name of the objects; a trailing `*` matches any suffix. */
  readonly name: string;
}

/** Where rendered output goes, relative to the repository root. */
export const DIST_DIR = 'dist';

/**
 * `private.googleapis.com`: the addresses through which private nodes and pods
 * reach Google APIs (Private Google Access). The Kubernetes layer allows
 * egress to `cidr`; the cloud layer resolves `*.googleapis.com` to `addresses`.
 */
export const PRIVATE_GOOGLE_ACCESS = {
  hostname: 'private.googleapis.com',
  cidr: '199.36.153.8/30',
  addresses: ['199.36.153.8', '199.36.153.9', '199.36.153.10', '199.36.153.11'],
} as const;

/** `<location>-docker.pkg.dev/<project>/<repository>/…`: an image in an Artifact Registry Docker repository. */
const ARTIFACT_REGISTRY_IMAGE = /^(([a-z0-9-]+)-docker\.pkg\.dev\/([a-z][a-z0-9-]{4,28}[a-z0-9])\/([a-z0-9][a-z0-9._-]*))\//;

const DEFAULT_RESOURCES = { cpuRequest: '100m', cpuLimit: '500m', memoryRequest: '128Mi', memoryLimit: '256Mi' };
const DEFAULT_QUOTA = { requestsCpu: '4', requestsMemory: '8Gi', pods: 50 };
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** `registry[:port]/path/name`, lowercase, with no tag or digest. */
const IMAGE_REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const CRON_FIELD = /^[\d*,/\-A-Za-z?]+$/;
const GITHUB_OWNER = /^@[A-Za-z0-9-]+(\/[A-Za-z0-9._-]+)?$/;
const DURATION = /^\d+(s|m|h)$/;
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
/** A Deployment name is at most 63 characters when it is also a Service name; a CronJob's at most 52. */
const MAX_APP_NAME = 52;

/** How many app-environments a platform renders: each app once per environment it is deployed in. */
export function appEnvironmentCount(platform: ResolvedPlatform): number {
  return platform.environments.reduce((n, e) => n + e.apps.length, 0);
}

/**
 * Validates a platform declaration and resolves it, environment by
 * environment, into what the renderers read. Throws a
 * {@link PlatformValidationError} listing every problem found.
 */
export function resolvePlatform(spec: PlatformSpec): ResolvedPlatform {
  return new Resolver(spec).resolve();
}

class Resolver {
  private readonly issues = new IssueCollector();
  private readonly teams = new Map<string, TeamSpec>();
  private readonly apps = new Map<string, AppSpec>();
  private readonly namespaceOwner = new Map<string, string>();
  /** Apps whose declaration has problems: reported once, not resolved per environment. */
  private readonly invalidApps = new Set<string>();
  /** Apps whose list and map fields have the right shape, so that per-environment checks can read them. */
  private readonly wellShaped = new Set<string>();

  constructor(private readonly spec: PlatformSpec) {}

  public resolve(): ResolvedPlatform {
    const spec = this.spec;
    const org = spec.organization ?? { name: '', domain: '' };
    if (!isString(org.name) || !DNS1123_LABEL.test(org.name) || org.name.length > 20) {
      this.issue({ path: 'organization.name', message: 'must be a DNS label of at most 20 characters (it prefixes cluster names)', received: org.name, fix: 'use lowercase letters, digits and "-", e.g. "acme"' });
    }
    if (!isString(org.domain) || !DNS_NAME.test(org.domain)) {
      this.issue({ path: 'organization.domain', message: 'must be a DNS name (it prefixes our label keys)', received: org.domain, fix: 'use the organisation\'s domain, e.g. "acme.dev"' });
    }
    if (spec.platformCodeOwners !== undefined && (!isString(spec.platformCodeOwners) || !GITHUB_OWNER.test(spec.platformCodeOwners))) {
      this.issue({ path: 'platformCodeOwners', message: 'is not a GitHub user or team handle', received: spec.platformCodeOwners, fix: 'write e.g. "@acme/platform"' });
    }
    if (spec.rbacSecurityGroup !== undefined && (!isString(spec.rbacSecurityGroup) || !/^gke-security-groups@/.test(spec.rbacSecurityGroup))) {
      this.issue({ path: 'rbacSecurityGroup', message: 'must be a group named gke-security-groups@<your domain> (GKE requires that name)', received: spec.rbacSecurityGroup, fix: 'omit it for gke-security-groups@<organization domain>' });
    }
    if (!isString(spec.platformOwners) || !EMAIL.test(spec.platformOwners)) {
      this.issue({ path: 'platformOwners', message: 'must be the Google group email of the platform team', received: spec.platformOwners, fix: 'set it to e.g. "platform-team@acme.dev"' });
    }
    if (!isString(spec.gitops?.repoURL) || !/^(https:\/\/|ssh:\/\/|git@)\S+$/.test(spec.gitops.repoURL)) {
      this.issue({ path: 'gitops.repoURL', message: 'must be the URL Argo CD clones this repository from', received: spec.gitops?.repoURL, fix: 'set it to e.g. "https://github.com/acme/platform.git"' });
    }

    this.checkFields('', spec, PLATFORM);
    this.indexTeams();
    this.indexApps();
    this.checkApps();
    const environments = this.resolveEnvironments();
    const exemptions = Array.isArray(spec.exemptions) ? spec.exemptions : [];
    exemptions.forEach((e, i) => {
      this.checkExemption(`exemptions[${i}]`, e);
      if (!isString(e?.kind) || !/^[A-Za-z]+$/.test(e.kind) || !isString(e?.name) || e.name.length === 0) {
        this.issue({ path: `exemptions[${i}]`, message: 'must name the kind and name of the objects it exempts', received: { kind: e?.kind, name: e?.name }, fix: 'set kind (e.g. "Secret") and name (a trailing * matches any suffix)' });
      }
    });

    this.issues.throwIfAny();
    return {
      organization: org.name,
      labelDomain: `platform.${org.domain}`,
      platformOwners: spec.platformOwners,
      platformCodeOwners: spec.platformCodeOwners ?? `@${org.name}/platform`,
      gitops: { repoURL: spec.gitops.repoURL, targetRevision: spec.gitops.targetRevision ?? 'main', argocdNamespace: 'argocd' },
      environments,
      exemptions: exemptions.map((e) => ({
        rule: e.rule,
        reason: e.reason.trim(),
        expires: e.expires,
        environments: e.environments ? [...e.environments] : undefined,
        kind: e.kind,
        name: e.name,
      })),
    };
  }

  /** An exemption names a rule, gives a real reason and, if it expires, a date. Rule ids are checked by the guardrails. */
  private checkExemption(path: string, e: ExemptionSpec, environments?: readonly string[]): void {
    if (!isString(e?.rule) || !/^[a-z0-9-]+$/.test(e.rule)) {
      this.issue({ path: `${path}.rule`, message: 'must be a guardrail rule id', received: e?.rule, fix: 'copy the rule id from the violation, e.g. "read-only-root-filesystem"' });
    }
    if (!isString(e?.reason) || e.reason.trim().length < 10) {
      this.issue({ path: `${path}.reason`, message: 'must say why the rule cannot be met (at least 10 characters)', received: e?.reason, fix: 'write the reason a reviewer needs, e.g. "vendor image writes to /var/cache; tracked in OPS-123"' });
    }
    if (e?.expires !== undefined && (!isString(e.expires) || !/^\d{4}-\d{2}-\d{2}$/.test(e.expires) || Number.isNaN(Date.parse(`${e.expires}T00:00:00Z`)))) {
      this.issue({ path: `${path}.expires`, message: 'is not a date YYYY-MM-DD', received: e.expires, fix: 'write e.g. "2027-03-31", or omit it' });
    }
    for (const env of e?.environments ?? []) {
      if (environments && !environments.includes(env)) {
        this.issue({ path: `${path}.environments`, message: 'names an environment that is not declared', received: env, fix: `use one of ${JSON.stringify(environments)}` });
      }
    }
  }

  private issue(issue: ValidationIssue): void {
    this.issues.add(issue);
  }

  /** Reports each field of `value` (at `path`) that `shape` does not know: a misspelt setting would otherwise be ignored. */
  private checkFields(path: string, value: unknown, shape: FieldShape, where: { environment?: string; file?: string } = {}): void {
    for (const f of unknownFields(value, shape, path)) {
      this.issue({ ...where, path: f.path, message: f.message, received: f.value, fix: f.fix });
    }
  }

  // ---------------------------------------------------------------- teams

  private indexTeams(): void {
    const teams = Array.isArray(this.spec.teams) ? this.spec.teams : [];
    if (teams.length === 0) {
      this.issue({ path: 'teams', message: 'no team is declared', received: this.spec.teams, fix: 'declare at least one team; every app belongs to one' });
    }
    teams.forEach((team, index) => {
      const path = `teams[${index}]`;
      if (!isString(team?.name) || !DNS1123_LABEL.test(team.name) || team.name.length > 40) {
        this.issue({ path: `${path}.name`, message: 'must be a DNS label of at most 40 characters', received: team?.name, fix: 'use lowercase letters, digits and "-", e.g. "payments"' });
        return;
      }
      if (this.teams.has(team.name)) {
        this.issue({ path: `teams.${team.name}`, message: 'is declared twice', received: team.name, fix: 'give each team a unique name, or merge the two declarations' });
        return;
      }
      this.teams.set(team.name, team);
      if (!isString(team.owners) || !EMAIL.test(team.owners)) {
        this.issue({ path: `teams.${team.name}.owners`, message: 'must be the email of a Google group', received: team.owners, fix: `set it to the team's group, e.g. "${team.name}@example.com"` });
      }
      const namespaces = team.namespaces ?? [team.name];
      if (!Array.isArray(namespaces) || namespaces.length === 0) {
        this.issue({ path: `teams.${team.name}.namespaces`, message: 'must list at least one namespace', received: team.namespaces, fix: `omit it to get ["${team.name}"], or list namespaces` });
        return;
      }
      for (const ns of namespaces) {
        if (!isString(ns) || !DNS1123_LABEL.test(ns) || ns.length > 50) {
          this.issue({ path: `teams.${team.name}.namespaces`, message: 'holds a name that is not a DNS label of at most 50 characters (preview environments prefix it)', received: ns, fix: 'use lowercase letters, digits and "-"' });
        } else if (RESERVED_NAMESPACES.includes(ns)) {
          this.issue({ path: `teams.${team.name}.namespaces`, message: 'holds a namespace reserved for the system', received: ns, fix: `choose another name; reserved: ${RESERVED_NAMESPACES.join(', ')}` });
        } else if (this.namespaceOwner.has(ns)) {
          this.issue({ path: `teams.${team.name}.namespaces`, message: `holds namespace "${ns}", which team "${this.namespaceOwner.get(ns)}" already owns`, received: ns, fix: 'a namespace belongs to exactly one team: rename one of them' });
        } else {
          this.namespaceOwner.set(ns, team.name);
        }
      }
      this.checkQuota(`teams.${team.name}.quota`, team.quota);
      if (team.codeOwners !== undefined && (!isString(team.codeOwners) || !GITHUB_OWNER.test(team.codeOwners))) {
        this.issue({ path: `teams.${team.name}.codeOwners`, message: 'is not a GitHub user or team handle', received: team.codeOwners, fix: 'write e.g. "@acme/payments"' });
      }
    });
  }

  private checkQuota(path: string, quota: QuotaSpec | undefined, environment?: string, file?: string): void {
    if (quota === undefined) return;
    for (const field of ['requestsCpu', 'limitsCpu'] as const) {
      if (quota[field] !== undefined && parseCpu(quota[field]) === undefined) {
        this.issue({ environment, file, path: `${path}.${field}`, message: 'is not a CPU quantity', received: quota[field], fix: 'write cores ("4", "0.5") or millicores ("500m")' });
      }
    }
    for (const field of ['requestsMemory', 'limitsMemory'] as const) {
      if (quota[field] !== undefined && parseMemory(quota[field]) === undefined) {
        this.issue({ environment, file, path: `${path}.${field}`, message: 'is not a memory quantity', received: quota[field], fix: 'write e.g. "512Mi" or "8Gi"' });
      }
    }
    if (quota.pods !== undefined && !isPositiveInt(quota.pods)) {
      this.issue({ environment, file, path: `${path}.pods`, message: 'must be a positive whole number', received: quota.pods, fix: 'set e.g. pods: 50' });
    }
  }

  // ---------------------------------------------------------------- apps (environment-independent)

  private indexApps(): void {
    const apps = Array.isArray(this.spec.apps) ? this.spec.apps : [];
    apps.forEach((app, index) => {
      if (!isString(app?.name) || !DNS1035_LABEL.test(app.name) || app.name.length > MAX_APP_NAME) {
        this.issue({ path: `apps[${index}].name`, message: `must be a DNS-1035 label (a lowercase letter first, then letters, digits and "-") of at most ${MAX_APP_NAME} characters`, received: app?.name, fix: 'rename the app, e.g. "checkout-api"' });
        return;
      }
      if (this.apps.has(app.name)) {
        this.issue({ path: `apps.${app.name}`, message: 'is declared twice', received: app.name, fix: 'give each app a unique name (it names the Deployment, Service and Argo CD Application)' });
        return;
      }
      this.apps.set(app.name, app);
    });
  }

  private checkApps(): void {
    for (const app of this.apps.values()) {
      const before = this.issues.size;
      this.checkApp(app);
      if (this.issues.size > before) this.invalidApps.add(app.name);
      this.issues.inFile(before, app.sourceFile ?? `src/apps/${app.name}.ts`);
    }
  }

  private checkApp(app: AppSpec): void {
    const at = `apps.${app.name}`;
    this.checkFields(at, app, APP);
    if (app.workload instanceof Workload) {
      if (app.workload.cron) this.checkFields(`${at}.workload`, app.workload.cron, WORKLOAD_OPTIONS.cronJob);
      if (app.workload.migration) this.checkFields(`${at}.workload`, app.workload.migration, WORKLOAD_OPTIONS.migration);
    }
    for (const kind of ['readiness', 'liveness', 'startup'] as const) {
      const probe = app.probes?.[kind];
      if (probe instanceof Probe) this.checkFields(`${at}.probes.${kind}`, probe.timing, PROBE_TIMING);
    }
    if (app.exposure instanceof Exposure && app.exposure.declared) this.checkFields(`${at}.exposure`, app.exposure.declared, EXPOSURE_OPTIONS);
    const shapeIssues = this.issues.size;
    for (const field of ['ports', 'calls', 'secrets', 'command', 'args', 'exemptions', 'egress'] as const) {
      if (app[field] !== undefined && !Array.isArray(app[field])) {
        this.issue({ path: `apps.${app.name}.${field}`, message: 'must be a list', received: app[field], fix: `write ${field}: [...], or omit it` });
      }
    }
    for (const field of ['env', 'configFiles', 'resources', 'probes', 'identity', 'autoscaling'] as const) {
      const value = app[field];
      if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
        this.issue({ path: `apps.${app.name}.${field}`, message: 'must be an object', received: value, fix: `write ${field}: { ... }, or omit it` });
      }
    }
    if (this.issues.size > shapeIssues) return;
    this.wellShaped.add(app.name);
    {
      const team = this.teams.get(app.team);
      if (!team) {
        this.issue({ path: `${at}.team`, message: 'names a team that is not declared', received: app.team, fix: `use a declared team (${suggest(asText(app.team), [...this.teams.keys()])})` });
      } else if (app.namespace !== undefined && !(team.namespaces ?? [team.name]).includes(app.namespace)) {
        this.issue({ path: `${at}.namespace`, message: `is not one of team "${team.name}"'s namespaces`, received: app.namespace, fix: `use one of ${JSON.stringify(team.namespaces ?? [team.name])}, or add it to the team's namespaces` });
      }
      if (!(app.workload instanceof Workload)) {
        this.issue({ path: `${at}.workload`, message: 'must be a Workload', received: app.workload, fix: 'use Workload.service(), Workload.worker(), Workload.cronJob({...}) or Workload.migration({...})' });
        return;
      }
      if (!isString(app.image) || !IMAGE_REPOSITORY.test(app.image)) {
        this.issue({ path: `${at}.image`, message: 'must be an image repository without tag or digest (they come from the release file)', received: app.image, fix: 'write e.g. "europe-docker.pkg.dev/acme-artifacts/apps/checkout-api"' });
      }
      this.checkPorts(app);
      this.checkProbes(app);
      this.checkMetrics(app);
      this.checkCalledFrom(app);
      this.checkResources(at, app.resources);
      this.checkEnv(at, app.env, app);
      this.checkConfigFiles(app);
      this.checkSecretsAndIdentity(app);
      this.checkWorkloadOptions(app);
      this.checkScaling(at, app.replicas, app.autoscaling, app.maxUnavailable);
      this.checkDelivery(at, app.delivery, app);
      const envNames = (Array.isArray(this.spec.environments) ? this.spec.environments : []).map((e) => e?.name);
      (Array.isArray(app.exemptions) ? app.exemptions : []).forEach((e, i) => this.checkExemption(`${at}.exemptions[${i}]`, e, envNames));
      const called = new Set<string>();
      for (const [i, entry] of (app.calls ?? []).entries()) {
        const call = callOf(entry);
        if (!call) {
          this.issue({ path: `${at}.calls[${i}]`, message: 'must be an app name or { app, ports }', received: entry, fix: 'write e.g. "catalog-api", or { app: "catalog-api", ports: ["http"] }' });
          continue;
        }
        const callee = call.app;
        const where = typeof entry === 'string' ? `${at}.calls[${i}]` : `${at}.calls[${i}].app`;
        // A misspelt key (port, ports_) would silently widen the call to every port: checkFields reports it.
        const target = this.apps.get(callee);
        if (!target) {
          this.issue({ path: where, message: 'names an app that is not declared', received: callee, fix: `call a declared app (${suggest(asText(callee), [...this.apps.keys()])})` });
        } else if (target.workload?.kind !== 'service') {
          this.issue({ path: where, message: `names "${callee}", which is a ${target.workload?.kind} and has no Service to call`, received: callee, fix: 'only services can be called; remove the entry' });
        } else if (callee === app.name) {
          this.issue({ path: where, message: 'names the app itself', received: callee, fix: 'remove the entry; pods of one app can always reach each other' });
        } else if (called.has(callee)) {
          this.issue({ path: where, message: `calls "${callee}" a second time`, received: callee, fix: 'list each app once, with every port it calls in one entry' });
        } else if (call.ports !== undefined) {
          const names = (Array.isArray(target.ports) ? target.ports : []).map((p) => p?.name);
          if (!Array.isArray(call.ports) || call.ports.length === 0) {
            this.issue({ path: `${at}.calls[${i}].ports`, message: 'must be a non-empty list of port names', received: call.ports, fix: `name ports of "${callee}" (${JSON.stringify(names)}), or omit ports to call all of them` });
          } else {
            call.ports.forEach((name, k) => {
              if (!names.includes(name)) {
                this.issue({
                  path: `${at}.calls[${i}].ports[${k}]`,
                  message: `is not a port of "${callee}"`,
                  received: name,
                  fix: `use one of ${JSON.stringify(names)} (${suggest(String(name), names.filter(isString))})`,
                });
              }
            });
          }
        }
        called.add(callee);
      }
    }
  }

  private checkPorts(app: AppSpec): void {
    const at = `apps.${app.name}.ports`;
    const ports = app.ports ?? [];
    const names = new Set<string>();
    const numbers = new Set<string>();
    ports.forEach((p, i) => {
      if (!isString(p?.name) || !PORT_NAME.test(p.name) || p.name.length > 15 || !/[a-z]/.test(p.name)) {
        this.issue({ path: `${at}[${i}].name`, message: 'must be at most 15 lowercase letters, digits and "-", with at least one letter', received: p?.name, fix: 'name it e.g. "http" or "grpc"' });
      } else if (names.has(p.name)) {
        this.issue({ path: `${at}[${i}].name`, message: 'clashes with another port of the same name', received: p.name, fix: 'give each port a unique name' });
      }
      names.add(p?.name);
      if (!Number.isInteger(p?.port)) {
        this.issue({ path: `${at}[${i}].port`, message: 'must be a whole number', received: p?.port, fix: 'write the port as a number, e.g. port: 8080 (not "8080")' });
      } else if (p.port < 1 || p.port > 65535) {
        this.issue({ path: `${at}[${i}].port`, message: 'is out of range', received: p?.port, fix: 'use a port number from 1 to 65535 (above 1024: containers run as non-root)' });
      } else if (p.port < 1024) {
        this.issue({ path: `${at}[${i}].port`, message: 'is a privileged port, which a non-root container cannot bind', received: p.port, fix: 'listen on a port above 1024 (e.g. 8080); the Service still exposes port 80' });
      }
      const key = `${p?.port}/${p?.protocol ?? 'TCP'}`;
      if (numbers.has(key)) {
        this.issue({ path: `${at}[${i}].port`, message: 'clashes with another port of the app', received: p?.port, fix: 'give each port a unique number' });
      }
      numbers.add(key);
      if (p?.protocol !== undefined && p.protocol !== 'TCP' && p.protocol !== 'UDP') {
        this.issue({ path: `${at}[${i}].protocol`, message: 'must be TCP or UDP', received: p.protocol, fix: 'omit it for TCP' });
      }
    });
    if (app.workload?.kind === 'service' && ports.length === 0) {
      this.issue({ path: at, message: 'is empty, but a service needs at least one port', received: app.ports, fix: 'declare the port the server listens on, e.g. [{ name: "http", port: 8080 }], or make it a Workload.worker()' });
    }
  }

  private portNamed(app: AppSpec, name: string): boolean {
    return (app.ports ?? []).some((p) => p.name === name);
  }

  /**
   * `$(NAME)` in command and args is replaced by Kubernetes with the
   * container's variable NAME; a variable that does not exist is left as
   * written, so the program would silently get the text `$(NAME)`. Each one
   * must be an env variable of the app in this environment, or a secret's.
   * `$$(NAME)` is Kubernetes' escape for the text itself.
   */
  private checkVariableReferences(app: AppSpec, o: AppOverride, environment: string, file: string): void {
    const defined = new Set([
      ...Object.keys(isPlainRecord(app.env) ? app.env : {}),
      ...Object.keys(isPlainRecord(o.env) ? o.env : {}),
      ...(Array.isArray(app.secrets) ? app.secrets.map((x) => x?.envVar) : []),
    ]);
    for (const field of ['command', 'args'] as const) {
      const list = app[field];
      if (!Array.isArray(list)) continue;
      list.forEach((item, i) => {
        if (!isString(item)) return;
        for (const [, name] of item.replace(/\$\$\(/g, '').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) {
          if (defined.has(name)) continue;
          this.issue({
            environment,
            file,
            path: `apps.${app.name}.${field}[${i}]`,
            message: `refers to $(${name}), which is not one of the app's variables in this environment (Kubernetes would pass the text "$(${name})" as it is)`,
            received: item,
            fix: `set env ${name} for the app (in ${file}, or on the app for every environment), or write $$(${name}) for the text itself`,
          });
        }
      });
    }
  }

  private checkCalledFrom(app: AppSpec): void {
    if (app.calledFrom === undefined) return;
    const at = `apps.${app.name}.calledFrom`;
    if (!Array.isArray(app.calledFrom)) {
      this.issue({ path: at, message: 'must be a list', received: app.calledFrom, fix: 'write calledFrom: [{ namespace: "argo-rollouts" }], or omit it' });
      return;
    }
    const portNames = (app.ports ?? []).map((p) => p.name);
    app.calledFrom.forEach((c, i) => {
      if (!isString(c?.namespace) || !DNS1123_LABEL.test(c.namespace)) {
        this.issue({ path: `${at}[${i}].namespace`, message: 'is not a namespace name', received: c?.namespace, fix: 'write the namespace the callers run in, e.g. "argo-rollouts"' });
      }
      if (c?.ports !== undefined) {
        if (!Array.isArray(c.ports) || c.ports.length === 0) {
          this.issue({ path: `${at}[${i}].ports`, message: 'must be a non-empty list of port names', received: c.ports, fix: `name ports of the app (${JSON.stringify(portNames)}), or omit ports to admit all of them` });
        } else {
          (c.ports as readonly unknown[]).forEach((p, j) => {
            if (!portNames.includes(p as string)) this.issue({ path: `${at}[${i}].ports[${j}]`, message: 'is not a port of the app', received: p, fix: `use one of ${JSON.stringify(portNames)} (${suggest(asText(p), portNames)})` });
          });
        }
      }
    });
    if ((app.ports ?? []).length === 0 && app.calledFrom.length > 0) {
      this.issue({ path: at, message: 'admits callers, but the app has no port', received: app.calledFrom, fix: 'declare the port they call, or remove calledFrom' });
    }
  }

  private checkMetrics(app: AppSpec): void {
    const m = app.metrics;
    if (m === undefined) return;
    const at = `apps.${app.name}.metrics`;
    if (m === null || typeof m !== 'object') {
      this.issue({ path: at, message: 'must be an object', received: m, fix: 'write metrics: { port: "metrics" }, or omit it' });
      return;
    }
    if (!app.workload?.isLongRunning) {
      this.issue({ path: at, message: `does not apply to a ${app.workload?.kind}: only services and workers are scraped`, received: m, fix: 'remove it' });
    }
    if (!isString(m.port) || !this.portNamed(app, m.port)) {
      this.issue({ path: `${at}.port`, message: 'names a port the app does not declare', received: m.port, fix: `declare the port in ports, or use one of the app's ports (${suggest(asText(m.port), (app.ports ?? []).map((p) => p.name))})` });
    }
    if (m.path !== undefined && (!isString(m.path) || !m.path.startsWith('/'))) {
      this.issue({ path: `${at}.path`, message: 'must be an absolute HTTP path', received: m.path, fix: 'write e.g. "/metrics"' });
    }
    if (m.interval !== undefined && (!isString(m.interval) || m.interval === '' || !PROMETHEUS_DURATION.test(m.interval))) {
      this.issue({ path: `${at}.interval`, message: 'is not a Prometheus duration', received: m.interval, fix: 'write e.g. "30s" or "1m"' });
    }
  }

  private checkProbes(app: AppSpec): void {
    const at = `apps.${app.name}.probes`;
    const probes = app.probes ?? {};
    for (const which of ['readiness', 'liveness', 'startup'] as const) {
      const probe = probes[which];
      if (probe === undefined) {
        if (app.workload?.isLongRunning && which !== 'startup') {
          this.issue({ path: `${at}.${which}`, message: `is missing; every ${app.workload.kind} needs a ${which} probe`, fix: `add e.g. ${which}: Probe.http("/healthz", "http") (or Probe.exec([...]) for a worker without a port)` });
        }
        continue;
      }
      if (!(probe instanceof Probe)) {
        this.issue({ path: `${at}.${which}`, message: 'must be a Probe', received: probe, fix: 'use Probe.http(path, port), Probe.tcp(port) or Probe.exec(command)' });
        continue;
      }
      if (!app.workload?.isLongRunning) {
        this.issue({ path: `${at}.${which}`, message: `does not apply to a ${app.workload?.kind}: a job runs to completion`, received: probe.check.type, fix: 'remove the probe' });
      }
      if (probe.check.type !== 'exec' && !this.portNamed(app, probe.check.port)) {
        this.issue({ path: `${at}.${which}.port`, message: 'names a port the app does not declare', received: probe.check.port, fix: `use one of the app's ports (${suggest(probe.check.port, (app.ports ?? []).map((p) => p.name))})` });
      }
      if (probe.check.type === 'http' && (!isString(probe.check.path) || !probe.check.path.startsWith('/'))) {
        this.issue({ path: `${at}.${which}.path`, message: 'must be an absolute HTTP path', received: probe.check.path, fix: 'write e.g. "/healthz"' });
      }
      if (probe.check.type === 'exec' && (!Array.isArray(probe.check.command) || probe.check.command.length === 0)) {
        this.issue({ path: `${at}.${which}.command`, message: 'must be a non-empty command', received: probe.check.command, fix: 'write e.g. ["/bin/healthcheck"]' });
      }
      for (const [key, value] of Object.entries(probe.timing ?? {})) {
        if (!isPositiveInt(value) && !(key === 'initialDelaySeconds' && value === 0)) {
          this.issue({ path: `${at}.${which}.${key}`, message: 'must be a positive whole number of seconds', received: value, fix: `set e.g. ${key}: 5` });
        }
      }
    }
  }

  private checkResources(at: string, resources: AppSpec['resources'], environment?: string, file?: string): void {
    if (resources === undefined) return;
    const merged = { ...DEFAULT_RESOURCES, ...resources };
    for (const field of ['cpuRequest', 'cpuLimit'] as const) {
      if (resources[field] !== undefined && parseCpu(resources[field]) === undefined) {
        this.issue({ environment, file, path: `${at}.resources.${field}`, message: 'is not a CPU quantity', received: resources[field], fix: 'write millicores ("250m") or cores ("1")' });
      }
    }
    for (const field of ['memoryRequest', 'memoryLimit'] as const) {
      if (resources[field] !== undefined && parseMemory(resources[field]) === undefined) {
        this.issue({ environment, file, path: `${at}.resources.${field}`, message: 'is not a memory quantity', received: resources[field], fix: 'write e.g. "256Mi" or "1Gi"' });
      }
    }
    const [cr, cl] = [parseCpu(merged.cpuRequest), parseCpu(merged.cpuLimit)];
    if (cr !== undefined && cl !== undefined && cl < cr) {
      this.issue({ environment, file, path: `${at}.resources.cpuLimit`, message: `is below the CPU request ${merged.cpuRequest}`, received: merged.cpuLimit, fix: 'raise cpuLimit to at least cpuRequest' });
    }
    const [mr, ml] = [parseMemory(merged.memoryRequest), parseMemory(merged.memoryLimit)];
    if (mr !== undefined && ml !== undefined && ml < mr) {
      this.issue({ environment, file, path: `${at}.resources.memoryLimit`, message: `is below the memory request ${merged.memoryRequest}`, received: merged.memoryLimit, fix: 'raise memoryLimit to at least memoryRequest' });
    }
  }

  private checkEnv(at: string, env: Readonly<Record<string, string>> | undefined, app: AppSpec, environment?: string, file?: string): void {
    if (env === undefined) return;
    if (typeof env !== 'object' || env === null || Array.isArray(env)) {
      this.issue({ environment, file, path: `${at}.env`, message: 'must be an object of variable name to string value', received: env, fix: 'write e.g. env: { LOG_LEVEL: "info" }' });
      return;
    }
    const secretVars = new Set((app.secrets ?? []).map((s) => s?.envVar));
    for (const [name, value] of Object.entries(env)) {
      if (!ENV_VAR_NAME.test(name)) {
        this.issue({ environment, file, path: `${at}.env`, message: 'holds a variable name that is not a valid identifier', received: name, fix: 'use letters, digits and "_", not starting with a digit' });
      }
      if (typeof value !== 'string') {
        this.issue({ environment, file, path: `${at}.env.${name}`, message: 'must be a string', received: value, fix: `quote it, e.g. ${name}: "${asText(value)}"` });
      }
      if (secretVars.has(name)) {
        this.issue({ environment, file, path: `${at}.env.${name}`, message: 'is also filled from a secret', received: name, fix: 'remove it from env; the secret provides it' });
      }
    }
  }

  private checkConfigFiles(app: AppSpec): void {
    const at = `apps.${app.name}`;
    for (const [name, content] of Object.entries(app.configFiles ?? {})) {
      if (!CONFIG_KEY.test(name) || name.length > 253) {
        this.issue({ path: `${at}.configFiles`, message: 'holds a file name that is not a valid ConfigMap key', received: name, fix: 'use letters, digits, ".", "-" and "_" (no "/")' });
      }
      if (typeof content !== 'string') {
        this.issue({ path: `${at}.configFiles.${name}`, message: 'must be the file content as a string', received: content, fix: 'write the file\'s text' });
      }
    }
    if (app.configMountPath !== undefined && (!isString(app.configMountPath) || !app.configMountPath.startsWith('/') || app.configMountPath === '/' || app.configMountPath === '/tmp')) {
      this.issue({ path: `${at}.configMountPath`, message: 'must be an absolute directory other than / and /tmp', received: app.configMountPath, fix: `omit it to mount at /etc/${app.name}` });
    }
  }

  private checkSecretsAndIdentity(app: AppSpec): void {
    const at = `apps.${app.name}`;
    const names = new Set<string>();
    const vars = new Set<string>();
    (app.secrets ?? []).forEach((s, i) => {
      if (!isString(s?.name) || !DNS1123_LABEL.test(s.name) || app.name.length + 1 + s.name.length > 200) {
        this.issue({ path: `${at}.secrets[${i}].name`, message: 'must be a DNS label (it names the Secret Manager secret <app>-<name>)', received: s?.name, fix: 'write e.g. "db-password"' });
      } else if (names.has(s.name)) {
        this.issue({ path: `${at}.secrets[${i}].name`, message: 'is declared twice', received: s.name, fix: 'remove the duplicate' });
      }
      names.add(s?.name);
      if (!isString(s?.envVar) || !ENV_VAR_NAME.test(s.envVar)) {
        this.issue({ path: `${at}.secrets[${i}].envVar`, message: 'must be an environment variable name', received: s?.envVar, fix: 'write e.g. "DB_PASSWORD"' });
      } else if (vars.has(s.envVar)) {
        this.issue({ path: `${at}.secrets[${i}].envVar`, message: 'is filled by two secrets', received: s.envVar, fix: 'give each secret its own variable' });
      }
      vars.add(s?.envVar);
    });
    const needsIdentity = app.identity !== undefined || (app.secrets ?? []).length > 0;
    if (needsIdentity) {
      const accountId = app.identity?.accountId ?? app.name;
      if (!isString(accountId) || !GCP_SERVICE_ACCOUNT_ID.test(accountId)) {
        this.issue({ path: `${at}.identity.accountId`, message: 'is not a valid Google service account id (6-30 characters: a lowercase letter first, then letters, digits and "-")', received: accountId, fix: app.identity?.accountId === undefined ? `the app name is used by default and does not fit: set identity.accountId, e.g. "${(`${app.name}-sa`).slice(0, 30).replace(/-+$/, '')}"` : 'choose an id that fits' });
      }
      (app.identity?.roles ?? []).forEach((role, i) => {
        if (!isString(role) || !/^(roles|projects\/[a-z0-9-]+\/roles|organizations\/\d+\/roles)\/[A-Za-z0-9_.]+$/.test(role)) {
          this.issue({ path: `${at}.identity.roles[${i}]`, message: 'is not an IAM role name', received: role, fix: 'write e.g. "roles/pubsub.subscriber"' });
        } else if (/^roles\/(owner|editor)$/.test(role) || /^roles\/[a-z]+\.admin$/.test(role)) {
          this.issue({ path: `${at}.identity.roles[${i}]`, message: 'grants administrative rights, which no workload should hold', received: role, fix: 'grant the narrowest role that lets the app work (e.g. roles/pubsub.subscriber)' });
        }
      });
    }
  }

  private checkWorkloadOptions(app: AppSpec): void {
    const at = `apps.${app.name}.workload`;
    const { cron, migration } = app.workload;
    if (cron) {
      this.checkSchedule(`${at}.schedule`, cron.schedule);
      for (const key of ['activeDeadlineSeconds', 'backoffLimit'] as const) {
        if (cron[key] !== undefined && !(Number.isInteger(cron[key]) && (cron[key] as number) >= 0)) {
          this.issue({ path: `${at}.${key}`, message: 'must be a whole number of at least 0', received: cron[key], fix: `set e.g. ${key}: ${key === 'backoffLimit' ? 2 : 3600}` });
        }
      }
    }
    if (migration) {
      const target = this.apps.get(migration.migrates);
      if (!target) {
        this.issue({ path: `${at}.migrates`, message: 'names an app that is not declared', received: migration.migrates, fix: `name the app this migration runs before (${suggest(asText(migration.migrates), [...this.apps.keys()])})` });
      } else if (!target.workload?.isLongRunning) {
        this.issue({ path: `${at}.migrates`, message: `names a ${target.workload?.kind}; a migration runs before a service or worker`, received: migration.migrates, fix: 'name a service or worker' });
      } else if (target.team !== app.team || (target.namespace ?? '') !== (app.namespace ?? '')) {
        this.issue({ path: `${at}.migrates`, message: 'names an app of another team or namespace; the migration rides in that app\'s Argo CD Application', received: migration.migrates, fix: `give the migration the same team and namespace as "${target.name}"` });
      }
    }
    if (!app.workload.isLongRunning) {
      for (const field of ['replicas', 'autoscaling', 'maxUnavailable', 'exposure'] as const) {
        if (app[field] !== undefined) {
          this.issue({ path: `apps.${app.name}.${field}`, message: `does not apply to a ${app.workload.kind}`, received: app[field] instanceof Exposure ? 'Exposure' : app[field], fix: 'remove it' });
        }
      }
    }
    if (app.exposure !== undefined && !(app.exposure instanceof Exposure)) {
      this.issue({ path: `apps.${app.name}.exposure`, message: 'must be an Exposure', received: app.exposure, fix: 'use Exposure.internal() or Exposure.public({ subdomain })' });
    } else if (app.exposure?.isPublic) {
      if (app.workload.kind !== 'service') {
        this.issue({ path: `apps.${app.name}.exposure`, message: 'is public, but only a service can be exposed', received: app.workload.kind, fix: 'use Workload.service() or Exposure.internal()' });
      }
      if (!isString(app.exposure.subdomain) || !DNS1123_LABEL.test(app.exposure.subdomain)) {
        this.issue({ path: `apps.${app.name}.exposure.subdomain`, message: 'must be a DNS label', received: app.exposure.subdomain, fix: 'write e.g. "shop" for shop.<environment domain>' });
      }
      if (app.exposure.port !== undefined && !this.portNamed(app, app.exposure.port)) {
        this.issue({ path: `apps.${app.name}.exposure.port`, message: 'names a port the app does not declare', received: app.exposure.port, fix: `use one of the app's ports (${suggest(app.exposure.port, (app.ports ?? []).map((p) => p.name))})` });
      }
      if (app.exposure.path !== undefined && (!isString(app.exposure.path) || !app.exposure.path.startsWith('/'))) {
        this.issue({ path: `apps.${app.name}.exposure.path`, message: 'must be an absolute path prefix', received: app.exposure.path, fix: 'write e.g. "/" or "/api"' });
      }
    }
  }

  private checkDelivery(at: string, delivery: Delivery | undefined, app: AppSpec, environment?: string, file?: string): void {
    if (delivery === undefined) return;
    const path = `${at}.delivery`;
    const bad = (message: string, received: unknown, fix: string, sub = '') => this.issue({ environment, file, path: `${path}${sub}`, message, received, fix });
    if (!(delivery instanceof Delivery)) {
      bad('must be a Delivery', delivery, 'use Delivery.rollingUpdate(), Delivery.canary({ steps }) or Delivery.blueGreen()');
      return;
    }
    // The options as declared: a misspelt one (maxSurg) would otherwise be ignored.
    if (delivery.declared) this.checkFields(path, delivery.declared, DELIVERY_OPTIONS[delivery.kind], { environment, file });
    if (!app.workload?.isLongRunning) {
      bad(`does not apply to a ${app.workload?.kind}`, delivery.kind, 'remove it');
      return;
    }
    if (delivery.kind !== 'rolling-update' && app.workload.kind !== 'service') {
      const why = delivery.kind === 'canary' ? 'traffic reaches the canary through the app\'s Service' : 'the preview Service shows the new version before promotion';
      bad(`is a ${delivery.kind}, which needs a service (${why})`, delivery.kind, 'use Delivery.rollingUpdate() for a worker');
    }
    const surgeOk = (v: unknown) => (Number.isInteger(v) && (v as number) >= 0) || (typeof v === 'string' && /^(100|[1-9]?\d)%$/.test(v));
    if (delivery.kind === 'rolling-update') {
      if (!surgeOk(delivery.maxSurge)) bad('is not a whole number or a percentage', delivery.maxSurge, 'write e.g. 1 or "25%"', '.maxSurge');
      if (!surgeOk(delivery.maxUnavailable)) bad('is not a whole number or a percentage', delivery.maxUnavailable, 'write e.g. 0 or "25%"', '.maxUnavailable');
      if ((delivery.maxSurge === 0 || delivery.maxSurge === '0%') && (delivery.maxUnavailable === 0 || delivery.maxUnavailable === '0%')) {
        bad('allows neither an extra nor a missing pod, so a rollout can never progress', { maxSurge: delivery.maxSurge, maxUnavailable: delivery.maxUnavailable }, 'set maxSurge >= 1 or maxUnavailable >= 1');
      }
    }
    if (delivery.kind === 'canary') {
      const steps = Array.isArray(delivery.steps) ? delivery.steps : [];
      if (steps.length === 0) bad('has no steps', delivery.steps, 'list steps, e.g. [CanaryStep.weight(10), CanaryStep.pause("5m"), CanaryStep.weight(50), CanaryStep.pause("10m")]', '.steps');
      let last = 0;
      steps.forEach((step, i) => {
        if (!(step instanceof CanaryStep)) {
          bad('must be a CanaryStep', step, 'use CanaryStep.weight(n), CanaryStep.pause(duration) or CanaryStep.pauseUntilPromoted()', `.steps[${i}]`);
        } else if (step.weight !== undefined) {
          if (!Number.isInteger(step.weight) || step.weight < 1 || step.weight > 100) bad('must be a percentage from 1 to 100', step.weight, 'write e.g. CanaryStep.weight(20)', `.steps[${i}]`);
          else if (step.weight < last) bad(`goes down from ${last}%; a canary only grows (abort to go back)`, step.weight, 'order the weights from small to large', `.steps[${i}]`);
          else last = step.weight;
        } else if (step.pauseDuration !== undefined && !DURATION.test(step.pauseDuration)) {
          bad('is not a duration', step.pauseDuration, 'write e.g. "30s", "5m" or "1h"', `.steps[${i}]`);
        }
      });
      const a = delivery.analysis;
      if (a !== undefined) {
        if (!isString(a.query) || a.query.trim() === '') bad('must be a PromQL query', a.query, 'write a query that returns one number', '.analysis.query');
        if (!isString(a.successCondition) || !a.successCondition.includes('result')) bad('must be a condition on result', a.successCondition, 'write e.g. "result[0] >= 0.99"', '.analysis.successCondition');
        if (a.interval !== undefined && (!isString(a.interval) || !DURATION.test(a.interval))) bad('is not a duration', a.interval, 'write e.g. "1m"', '.analysis.interval');
        if (a.failureLimit !== undefined && !(Number.isInteger(a.failureLimit) && a.failureLimit >= 0)) bad('must be a whole number of at least 0', a.failureLimit, 'write e.g. 2', '.analysis.failureLimit');
      }
    }
    if (delivery.kind === 'blue-green' && !(Number.isInteger(delivery.scaleDownDelaySeconds) && (delivery.scaleDownDelaySeconds as number) >= 0)) {
      bad('must be a whole number of seconds', delivery.scaleDownDelaySeconds, 'write e.g. 30', '.scaleDownDelaySeconds');
    }
  }

  private checkSchedule(path: string, schedule: unknown, environment?: string, file?: string): void {
    const fields = isString(schedule) ? schedule.trim().split(/\s+/) : [];
    if (fields.length !== 5 || !fields.every((f) => CRON_FIELD.test(f))) {
      this.issue({ environment, file, path, message: 'is not a five-field cron expression', received: schedule, fix: 'write minute hour day-of-month month day-of-week, e.g. "0 2 * * *" for 02:00 daily' });
    }
  }

  private checkScaling(at: string, replicas: unknown, autoscaling: AppSpec['autoscaling'], maxUnavailable: unknown, environment?: string, file?: string): void {
    if (replicas !== undefined && !isPositiveInt(replicas)) {
      this.issue({ environment, file, path: `${at}.replicas`, message: 'must be a whole number of at least 1', received: replicas, fix: 'set replicas: 1 or more' });
    }
    if (maxUnavailable !== undefined && !isPositiveInt(maxUnavailable)) {
      this.issue({ environment, file, path: `${at}.maxUnavailable`, message: 'must be a whole number of at least 1 (a budget of 0 blocks node upgrades)', received: maxUnavailable, fix: 'set maxUnavailable: 1' });
    }
    if (autoscaling !== undefined) {
      const { minReplicas, maxReplicas, targetCpuUtilization } = autoscaling;
      if (!isPositiveInt(maxReplicas)) {
        this.issue({ environment, file, path: `${at}.autoscaling.maxReplicas`, message: 'must be a whole number of at least 1', received: maxReplicas, fix: 'set e.g. maxReplicas: 10' });
      }
      if (minReplicas !== undefined && !isPositiveInt(minReplicas)) {
        this.issue({ environment, file, path: `${at}.autoscaling.minReplicas`, message: 'must be a whole number of at least 1', received: minReplicas, fix: 'set e.g. minReplicas: 2' });
      } else if (isPositiveInt(maxReplicas) && (minReplicas ?? 1) > maxReplicas) {
        this.issue({ environment, file, path: `${at}.autoscaling.minReplicas`, message: `is above maxReplicas ${maxReplicas}`, received: minReplicas, fix: 'make minReplicas <= maxReplicas' });
      }
      if (targetCpuUtilization !== undefined && !(isPositiveInt(targetCpuUtilization) && targetCpuUtilization <= 100)) {
        this.issue({ environment, file, path: `${at}.autoscaling.targetCpuUtilization`, message: 'must be a percentage from 1 to 100', received: targetCpuUtilization, fix: 'set e.g. targetCpuUtilization: 70' });
      }
    }
  }

  // ---------------------------------------------------------------- environments

  private resolveEnvironments(): ResolvedEnvironment[] {
    const envs = Array.isArray(this.spec.environments) ? this.spec.environments : [];
    if (envs.length === 0) {
      this.issue({ path: 'environments', message: 'no environment is declared', received: this.spec.environments, fix: 'declare at least one environment in environments/ and list it in the platform' });
    }
    const seen = new Map<string, string>();
    const resolved: ResolvedEnvironment[] = [];
    envs.forEach((env, index) => {
      if (!isString(env?.name) || !DNS1123_LABEL.test(env.name) || env.name.length > 20) {
        this.issue({ path: `environments[${index}].name`, message: 'must be a DNS label of at most 20 characters', received: env?.name, fix: 'use lowercase letters, digits and "-", e.g. "prod"' });
        return;
      }
      if (seen.has(env.name)) {
        this.issue({ path: `environments.${env.name}`, message: 'is declared twice', received: env.name, fix: 'give each environment a unique name' });
        return;
      }
      seen.set(env.name, env.gcpProject);
      const r = this.resolveEnvironment(env);
      if (r) resolved.push(r);
    });
    const projects = new Map<string, string>();
    for (const env of envs) {
      if (isString(env?.gcpProject) && projects.has(env.gcpProject)) {
        this.issue({ environment: env.name, path: 'gcpProject', message: `is also the project of environment "${projects.get(env.gcpProject)}"`, received: env.gcpProject, fix: 'give each environment its own GCP project (blast radius, IAM and quotas are per project)', file: sourceFile(env) });
      }
      if (isString(env?.gcpProject)) projects.set(env.gcpProject, env.name);
    }
    return resolved;
  }

  private resolveEnvironment(env: EnvironmentSpec): ResolvedEnvironment | undefined {
    const file = sourceFile(env);
    const e = env.name;
    const before = this.issues.size;
    this.checkFields('', env, ENVIRONMENT, { environment: e, file });
    if (env.sync instanceof SyncPolicy && env.sync.declared) {
      this.checkFields('sync', env.sync.declared, env.sync.automated ? SYNC_OPTIONS.automated : SYNC_OPTIONS.manual, { environment: e, file });
    }
    if (!(env.tier instanceof Tier)) {
      this.issue({ environment: e, file, path: 'tier', message: 'must be a Tier', received: env.tier, fix: 'use Tier.DEVELOPMENT, Tier.STAGING or Tier.PRODUCTION' });
    }
    if (!isString(env.gcpProject) || !GCP_PROJECT_ID.test(env.gcpProject)) {
      this.issue({ environment: e, file, path: 'gcpProject', message: 'is not a GCP project id (6-30 characters: lowercase letters, digits, "-")', received: env.gcpProject, fix: 'use the project id, e.g. "acme-shop-prod"' });
    }
    if (!isString(env.region) || !/^[a-z]+-[a-z]+\d$/.test(env.region)) {
      this.issue({ environment: e, file, path: 'region', message: 'is not a GCP region', received: env.region, fix: 'write e.g. "europe-west1"' });
    }
    if (!isString(env.domain) || !DNS_NAME.test(env.domain) || !env.domain.includes('.')) {
      this.issue({ environment: e, file, path: 'domain', message: 'is not a DNS domain', received: env.domain, fix: 'write e.g. "dev.acme.dev"' });
    }
    if (env.sync !== undefined && !(env.sync instanceof SyncPolicy)) {
      this.issue({ environment: e, file, path: 'sync', message: 'must be a SyncPolicy', received: env.sync, fix: 'use SyncPolicy.automated() or SyncPolicy.manual()' });
    }
    if (env.teamAccess !== undefined && !(env.teamAccess instanceof TeamAccess)) {
      this.issue({ environment: e, file, path: 'teamAccess', message: 'must be a TeamAccess', received: env.teamAccess, fix: 'use TeamAccess.EDIT or TeamAccess.VIEW' });
    }
    const cluster = this.resolveCluster(env, file);
    const sync = env.sync instanceof SyncPolicy ? env.sync : SyncPolicy.automated();
    const windows = Array.isArray(env.syncWindows) ? env.syncWindows : [];
    if (env.syncWindows !== undefined && !Array.isArray(env.syncWindows)) {
      this.issue({ environment: e, file, path: 'syncWindows', message: 'must be a list', received: env.syncWindows, fix: 'write syncWindows: [{ kind, schedule, duration }]' });
    }
    const endpoints = env.endpoints ?? {};
    for (const [name, ep] of Object.entries(endpoints)) {
      const at = `endpoints.${name}`;
      if (!DNS1123_LABEL.test(name)) {
        this.issue({ environment: e, file, path: at, message: 'has a name that is not a DNS label', received: name, fix: 'name it e.g. "orders-db"' });
      }
      if (!isCidr(ep?.cidr)) {
        this.issue({ environment: e, file, path: `${at}.cidr`, message: 'is not an IPv4 CIDR block', received: ep?.cidr, fix: 'write e.g. "10.30.0.0/24"' });
      } else if (ep.cidr.endsWith('/0')) {
        this.issue({ environment: e, file, path: `${at}.cidr`, message: 'is the whole internet, which is not an endpoint', received: ep.cidr, fix: 'use internetEgress on the app for public HTTPS, or name the real range' });
      }
      const ports = Array.isArray(ep?.ports) ? ep.ports : [];
      if (ports.length === 0 || !ports.every((p) => Number.isInteger(p) && p >= 1 && p <= 65535)) {
        this.issue({ environment: e, file, path: `${at}.ports`, message: 'must list TCP ports from 1 to 65535', received: ep?.ports, fix: 'write e.g. ports: [5432]' });
      }
    }
    const previews = env.previews;
    if (previews !== undefined) {
      if (env.tier instanceof Tier && env.tier.isProduction) {
        this.issue({ environment: e, file, path: 'previews', message: 'are declared on a production environment', received: e, fix: 'declare previews on the development environment (pull requests must never run on the production cluster)' });
      }
      if (!isString(previews.github?.owner) || !/^[A-Za-z0-9-]+$/.test(previews.github.owner) || !isString(previews.github?.repo) || !/^[A-Za-z0-9._-]+$/.test(previews.github.repo)) {
        this.issue({ environment: e, file, path: 'previews.github', message: 'must name the GitHub owner and repository', received: previews.github, fix: 'write github: { owner: "acme", repo: "platform" }' });
      }
      if (!isString(previews.domain) || !DNS_NAME.test(previews.domain) || !previews.domain.includes('.')) {
        this.issue({ environment: e, file, path: 'previews.domain', message: 'is not a DNS domain', received: previews.domain, fix: 'write e.g. "preview.dev.acme.dev"' });
      }
      this.checkQuota('previews.quota', previews.quota, e, file);
      if (previews.requeueAfterSeconds !== undefined && !(isPositiveInt(previews.requeueAfterSeconds) && previews.requeueAfterSeconds >= 30)) {
        this.issue({ environment: e, file, path: 'previews.requeueAfterSeconds', message: 'must be a whole number of seconds, at least 30 (GitHub rate limits)', received: previews.requeueAfterSeconds, fix: 'write e.g. 180' });
      }
      // A preview is asked for with the pull-request label preview:<app>; GitHub refuses labels over 50 characters.
      for (const [name, app] of this.apps) {
        const label = `${PREVIEW_LABEL_PREFIX}${name}`;
        if (app.workload?.kind !== 'migration' && label.length > GITHUB_LABEL_MAX) {
          this.issue({
            environment: e,
            file,
            path: 'previews',
            message: `would ask for app "${name}"'s preview with the pull-request label "${label}" (${label.length} characters), longer than GitHub allows (${GITHUB_LABEL_MAX})`,
            received: name,
            fix: `shorten the app's name to at most ${GITHUB_LABEL_MAX - PREVIEW_LABEL_PREFIX.length} characters`,
          });
        }
      }
    }
    windows.forEach((w, i) => {
      if (w?.kind !== 'allow' && w?.kind !== 'deny') {
        this.issue({ environment: e, file, path: `syncWindows[${i}].kind`, message: 'must be "allow" or "deny"', received: w?.kind, fix: 'write kind: "deny" for a freeze' });
      }
      this.checkSchedule(`syncWindows[${i}].schedule`, w?.schedule, e, file);
      if (!isString(w?.duration) || !DURATION.test(w.duration)) {
        this.issue({ environment: e, file, path: `syncWindows[${i}].duration`, message: 'is not a duration', received: w?.duration, fix: 'write e.g. "1h" or "64h"' });
      }
    });
    if (cluster) {
      const ranges = {
        nodesCidr: cluster.nodesCidr, podsCidr: cluster.podsCidr, servicesCidr: cluster.servicesCidr, controlPlaneCidr: cluster.controlPlaneCidr,
      };
      for (const [name, ep] of Object.entries(env.endpoints ?? {})) {
        if (!isCidr(ep?.cidr)) continue;
        for (const [field, range] of Object.entries(ranges)) {
          if (cidrsOverlap(ep.cidr, range)) {
            this.issue({ environment: e, file, path: `endpoints.${name}.cidr`, message: `overlaps cluster.${field} ${range}`, received: ep.cidr, fix: 'an endpoint outside the cluster cannot share the cluster\'s ranges: check the address, or move the cluster\'s ranges' });
          }
        }
      }
    }
    const release = this.readRelease(env);
    const teams = this.resolveTeams(env, file);
    const apps = this.resolveApps(env, file, release);
    this.checkQuotaFits(env, file, teams, apps);
    const previewQuota = previews ? resolveQuota({ requestsCpu: '1', requestsMemory: '2Gi', pods: 10, ...previews.quota }) : undefined;
    if (previewQuota && this.issues.size === before) this.checkPreviewQuotaFits(env, file, apps, previewQuota);
    if (this.issues.size > before || !cluster) return undefined;
    const production = env.tier.isProduction;
    return {
      name: e,
      tier: env.tier,
      gcpProject: env.gcpProject,
      region: env.region,
      domain: env.domain,
      cluster,
      sync: {
        automated: sync.automated,
        prune: sync.prune,
        selfHeal: sync.selfHeal,
        retry: {
          limit: sync.retry.limit ?? 5,
          backoffDuration: sync.retry.backoffDuration ?? '10s',
          backoffFactor: sync.retry.backoffFactor ?? 2,
          backoffMaxDuration: sync.retry.backoffMaxDuration ?? '3m',
        },
      },
      previews: previews
        ? {
          owner: previews.github.owner,
          repo: previews.github.repo,
          tokenSecret: previews.github.tokenSecret,
          domain: previews.domain,
          quota: previewQuota!,
          requeueAfterSeconds: previews.requeueAfterSeconds ?? 180,
          labelPrefix: PREVIEW_LABEL_PREFIX,
        }
        : undefined,
      syncWindows: windows.map((w) => ({ kind: w.kind, schedule: w.schedule, duration: w.duration, manualSync: w.manualSync ?? true, timeZone: w.timeZone ?? 'UTC' })),
      teamAccess: env.teamAccess ?? (production ? TeamAccess.VIEW : TeamAccess.EDIT),
      stateBucket: env.stateBucket ?? `${env.gcpProject}-tfstate`,
      path: `${DIST_DIR}/${e}`,
      rbacSecurityGroup: this.spec.rbacSecurityGroup ?? `gke-security-groups@${this.spec.organization?.domain}`,
      workloadIdentityPool: `${env.gcpProject}.svc.id.goog`,
      imageRegistries: imageRegistriesOf(apps),
      teams,
      apps,
    };
  }

  private resolveCluster(env: EnvironmentSpec, file: string): ResolvedCluster | undefined {
    const c = env.cluster ?? {};
    const e = env.name;
    const name = c.name ?? `${this.spec.organization?.name}-${e}`;
    let ok = true;
    const bad = (issue: Omit<ValidationIssue, 'environment' | 'file'>) => {
      ok = false;
      this.issue({ environment: e, file, ...issue });
    };
    if (!isString(name) || !DNS1035_LABEL.test(name) || name.length > 40) {
      bad({ path: 'cluster.name', message: 'must be a DNS-1035 label of at most 40 characters', received: name, fix: 'write e.g. "acme-prod"' });
    }
    if (c.releaseChannel !== undefined && !(c.releaseChannel instanceof ReleaseChannel)) {
      bad({ path: 'cluster.releaseChannel', message: 'must be a ReleaseChannel', received: c.releaseChannel, fix: 'use ReleaseChannel.RAPID, REGULAR or STABLE' });
    }
    const cidrs = {
      nodesCidr: c.nodesCidr ?? '10.0.0.0/20',
      podsCidr: c.podsCidr ?? '10.4.0.0/14',
      servicesCidr: c.servicesCidr ?? '10.8.0.0/20',
      controlPlaneCidr: c.controlPlaneCidr ?? '172.16.0.0/28',
    };
    for (const [field, value] of Object.entries(cidrs)) {
      if (!isCidr(value)) {
        bad({ path: `cluster.${field}`, message: 'is not an IPv4 CIDR block', received: value, fix: 'write e.g. "10.0.0.0/20"' });
      }
    }
    if (isCidr(cidrs.controlPlaneCidr) && !cidrs.controlPlaneCidr.endsWith('/28')) {
      bad({ path: 'cluster.controlPlaneCidr', message: 'must be a /28 (GKE requires it for the private control plane)', received: cidrs.controlPlaneCidr, fix: 'write e.g. "172.16.0.0/28"' });
    }
    const ranges = Object.entries(cidrs).filter(([, v]) => isCidr(v));
    for (let i = 0; i < ranges.length; i++) {
      for (let j = i + 1; j < ranges.length; j++) {
        if (cidrsOverlap(ranges[i][1], ranges[j][1])) {
          bad({ path: `cluster.${ranges[j][0]}`, message: `overlaps cluster.${ranges[i][0]} ${ranges[i][1]}`, received: ranges[j][1], fix: 'give nodes, pods, services and the control plane disjoint ranges' });
        }
      }
    }
    const networks = c.authorizedNetworks ?? [];
    networks.forEach((n, i) => {
      if (!isCidr(n?.cidr)) {
        bad({ path: `cluster.authorizedNetworks[${i}].cidr`, message: 'is not an IPv4 CIDR block', received: n?.cidr, fix: 'write e.g. "203.0.113.0/24"' });
      } else if (n.cidr.endsWith('/0')) {
        bad({ path: `cluster.authorizedNetworks[${i}].cidr`, message: 'opens the control plane to the whole internet', received: n.cidr, fix: 'list only the networks that must reach the API server (office, CI, VPN)' });
      }
      if (!isString(n?.name) || n.name.length === 0) {
        bad({ path: `cluster.authorizedNetworks[${i}].name`, message: 'must say what the network is', received: n?.name, fix: 'write e.g. "office-vpn"' });
      }
    });
    const maintenanceStartTime = c.maintenanceStartTime ?? '03:00';
    if (!isString(maintenanceStartTime) || !HH_MM.test(maintenanceStartTime)) {
      bad({ path: 'cluster.maintenanceStartTime', message: 'is not a time of day HH:MM (UTC)', received: maintenanceStartTime, fix: 'write e.g. "03:00"' });
    }
    const pools = c.nodePools ?? [{ name: 'general' }];
    if (!Array.isArray(pools) || pools.length === 0) {
      bad({ path: 'cluster.nodePools', message: 'must list at least one node pool', received: pools, fix: 'omit it for one pool "general", or list pools' });
    }
    const poolNames = new Set<string>();
    const nodePools = (Array.isArray(pools) ? pools : []).map((p, i) => {
      const pool = {
        name: p?.name,
        machineType: p?.machineType ?? 'e2-standard-4',
        minNodes: p?.minNodes ?? 1,
        maxNodes: p?.maxNodes ?? 3,
        diskSizeGb: p?.diskSizeGb ?? 100,
        spot: p?.spot ?? false,
      };
      if (!isString(pool.name) || !DNS1035_LABEL.test(pool.name) || pool.name.length > 40 || poolNames.has(pool.name)) {
        bad({ path: `cluster.nodePools[${i}].name`, message: 'must be a unique DNS-1035 label of at most 40 characters', received: pool.name, fix: 'write e.g. "general"' });
      }
      poolNames.add(pool.name);
      if (!isString(pool.machineType) || !/^[a-z0-9]+-[a-z0-9-]+$/.test(pool.machineType)) {
        bad({ path: `cluster.nodePools[${i}].machineType`, message: 'is not a Compute Engine machine type', received: pool.machineType, fix: 'write e.g. "e2-standard-4"' });
      }
      if (!(Number.isInteger(pool.minNodes) && pool.minNodes >= 0) || !isPositiveInt(pool.maxNodes) || pool.minNodes > pool.maxNodes) {
        bad({ path: `cluster.nodePools[${i}].minNodes`, message: 'must be a whole number from 0 to maxNodes', received: { minNodes: pool.minNodes, maxNodes: pool.maxNodes }, fix: 'set e.g. minNodes: 1, maxNodes: 3' });
      }
      if (!(Number.isInteger(pool.diskSizeGb) && pool.diskSizeGb >= 10)) {
        bad({ path: `cluster.nodePools[${i}].diskSizeGb`, message: 'must be a whole number of at least 10', received: pool.diskSizeGb, fix: 'set e.g. diskSizeGb: 100' });
      }
      return pool;
    });
    if (!ok) return undefined;
    return {
      name,
      location: env.region,
      releaseChannel: c.releaseChannel ?? ReleaseChannel.REGULAR,
      nodePools,
      authorizedNetworks: networks.map((n) => ({ name: n.name, cidr: n.cidr })),
      maintenanceStartTime,
      ...cidrs,
    };
  }

  /** The environment's versions by app; undefined when its release file is not one at all (reported here, once). */
  private readRelease(env: EnvironmentSpec): Map<string, ReleaseEntry> | undefined {
    const versions = new Map<string, ReleaseEntry>();
    const file = env.release?.file ?? `environments/releases/${env.name}.json`;
    const content = env.release?.content as { apps?: unknown } | undefined;
    const malformed = !content || typeof content !== 'object' || !content.apps || typeof content.apps !== 'object' || Array.isArray(content.apps);
    if (malformed) {
      this.issue({ environment: env.name, file, path: 'release', message: 'is not a release file of the form {"apps": {"<app>": {"tag": "...", "digest": "sha256:..."}}}', received: content, fix: `write ${file} in that form` });
    }
    this.checkFields('release', content, RELEASE_FILE, { environment: env.name, file });
    if (malformed) return undefined;
    for (const [app, entry] of Object.entries(content.apps as Record<string, unknown>)) {
      const e = entry as ReleaseEntry;
      if (!this.apps.has(app)) {
        this.issue({ environment: env.name, file, path: `release.apps.${app}`, message: 'names an app that is not declared', received: app, fix: `remove the entry or fix the name (${suggest(app, [...this.apps.keys()])})` });
        continue;
      }
      if (!e || typeof e !== 'object' || !isString(e.tag) || !TAG.test(e.tag)) {
        this.issue({ environment: env.name, file, path: `release.apps.${app}.tag`, message: 'is not an image tag', received: e?.tag, fix: 'write the tag the image was pushed with, e.g. "2.14.0"' });
        continue;
      }
      if (e.tag === 'latest') {
        this.issue({ environment: env.name, file, path: `release.apps.${app}.tag`, message: 'is "latest", which names no fixed version: a rollback or a rebuilt node could run something else', received: e.tag, fix: 'pin the version, e.g. "2.14.0"' });
      }
      if (e.digest !== undefined && (!isString(e.digest) || !DIGEST.test(e.digest))) {
        this.issue({ environment: env.name, file, path: `release.apps.${app}.digest`, message: 'is not an image digest', received: e.digest, fix: 'write "sha256:" and 64 lowercase hex digits, as the registry reports it' });
      }
      versions.set(app, e);
    }
    return versions;
  }

  private resolveTeams(env: EnvironmentSpec, file: string): ResolvedTeam[] {
    const overrides = env.teams ?? {};
    for (const name of Object.keys(overrides)) {
      if (!this.teams.has(name)) {
        this.issue({ environment: env.name, file, path: `teams.${name}`, message: 'overrides a team that is not declared', received: name, fix: `fix the name (${suggest(name, [...this.teams.keys()])})` });
      } else {
        this.checkQuota(`teams.${name}.quota`, overrides[name]?.quota, env.name, file);
      }
    }
    const publicTeams = new Set([...this.apps.values()].filter((a) => a.exposure?.isPublic).map((a) => a.team));
    return [...this.teams.values()]
      .map((team) => ({
        name: team.name,
        owners: team.owners,
        codeOwners: team.codeOwners ?? `@${this.spec.organization?.name}/${team.name}`,
        description: team.description,
        namespaces: [...(team.namespaces ?? [team.name])].sort(),
        quota: resolveQuota({ ...team.quota, ...overrides[team.name]?.quota }),
        hasPublicApps: publicTeams.has(team.name),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  private resolveApps(env: EnvironmentSpec, file: string, release: Map<string, ReleaseEntry> | undefined): ResolvedApp[] {
    const overrides = env.apps ?? {};
    for (const name of Object.keys(overrides)) {
      if (!this.apps.has(name)) {
        this.issue({ environment: env.name, file, path: `apps.${name}`, message: 'overrides an app that is not declared', received: name, fix: `fix the name (${suggest(name, [...this.apps.keys()])})` });
      }
      const enabled = (overrides[name] as AppOverride | undefined)?.enabled;
      if (enabled !== undefined && typeof enabled !== 'boolean') {
        this.issue({ environment: env.name, file, path: `apps.${name}.enabled`, message: 'must be true or false', received: enabled, fix: 'write enabled: false (not "false")' });
      }
    }
    const enabled = [...this.apps.values()].filter((a) => overrides[a.name]?.enabled !== false);
    const enabledNames = new Set(enabled.map((a) => a.name));
    const hosts = new Map<string, string>();
    const resolved: ResolvedApp[] = [];
    for (const app of enabled) {
      if (!(app.workload instanceof Workload) || !this.teams.has(app.team) || !this.wellShaped.has(app.name)) continue;
      const r = this.resolveApp(env, file, app, overrides[app.name] ?? {}, release, enabledNames);
      if (!r) continue;
      if (r.exposure.isPublic) {
        const other = hosts.get(r.exposure.host);
        if (other) {
          this.issue({ environment: env.name, file, path: `apps.${app.name}.host`, message: `is also the host of app "${other}"`, received: r.exposure.host, fix: 'give each public app its own subdomain or host' });
        }
        hosts.set(r.exposure.host, app.name);
      }
      resolved.push(r);
    }
    // Reverse edges: who calls each app.
    const calledBy = new Map<string, ResolvedPeer[]>();
    for (const caller of resolved) {
      for (const callee of caller.calls) {
        const list = calledBy.get(callee.app) ?? [];
        list.push({ app: caller.name, namespace: caller.namespace, ports: callee.ports });
        calledBy.set(callee.app, list);
      }
    }
    return resolved
      .map((a) => ({ ...a, calledBy: (calledBy.get(a.name) ?? []).sort((x, y) => x.app.localeCompare(y.app)) }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  private resolveApp(
    env: EnvironmentSpec, file: string, app: AppSpec, o: AppOverride, release: Map<string, ReleaseEntry> | undefined, enabled: Set<string>,
  ): ResolvedApp | undefined {
    const e = env.name;
    const at = `apps.${app.name}`;
    const before = this.issues.size;
    const team = this.teams.get(app.team)!;
    const namespace = app.namespace ?? (team.namespaces ?? [team.name])[0];
    const production = env.tier instanceof Tier && env.tier.isProduction;

    // Version: the app's release entry; a migration of the same image follows the app it migrates.
    const migrates = app.workload.migration?.migrates;
    let version = release?.get(app.name);
    if (!version && migrates && this.apps.get(migrates)?.image === app.image) {
      version = release?.get(migrates);
    }
    const releaseFilePath = env.release?.file ?? `environments/releases/${e}.json`;
    // A release file that is not one at all is reported once, not once per app.
    if (!version && release) {
      this.issue({ environment: e, file: releaseFilePath, path: `release.apps.${app.name}`, message: 'is missing: the app has no version in this environment', fix: `add "${app.name}": {"tag": "<version>"${production ? ', "digest": "sha256:<digest>"' : ''}} to ${releaseFilePath}, or set apps["${app.name}"].enabled = false in ${file}` });
    }

    // Overrides specific to this environment.
    this.checkResources(at, o.resources, e, file);
    this.checkEnv(at, o.env, app, e, file);
    if (app.workload.isLongRunning) {
      this.checkScaling(at, o.replicas, o.autoscaling, o.maxUnavailable, e, file);
    } else {
      for (const field of ['replicas', 'autoscaling', 'maxUnavailable', 'host'] as const) {
        if (o[field] !== undefined) {
          this.issue({ environment: e, file, path: `${at}.${field}`, message: `does not apply to a ${app.workload.kind}`, received: o[field], fix: 'remove it' });
        }
      }
    }
    this.checkDelivery(at, o.delivery, app, e, file);
    if (o.schedule !== undefined) {
      if (app.workload.kind !== 'cron-job') {
        this.issue({ environment: e, file, path: `${at}.schedule`, message: `does not apply to a ${app.workload.kind}`, received: o.schedule, fix: 'remove it' });
      } else {
        this.checkSchedule(`${at}.schedule`, o.schedule, e, file);
      }
    }
    if (o.host !== undefined && (!isString(o.host) || !DNS_NAME.test(o.host) || !app.exposure?.isPublic)) {
      this.issue({ environment: e, file, path: `${at}.host`, message: app.exposure?.isPublic ? 'is not a DNS name' : 'is set, but the app is not public', received: o.host, fix: app.exposure?.isPublic ? 'write e.g. "shop.acme.dev"' : 'remove it, or declare the app with Exposure.public({ subdomain })' });
    }
    const endpoints = env.endpoints ?? {};
    for (const name of app.egress ?? []) {
      if (!Object.prototype.hasOwnProperty.call(endpoints, name)) {
        this.issue({ environment: e, file, path: `${at}.egress`, message: `names endpoint "${asText(name)}", which this environment does not declare`, received: name, fix: `declare endpoints["${asText(name)}"] = { description, cidr, ports } in ${file} (${suggest(asText(name), Object.keys(endpoints))})` });
      }
    }
    const calls: ResolvedPeer[] = [];
    for (const entry of app.calls ?? []) {
      const call = callOf(entry);
      const callee = call?.app ?? '';
      const target = this.apps.get(callee);
      if (!call || !target || target.workload?.kind !== 'service') continue;
      if (!enabled.has(callee)) {
        this.issue({ environment: e, file, path: `${at}.calls`, message: `names "${callee}", which is disabled in this environment`, received: callee, fix: `enable "${callee}" here, or disable "${app.name}" too` });
        continue;
      }
      const targetTeam = this.teams.get(target.team);
      calls.push({
        app: callee,
        namespace: target.namespace ?? (targetTeam?.namespaces ?? [target.team])[0],
        ports: (target.ports ?? []).filter((p) => call.ports === undefined || call.ports.includes(p.name)).map(resolvePort),
      });
    }
    if (migrates && !enabled.has(migrates) && this.apps.has(migrates)) {
      this.issue({ environment: e, file, path: `${at}.workload.migrates`, message: `names "${migrates}", which is disabled in this environment`, received: migrates, fix: `disable "${app.name}" here too` });
    }
    this.checkVariableReferences(app, o, e, file);
    if (this.issues.size > before || !version || this.invalidApps.has(app.name)) return undefined;

    const ports = (app.ports ?? []).map(resolvePort);
    const resources = { ...DEFAULT_RESOURCES, ...app.resources, ...o.resources };
    const envVars = { ...app.env, ...o.env };
    const configFiles = Object.entries(app.configFiles ?? {})
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, content]) => ({ name, content }));
    const secrets = [...(app.secrets ?? [])]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((s) => ({ name: s.name, envVar: s.envVar, secretId: `${app.name}-${s.name}`, kubernetesSecretName: `${app.name}-${s.name}` }));
    const identity = app.identity !== undefined || secrets.length > 0
      ? (() => {
        const accountId = app.identity?.accountId ?? app.name;
        return {
          accountId,
          email: `${accountId}@${env.gcpProject}.iam.gserviceaccount.com`,
          roles: [...new Set(app.identity?.roles ?? [])].sort(),
          workloadIdentityMember: `serviceAccount:${env.gcpProject}.svc.id.goog[${namespace}/${app.name}]`,
        };
      })()
      : undefined;
    const replicas = o.replicas ?? app.replicas ?? 1;
    const autoscalingSpec = o.autoscaling ?? app.autoscaling;
    const cron = app.workload.cron;
    const migration = app.workload.migration;
    const exposure = app.exposure?.isPublic
      ? {
        isPublic: true as const,
        host: o.host ?? `${app.exposure.subdomain}.${env.domain}`,
        port: ports.find((p) => p.name === (app.exposure as Exposure).port) ?? ports[0],
        path: app.exposure.path ?? '/',
        addressName: `${app.name}-ip`,
        certificateName: `${app.name}-cert`,
      }
      : { isPublic: false as const };
    return {
      name: app.name,
      team: app.team,
      namespace,
      kind: app.workload.kind,
      description: app.description,
      imageRepository: app.image,
      tag: version.tag,
      digest: version.digest,
      image: `${app.image}:${version.tag}${version.digest ? `@${version.digest}` : ''}`,
      command: app.command,
      args: app.args,
      ports,
      resources,
      probes: app.probes ?? {},
      env: Object.entries(envVars).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, value]) => ({ name, value })),
      configFiles,
      configMountPath: app.configMountPath ?? `/etc/${app.name}`,
      configMapName: configFiles.length > 0 ? `${app.name}-config-${contentHash(configFiles)}` : undefined,
      secrets,
      identity,
      serviceAccountName: app.name,
      exposure,
      calls: calls.sort((a, b) => a.app.localeCompare(b.app)),
      calledBy: [],
      calledFrom: (app.calledFrom ?? []).map((c) => ({
        namespace: c.namespace,
        ports: ports.filter((p) => c.ports === undefined || c.ports.includes(p.name)),
      })),
      internetEgress: app.internetEgress ?? false,
      egress: [...new Set(app.egress ?? [])].sort().map((name) => ({ name, cidr: endpoints[name].cidr, ports: [...endpoints[name].ports] })),
      replicas: autoscalingSpec ? (autoscalingSpec.minReplicas ?? replicas) : replicas,
      autoscaling: autoscalingSpec
        ? {
          minReplicas: autoscalingSpec.minReplicas ?? replicas,
          maxReplicas: autoscalingSpec.maxReplicas,
          targetCpuUtilization: autoscalingSpec.targetCpuUtilization ?? 70,
        }
        : undefined,
      maxUnavailable: o.maxUnavailable ?? app.maxUnavailable ?? 1,
      metrics: app.metrics
        ? { port: ports.find((p) => p.name === app.metrics!.port)!, path: app.metrics.path ?? '/metrics', interval: app.metrics.interval ?? '30s' }
        : undefined,
      cron: cron
        ? {
          schedule: o.schedule ?? cron.schedule,
          timeZone: cron.timeZone ?? 'Etc/UTC',
          activeDeadlineSeconds: cron.activeDeadlineSeconds ?? 3600,
          backoffLimit: cron.backoffLimit ?? 2,
        }
        : undefined,
      migration: migration
        ? { migrates: migration.migrates, activeDeadlineSeconds: migration.activeDeadlineSeconds ?? 900, backoffLimit: migration.backoffLimit ?? 1 }
        : undefined,
      deployedWith: migration ? migration.migrates : app.name,
      delivery: resolveDelivery(app.name, o.delivery ?? app.delivery ?? Delivery.rollingUpdate()),
      exemptions: (app.exemptions ?? [])
        .filter((x) => !x.environments || x.environments.includes(e))
        .map((x) => ({ rule: x.rule, reason: x.reason.trim(), expires: x.expires })),
    };
  }

  /**
   * The pods a namespace can run at its largest must fit its quota, requests
   * and limits, or rollouts stall with "exceeded quota" exactly under peak
   * load: every autoscaler at its maximum, plus each app's rollout surge at
   * that size ({@link surgePods}: a rolling update's maxSurge, a canary's 25%,
   * a blue-green's whole preview), plus one pod per job.
   */
  private checkQuotaFits(env: EnvironmentSpec, file: string, teams: ResolvedTeam[], apps: ResolvedApp[]): void {
    const byNamespace = new Map<string, ResolvedApp[]>();
    for (const a of apps) {
      const list = byNamespace.get(a.namespace);
      if (list) list.push(a);
      else byNamespace.set(a.namespace, [a]);
    }
    for (const team of teams) {
      for (const ns of team.namespaces) {
        const inNs = byNamespace.get(ns) ?? [];
        const peak = (a: ResolvedApp) => a.autoscaling?.maxReplicas ?? a.replicas;
        const total = usageOf(inNs.map((a) => ({
          app: a,
          pods: a.kind === 'service' || a.kind === 'worker' ? peak(a) + surgePods(a.delivery, peak(a)) : 1,
        })));
        const problems = overQuota(total, team.quota);
        if (problems.length > 0) {
          this.issue({
            environment: env.name,
            file,
            path: `teams.${team.name}.quota`,
            message: `is too small for namespace "${ns}" at peak (every autoscaler at max, plus each rollout's surge or preview pods): ${problems.join(', ')}`,
            received: team.quota,
            fix: `raise the quota in teams["${team.name}"].quota of ${file} (${minimumOf(total)}), or lower maxReplicas, resources or the surge`,
          });
        }
      }
    }
  }

  /**
   * Each app's preview runs in a namespace of its own with the previews'
   * quota: one pod, plus one while a new push rolls out (a rolling update of
   * one surge pod), must fit, or every push after the first stalls.
   */
  private checkPreviewQuotaFits(env: EnvironmentSpec, file: string, apps: ResolvedApp[], quota: ResolvedQuota): void {
    for (const a of apps) {
      if (a.deployedWith !== a.name || a.kind === 'migration') continue;
      const total = usageOf([{ app: a, pods: a.kind === 'service' || a.kind === 'worker' ? 2 : 1 }]);
      const problems = overQuota(total, quota);
      if (problems.length > 0) {
        this.issue({
          environment: env.name,
          file,
          path: 'previews.quota',
          message: `is too small for app "${a.name}"'s preview (one pod, plus one while a push rolls out): ${problems.join(', ')}`,
          received: quota,
          fix: `raise previews.quota in ${file} (${minimumOf(total)}), or lower the app's resources`,
        });
      }
    }
  }
}

/** What some pods of some apps request and are limited to in all. */
interface Usage { requestsCpu: number; limitsCpu: number; requestsMemory: number; limitsMemory: number; pods: number }

function usageOf(pods: ReadonlyArray<{ readonly app: ResolvedApp; readonly pods: number }>): Usage {
  const total: Usage = { requestsCpu: 0, limitsCpu: 0, requestsMemory: 0, limitsMemory: 0, pods: 0 };
  for (const { app: a, pods: n } of pods) {
    total.requestsCpu += n * (parseCpu(a.resources.cpuRequest) ?? 0);
    total.limitsCpu += n * (parseCpu(a.resources.cpuLimit) ?? 0);
    total.requestsMemory += n * (parseMemory(a.resources.memoryRequest) ?? 0);
    total.limitsMemory += n * (parseMemory(a.resources.memoryLimit) ?? 0);
    total.pods += n;
  }
  return total;
}

const cores = (millicores: number) => `${Number((millicores / 1000).toFixed(3))}`;
const mebibytes = (bytes: number) => `${Math.ceil(bytes / 1024 ** 2)}Mi`;

/** Where `total` exceeds `q`, in words. */
function overQuota(total: Usage, q: ResolvedQuota): string[] {
  const problems: string[] = [];
  if (total.requestsCpu > (parseCpu(q.requestsCpu) ?? Infinity)) problems.push(`CPU requests ${cores(total.requestsCpu)} > quota ${q.requestsCpu}`);
  if (total.limitsCpu > (parseCpu(q.limitsCpu) ?? Infinity)) problems.push(`CPU limits ${cores(total.limitsCpu)} > quota ${q.limitsCpu}`);
  if (total.requestsMemory > (parseMemory(q.requestsMemory) ?? Infinity)) problems.push(`memory requests ${mebibytes(total.requestsMemory)} > quota ${q.requestsMemory}`);
  if (total.limitsMemory > (parseMemory(q.limitsMemory) ?? Infinity)) problems.push(`memory limits ${mebibytes(total.limitsMemory)} > quota ${q.limitsMemory}`);
  if (total.pods > q.pods) problems.push(`pods ${total.pods} > quota ${q.pods}`);
  return problems;
}

/** The smallest quota that holds `total`, in words. */
function minimumOf(total: Usage): string {
  return `at least ${cores(total.requestsCpu)} CPU and ${mebibytes(total.requestsMemory)} requested, `
    + `${cores(total.limitsCpu)} CPU and ${mebibytes(total.limitsMemory)} in limits, ${total.pods} pods`;
}

/**
 * The extra pods a rollout runs on top of `replicas` while it replaces them:
 * a rolling update's maxSurge; a canary's maxSurge (Argo Rollouts' default,
 * 25%, rounded up); a blue-green's whole preview (as many pods again, until
 * promotion and the scale-down delay).
 */
export function surgePods(delivery: ResolvedDelivery, replicas: number): number {
  const of = (v: number | string) => (typeof v === 'number' ? v : Math.ceil((replicas * Number(v.replace('%', ''))) / 100));
  switch (delivery.kind) {
    case 'rolling-update':
      return of(delivery.maxSurge);
    case 'canary':
      return of('25%');
    default:
      return replicas;
  }
}

function resolveDelivery(app: string, d: Delivery): ResolvedDelivery {
  switch (d.kind) {
    case 'canary':
      return {
        kind: 'canary',
        steps: (d.steps ?? []).map((s) => (s.weight !== undefined
          ? { setWeight: s.weight }
          : { pause: s.pauseDuration ? { duration: s.pauseDuration } : {} })),
        analysis: d.analysis
          ? {
            templateName: `${app}-canary-analysis`,
            query: d.analysis.query,
            successCondition: d.analysis.successCondition,
            prometheusAddress: d.analysis.prometheusAddress ?? 'http://frontend.gmp-system.svc.cluster.local:9090',
            interval: d.analysis.interval ?? '1m',
            failureLimit: d.analysis.failureLimit ?? 2,
          }
          : undefined,
      };
    case 'blue-green':
      return { kind: 'blue-green', previewService: `${app}-preview`, autoPromote: d.autoPromote ?? false, scaleDownDelaySeconds: d.scaleDownDelaySeconds ?? 30 };
    default:
      return { kind: 'rolling-update', maxSurge: d.maxSurge ?? 1, maxUnavailable: d.maxUnavailable ?? 0 };
  }
}

/** A `calls` entry as `{ app, ports? }`; undefined when it is neither a name nor such an object. */
function callOf(entry: unknown): CallSpec | undefined {
  if (isString(entry)) return { app: entry };
  if (entry && typeof entry === 'object' && !Array.isArray(entry) && isString((entry as CallSpec).app)) return entry as CallSpec;
  return undefined;
}

function resolvePort(p: { name: string; port: number; protocol?: 'TCP' | 'UDP' }): ResolvedPort {
  return { name: p.name, port: p.port, protocol: p.protocol ?? 'TCP' };
}

function resolveQuota(q: QuotaSpec): ResolvedQuota {
  const requestsCpu = q.requestsCpu ?? DEFAULT_QUOTA.requestsCpu;
  const requestsMemory = q.requestsMemory ?? DEFAULT_QUOTA.requestsMemory;
  return {
    requestsCpu,
    requestsMemory,
    limitsCpu: q.limitsCpu ?? formatCpu(2 * (parseCpu(requestsCpu) ?? 0)),
    limitsMemory: q.limitsMemory ?? formatMemory(2 * (parseMemory(requestsMemory) ?? 0)),
    pods: q.pods ?? DEFAULT_QUOTA.pods,
  };
}

function formatCpu(millicores: number): string {
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`;
}

function formatMemory(bytes: number): string {
  const gi = 1024 ** 3;
  return bytes % gi === 0 ? `${bytes / gi}Gi` : `${Math.ceil(bytes / 1024 ** 2)}Mi`;
}

/** First 10 hex characters of the SHA-256 of config files (names and contents). */
export function contentHash(files: readonly { name: string; content: string }[]): string {
  const hash = createHash('sha256');
  for (const f of files) {
    hash.update(f.name).update('\0').update(f.content).update('\0');
  }
  return hash.digest('hex').slice(0, 10);
}

/** The Artifact Registry repositories that apps' images come from, distinct and sorted by URL. */
function imageRegistriesOf(apps: readonly ResolvedApp[]): ResolvedImageRegistry[] {
  const registries = new Map<string, ResolvedImageRegistry>();
  for (const app of apps) {
    const m = ARTIFACT_REGISTRY_IMAGE.exec(app.imageRepository);
    if (m && !registries.has(m[1])) {
      registries.set(m[1], { url: m[1], location: m[2], project: m[3], repositoryId: m[4] });
    }
  }
  return [...registries.values()].sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
}

function sourceFile(env: EnvironmentSpec): string {
  return env.sourceFile ?? `environments/${env.name}.ts`;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isPositiveInt(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1;
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function isCidr(value: unknown): value is string {
  if (!isString(value)) return false;
  const m = CIDR.exec(value);
  return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

function cidrsOverlap(a: string, b: string): boolean {
  const range = (c: string) => {
    const [ip, bits] = c.split('/');
    const size = 2 ** (32 - Number(bits));
    const start = Math.floor(ipToInt(ip) / size) * size;
    return [start, start + size - 1];
  };
  const [a0, a1] = range(a);
  const [b0, b1] = range(b);
  return a0 <= b1 && b0 <= a1;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
