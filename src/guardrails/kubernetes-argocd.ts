/** Argo CD: Applications, ApplicationSets and AppProjects deploy only what, and where, their team may. */
import { DIST_DIR } from '../model';
import { name } from './kubernetes-rule-helpers';
import { CLUSTER_SCOPED } from './pods';
import type { CheckedObject, Finding, Rule, RuleContext } from './types';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** GitHub's REST API: requests an hour per address without a token. */
const GITHUB_ANONYMOUS_PER_HOUR = 60;
/** Argo CD's ApplicationSet controller polls a pull-request generator this often when it does not say. */
const DEFAULT_REQUEUE_SECONDS = 1800;

/**
 * An environment's ApplicationSets whose GitHub pull-request generators poll
 * without a token: the first by name (which reports) and their requests an
 * hour in all. Computed once per environment (keyed by its indexed
 * ApplicationSets), not once per ApplicationSet.
 */
interface AnonymousPolling { readonly first?: CheckedObject; readonly count: number; readonly perHour: number }
const anonymousPolling = new WeakMap<readonly CheckedObject[], AnonymousPolling>();

function anonymousPollingOf(sets: readonly CheckedObject[]): AnonymousPolling {
  let found = anonymousPolling.get(sets);
  if (!found) {
    const anonymous = sets.map((o) => ({ o, perHour: anonymousPullRequestPolls(o) })).filter((x) => x.perHour > 0)
      .sort((a, b) => name(a.o).localeCompare(name(b.o)));
    found = { first: anonymous[0]?.o, count: anonymous.length, perHour: anonymous.reduce((n, x) => n + x.perHour, 0) };
    anonymousPolling.set(sets, found);
  }
  return found;
}

/** Requests an hour an ApplicationSet's GitHub pull-request generators make without a token. */
function anonymousPullRequestPolls(set: CheckedObject): number {
  const generators = (set.manifest.spec as any)?.generators;
  let perHour = 0;
  for (const g of Array.isArray(generators) ? generators : []) {
    const pr = g?.pullRequest;
    if (!pr?.github || pr.github.tokenRef || pr.github.appSecretName) continue;
    const every = Number(pr.requeueAfterSeconds ?? DEFAULT_REQUEUE_SECONDS);
    if (every > 0) perHour += 3600 / every;
  }
  return perHour;
}


/** An AppProject's admission of kinds, as Argo CD reads it (argo-cd pkg/apis/application/v1alpha1/app_project_types.go, IsGroupKindPermitted). */
interface ProjectKinds {
  readonly name: string;
  readonly clusterWhitelist: readonly any[];
  readonly namespacedWhitelist?: readonly any[];
  readonly namespacedBlacklist: readonly any[];
}

/** A directory (relative to the environment) that an Application syncs, with its project and its place in the rendered order. */
interface SyncedDir {
  readonly dir: string;
  readonly recurse: boolean;
  readonly application: string;
  readonly project?: ProjectKinds;
  readonly order: number;
}
const syncedDirs = new WeakMap<readonly CheckedObject[], Map<string, SyncedDir[]>>();

/** The first Application's directory (in the order rendered) that syncs `dir`: itself, or an ancestor synced recursively. */
function syncedDirOf(context: RuleContext, dir: string): SyncedDir | undefined {
  const byDir = syncedDirsOf(context);
  const parts = dir.split('/');
  const candidates = [...(byDir.get(dir) ?? [])];
  for (let i = parts.length - 1; i > 0; i--) candidates.push(...(byDir.get(parts.slice(0, i).join('/')) ?? []).filter((d) => d.recurse));
  return candidates.reduce<SyncedDir | undefined>((first, d) => (first === undefined || d.order < first.order ? d : first), undefined);
}

/** The synced directories, by directory: asked per object, a scan of every Application's made 1,000 apps quadratic. */
function syncedDirsOf(context: RuleContext): Map<string, SyncedDir[]> {
  const applications = context.objectsOf('Application');
  let found = syncedDirs.get(applications);
  if (!found) {
    const projects = new Map<string, ProjectKinds>();
    for (const p of context.objectsOf('AppProject')) {
      const spec = (p.manifest.spec ?? {}) as any;
      projects.set(name(p), {
        name: name(p),
        clusterWhitelist: Array.isArray(spec.clusterResourceWhitelist) ? spec.clusterResourceWhitelist : [],
        namespacedWhitelist: Array.isArray(spec.namespaceResourceWhitelist) ? spec.namespaceResourceWhitelist : undefined,
        namespacedBlacklist: Array.isArray(spec.namespaceResourceBlacklist) ? spec.namespaceResourceBlacklist : [],
      });
    }
    found = new Map();
    applications.forEach((a, order) => {
      const spec = (a.manifest.spec ?? {}) as any;
      const path = spec?.source?.path;
      const prefix = `${DIST_DIR}/${a.environment}/`;
      if (typeof path !== 'string' || !path.startsWith(prefix)) return;
      const dir = path.slice(prefix.length);
      const synced = { dir, recurse: spec.source.directory?.recurse === true, application: name(a), project: projects.get(spec.project), order };
      found!.set(dir, [...(found!.get(dir) ?? []), synced]);
    });
    syncedDirs.set(applications, found);
  }
  return found;
}

function groupOf(apiVersion: unknown): string {
  const v = String(apiVersion ?? '');
  return v.includes('/') ? v.split('/')[0] : '';
}

function listed(list: readonly any[], group: string, kind: string): boolean {
  const matches = (pattern: unknown, value: string) => pattern === '*' || pattern === value;
  return list.some((e) => matches(e?.group ?? '', group) && matches(e?.kind, kind));
}

export const previewsGithubRateLimit: Rule = {
  id: 'previews-github-rate-limit',
  severity: 'warning',
  scope: 'all',
  summary: 'pull-request generators without a GitHub token must stay within GitHub\'s anonymous rate limit (60 requests an hour)',
  rationale: 'each ApplicationSet\'s pull-request generator lists the repository\'s pull requests every requeueAfterSeconds; anonymous requests share '
    + 'one limit of 60 an hour per address, and past it previews stop appearing and disappearing until the hour is over',
  fix: 'set previews.github.tokenSecret (a Secret in the Argo CD namespace holding a GitHub token, created out of band), or raise previews.requeueAfterSeconds',
  equivalents: ['kube-linter: (none)', 'Polaris: (none)', 'Kyverno: (none)'],
  check(object, context) {
    if (object.manifest.kind !== 'ApplicationSet') return [];
    // Reported once per environment, on the first such ApplicationSet by name, with the environment's total.
    const { first, count, perHour } = anonymousPollingOf(context.objectsOf('ApplicationSet'));
    if (perHour <= GITHUB_ANONYMOUS_PER_HOUR || first !== object) return [];
    return [{
      path: 'spec.generators',
      value: `${count} ApplicationSets, ${Math.ceil(perHour)} requests an hour`,
      message: `${count} pull-request generators without a token poll GitHub about ${Math.ceil(perHour)} times an hour, over the anonymous limit of ${GITHUB_ANONYMOUS_PER_HOUR}`,
    }];
  },
};

export const argocdNoDefaultProject: Rule = {
  id: 'argocd-no-default-project',
  severity: 'error',
  scope: 'all',
  summary: 'Argo CD Applications must not use the default project',
  rationale: 'the default project allows any source, destination and kind',
  fix: 'put the Application in its team\'s AppProject (the renderer does)',
  equivalents: ['Argo CD docs: projects (default project is permissive)', 'Kyverno: argo/application-prevent-default-project'],
  check(object) {
    if (object.manifest.kind !== 'Application' || !String(object.manifest.apiVersion).startsWith('argoproj.io/')) return [];
    const project = (object.manifest.spec as any)?.project;
    return project === 'default' || !project ? [{ path: 'spec.project', value: project }] : [];
  },
};

export const argocdApplicationOwnPath: Rule = {
  id: 'argocd-application-own-path',
  severity: 'error',
  scope: 'all',
  summary: 'a team\'s Application must deploy its own app\'s directory in its own environment',
  rationale: 'AppProjects cannot restrict source paths, so without this a team Application could deploy another team\'s or another environment\'s directory',
  fix: 'point spec.source.path at dist/<environment>/apps/<application name> (the renderer does)',
  equivalents: ['Argo CD: AppProject sourceRepos only (no path restriction)', 'Kyverno: (custom policy on Application.spec.source.path)'],
  check(object) {
    if (object.manifest.kind !== 'Application' || !String(object.manifest.apiVersion).startsWith('argoproj.io/')) return [];
    const spec = object.manifest.spec as any;
    if (['platform', 'preview'].includes(spec?.project)) return [];
    const expected = `${DIST_DIR}/${object.environment}/apps/${name(object)}`;
    return spec?.source?.path === expected ? [] : [{ path: 'spec.source.path', value: spec?.source?.path, message: `must be ${expected}` }];
  },
};

export const argocdDestinationOwnCluster: Rule = {
  id: 'argocd-destination-own-cluster',
  severity: 'error',
  scope: 'all',
  summary: 'Applications must deploy to the cluster of their own environment',
  rationale: 'an Application rendered for one environment must never reach another environment\'s cluster',
  fix: 'set spec.destination.name to the environment\'s cluster (the renderer does), as registered in dist/<env>/bootstrap',
  equivalents: ['Argo CD: AppProject destinations (per project, not per environment)'],
  check(object, context) {
    if (object.manifest.kind !== 'Application' || !String(object.manifest.apiVersion).startsWith('argoproj.io/')) return [];
    const registered = context.objectsOf('Secret')
      .filter((o) => (o.manifest.metadata as any)?.labels?.['argocd.argoproj.io/secret-type'] === 'cluster')
      .map((o) => (o.manifest as any).stringData?.name)
      .filter((n): n is string => typeof n === 'string');
    if (registered.length === 0) return [];
    const destination = (object.manifest.spec as any)?.destination?.name;
    return registered.includes(destination) ? [] : [{ path: 'spec.destination.name', value: destination, message: `is not this environment's cluster (${registered.join(', ')})` }];
  },
};

export const argocdProjectNoWildcards: Rule = {
  id: 'argocd-project-no-wildcards',
  severity: 'error',
  scope: 'all',
  summary: 'AppProjects must list their source repositories and destinations without wildcards',
  rationale: 'a wildcard lets a team deploy anything from anywhere to any namespace or cluster',
  fix: 'list the repository URL and each cluster/namespace explicitly',
  equivalents: ['Kyverno: argo/appproject-correct-destinations (related)', 'Argo CD docs: projects'],
  check(object) {
    if (object.manifest.kind !== 'AppProject' || !String(object.manifest.apiVersion).startsWith('argoproj.io/')) return [];
    const spec = object.manifest.spec as any;
    const out: Finding[] = [];
    (Array.isArray(spec?.sourceRepos) ? spec.sourceRepos : []).forEach((r: unknown, i: number) => {
      if (String(r).includes('*')) out.push({ path: `spec.sourceRepos[${i}]`, value: r });
    });
    (Array.isArray(spec?.destinations) ? spec.destinations : []).forEach((d: any, i: number) => {
      for (const f of ['server', 'name', 'namespace']) {
        if (String(d?.[f] ?? '').includes('*')) out.push({ path: `spec.destinations[${i}].${f}`, value: d[f] });
      }
    });
    return out;
  },
};

export const argocdProjectAdmitsKind: Rule = {
  id: 'argocd-project-admits-kind',
  severity: 'error',
  scope: 'all',
  summary: 'every object an Application syncs must be of a kind its AppProject admits',
  rationale: 'Argo CD refuses to sync a kind the project does not admit, and team projects admit exactly the kinds the renderer writes: '
    + 'an escape hatch adding a Role, a quota or a cluster-scoped kind to an app would fail in the cluster, so it fails here first',
  fix: 'render only the kinds the app renderer writes (TEAM_APP_KINDS in src/k8s/gitops-chart.ts); a new kind of the renderer is added there, with a reason',
  equivalents: ['Argo CD: AppProject namespaceResourceWhitelist / clusterResourceWhitelist (enforced at sync)', 'Kyverno: (none)'],
  check(object, context) {
    const dir = object.file.split('/').slice(0, -1).join('/');
    const synced = syncedDirOf(context, dir);
    const project = synced?.project;
    if (!project) return [];
    const group = groupOf(object.manifest.apiVersion);
    const kind = String(object.manifest.kind);
    const admitted = CLUSTER_SCOPED.has(kind)
      ? listed(project.clusterWhitelist, group, kind)
      : (project.namespacedWhitelist === undefined || listed(project.namespacedWhitelist, group, kind))
        && !listed(project.namespacedBlacklist, group, kind);
    return admitted ? [] : [{
      path: 'kind',
      value: `${group ? `${group}/` : ''}${kind}`,
      message: `is not admitted by AppProject ${project.name}, which Application ${synced!.application} syncs this directory with`,
    }];
  },
};

/**
 * What Argo CD accepts in an AppProject role's policy (argo-cd
 * pkg/apis/application/v1alpha1/types.go, `validatePolicy`; resources:
 * util/rbac/rbac.go, `ProjectScoped`): `p, proj:<project>:<role>, <resource>,
 * <action>, <project>/<object>, allow|deny`. Argo CD refuses the whole
 * AppProject otherwise, so every role of it is lost, not only the bad line.
 */
const PROJECT_SCOPED_RESOURCES = new Set(['applications', 'applicationsets', 'logs', 'exec', 'clusters', 'repositories']);
const PROJECT_ACTIONS = new Set(['get', 'create', 'update', 'delete', 'sync', 'override', '*']);

function projectPolicyProblem(policy: string, project: string, role: string): string | undefined {
  const parts = policy.split(',').map((p) => p.trim());
  if (parts.length !== 6 || parts[0] !== 'p') return 'is not of the form "p, sub, res, act, obj, eft"';
  const [, subject, resource, action, object, effect] = parts;
  if (subject !== `proj:${project}:${role}`) return `names the subject ${subject}, not proj:${project}:${role}`;
  if (!PROJECT_SCOPED_RESOURCES.has(resource)) return `names the resource ${resource}, which a project role cannot grant (${[...PROJECT_SCOPED_RESOURCES].join(', ')})`;
  // Fine-grained update/delete and resource actions: argo-cd docs/operator-manual/rbac.md.
  if (!PROJECT_ACTIONS.has(action) && !/^(action|update|delete)\/.+/.test(action)) return `names the action ${action}, which Argo CD does not know`;
  if (!object.startsWith(`${project}/`)) return `names the object ${object}, outside its project (${project}/...)`;
  if (effect !== 'allow' && effect !== 'deny') return `ends with ${effect}, not allow or deny`;
  return undefined;
}

export const argocdProjectRolePolicies: Rule = {
  id: 'argocd-project-role-policies',
  severity: 'error',
  scope: 'all',
  summary: 'every policy of an AppProject role must be one Argo CD accepts, about its own project',
  rationale: 'Argo CD refuses an AppProject with one malformed role policy, so every team\'s access through it would be lost at sync',
  fix: 'write "p, proj:<project>:<role>, <applications|applicationsets|logs|exec|clusters|repositories>, <action>, <project>/<object>, allow|deny"',
  equivalents: ['Argo CD: AppProject validation (validatePolicy, enforced when the AppProject is applied)', 'Kyverno: (none)'],
  check(object) {
    if (object.manifest.kind !== 'AppProject' || !String(object.manifest.apiVersion).startsWith('argoproj.io/')) return [];
    const project = String(object.manifest.metadata?.name);
    const roles = (object.manifest.spec as any)?.roles;
    const out: Finding[] = [];
    (Array.isArray(roles) ? roles : []).forEach((role: any, i: number) => {
      (Array.isArray(role?.policies) ? role.policies : []).forEach((policy: unknown, j: number) => {
        const problem = projectPolicyProblem(String(policy), project, String(role?.name));
        if (problem) out.push({ path: `spec.roles[${i}].policies[${j}]`, value: policy, message: problem });
      });
    });
    return out;
  },
};
