import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { IssueCollector, ResolvedApp, ResolvedEnvironment, ResolvedPlatform, describeValue, suggest } from '../model';
import { ARGOCD_CONFIG_DIR, ARGOCD_NOTIFICATIONS_DIR, BOOTSTRAP_ARGOCD_DIR, BootstrapArgoCdChart } from './addons';
import { AppChart } from './app-chart';
import { ArgoCdConfigChart, ArgoCdNotificationsChart } from './argocd-config';
import { ARGOCD_SSO_DIR, ArgoCdSsoChart } from './argocd-sso';
import { BootstrapChart, GitOpsChart } from './gitops-chart';
import { PREVIEW_APP_PART, PREVIEW_NAMESPACE_PART, previewApp, previewableApps } from './preview';
import { TeamNamespaceChart } from './team-chart';

/**
 * The escape hatch: adds an app's own cdk8s constructs to its chart. Objects
 * added here land in `dist/<env>/apps/<app>/` with the app's namespace, and go
 * through the same guardrails as everything else.
 */
export type AppExtension = (scope: Construct, context: { readonly app: ResolvedApp; readonly env: ResolvedEnvironment }) => void;

export interface KubernetesRenderOptions {
  /** Escape hatches keyed by app name. @default {} */
  readonly extensions?: Readonly<Record<string, AppExtension>>;
}

/** One rendered Kubernetes object and where it goes. */
export interface RenderedObject {
  /** Environment it belongs to. */
  readonly environment: string;
  /** Path relative to the environment directory, e.g. `apps/checkout-api/deployment-checkout-api.yaml`. */
  readonly file: string;
  /** The construct path that produced it, quoted in errors. */
  readonly source: string;
  /** The app it belongs to, if any. */
  readonly app?: string;
  /** The object, as JSON. */
  readonly manifest: KubernetesManifest;
}

export interface KubernetesManifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** Thrown when an escape hatch or a construct produces something that cannot be rendered. */
export class RenderError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(`Rendering failed with ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'RenderError';
  }
}

/** Renders every environment of the platform. A pure function of its inputs. */
export function renderKubernetes(platform: ResolvedPlatform, options: KubernetesRenderOptions = {}): RenderedObject[] {
  const extensions = options.extensions ?? {};
  const known = new Set(platform.environments.flatMap((e) => e.apps.map((a) => a.name)));
  const unknown = Object.keys(extensions).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    const issues = new IssueCollector();
    for (const name of unknown) {
      issues.add({ path: `extensions.${name}`, message: 'extends an app that is not deployed in any environment', received: name, fix: `fix the key (${suggest(name, [...known])})` });
    }
    issues.throwIfAny();
  }
  return platform.environments.flatMap((env) => renderEnvironment(platform, env, extensions));
}

/** Renders one environment into objects, each with its file. */
export function renderEnvironment(
  platform: ResolvedPlatform, env: ResolvedEnvironment, extensions: Readonly<Record<string, AppExtension>> = {},
): RenderedObject[] {
  const app = new App({ outdir: 'unused' });
  const charts: { chart: Chart; dir: string; app?: string; kindDirs?: Readonly<Record<string, string>> }[] = [];

  charts.push({ chart: new BootstrapChart(app, 'bootstrap', { platform, env }), dir: 'bootstrap' });
  charts.push({ chart: new BootstrapArgoCdChart(app, 'bootstrap-argo-cd', { platform, env }), dir: BOOTSTRAP_ARGOCD_DIR });
  charts.push({ chart: new GitOpsChart(app, 'argocd', { platform, env }), dir: 'argocd' });
  charts.push({ chart: new ArgoCdConfigChart(app, 'argocd-config', { platform, env }), dir: ARGOCD_CONFIG_DIR });
  if (env.notifications.identity) {
    charts.push({ chart: new ArgoCdNotificationsChart(app, 'argocd-notifications', { platform, env }), dir: ARGOCD_NOTIFICATIONS_DIR });
  }
  if (env.argocd.sso) charts.push({ chart: new ArgoCdSsoChart(app, 'argocd-sso', { platform, env }), dir: ARGOCD_SSO_DIR });
  for (const team of env.teams) {
    for (const namespace of team.namespaces) {
      charts.push({
        chart: new TeamNamespaceChart(app, `team-${team.name}-${namespace}`, { platform, env, team, namespace }),
        dir: `teams/${team.name}/${namespace}`,
      });
    }
  }
  const problems: string[] = [];
  // What rides in each app's chart, indexed once (apps are sorted by name, so each list is too).
  const riders = new Map<string, ResolvedApp[]>();
  for (const m of env.apps) {
    if (m.deployedWith === m.name) continue;
    const list = riders.get(m.deployedWith);
    if (list) list.push(m);
    else riders.set(m.deployedWith, [m]);
  }
  for (const a of env.apps) {
    if (a.deployedWith !== a.name) continue;
    const migrations = riders.get(a.name) ?? [];
    const chart = new AppChart(app, `app-${a.name}`, { platform, env, app: a, migrations });
    for (const member of [a, ...migrations]) {
      const extend = extensions[member.name];
      if (!extend) continue;
      try {
        extend(member === a ? chart : chart.node.findChild(member.name), { app: member, env });
      } catch (err) {
        problems.push(`[${env.name}] extensions.${member.name} threw: ${(err as Error)?.message ?? describeValue(err)}`);
      }
    }
    charts.push({ chart, dir: `apps/${a.name}`, app: a.name });
  }
  if (problems.length > 0) throw new RenderError(problems);

  // Pull-request previews: each app, with its namespace's guardrails, as a pull request will render it.
  for (const a of previewableApps(env)) {
    const preview = previewApp(a, env.previews!);
    const team = env.teams.find((t) => t.name === a.team)!;
    // Two directories: the namespace and its guardrails, synced from the GitOps branch; the app, synced from the pull request.
    charts.push({
      chart: new TeamNamespaceChart(app, `preview-namespace-${a.name}`, { platform, env, team: { ...team, quota: env.previews!.quota }, namespace: preview.namespace, preview: true }),
      dir: `previews/${a.name}/${PREVIEW_NAMESPACE_PART}`,
      app: a.name,
    });
    charts.push({
      chart: new AppChart(app, `preview-${a.name}`, { platform, env, app: preview, migrations: [], preview: true }),
      dir: `previews/${a.name}/${PREVIEW_APP_PART}`,
      app: a.name,
      // Network policies add up: one in the pull request's part could open what the namespace's default deny closes.
      // The app's own policy is rendered from main's declaration like the rest, so it goes with the namespace.
      // So does its BackendConfig: what the load balancer does (CDN, IAP, Cloud Armor) is not the pull request's to say.
      kindDirs: { NetworkPolicy: `previews/${a.name}/${PREVIEW_NAMESPACE_PART}`, BackendConfig: `previews/${a.name}/${PREVIEW_NAMESPACE_PART}` },
    });
  }

  // Validations that constructs (escape hatches included) registered with addValidation().
  const constructs = charts.map(({ chart }) => chart.node.findAll());
  for (const all of constructs) {
    for (const c of all) {
      for (const message of c.node.validate()) problems.push(`[${env.name}] ${c.node.path}: ${message}`);
    }
  }
  if (problems.length > 0) throw new RenderError(problems);

  const objects: RenderedObject[] = [];
  const files = new Map<string, string>();
  for (const [i, { dir: chartDir, app: appName, kindDirs }] of charts.entries()) {
    for (const obj of constructs[i].filter((c): c is ApiObject => c instanceof ApiObject)) {
      let manifest: KubernetesManifest;
      try {
        manifest = obj.toJson();
      } catch (err) {
        problems.push(`[${env.name}] ${obj.node.path}: cannot be rendered: ${(err as Error)?.message ?? describeValue(err)}`);
        continue;
      }
      const name = manifest.metadata?.name;
      if (typeof name !== 'string' || name.length === 0 || typeof manifest.kind !== 'string' || !/^[A-Za-z0-9]+$/.test(manifest.kind)) {
        problems.push(`[${env.name}] ${obj.node.path}: every object needs a kind and metadata.name (received kind ${describeValue(manifest.kind)}, name ${describeValue(name)}); set them on the construct`);
        continue;
      }
      const dir = kindDirs?.[manifest.kind] ?? chartDir;
      const file = `${dir}/${fileName(manifest.kind, name)}`;
      const other = files.get(file);
      if (other) {
        problems.push(`[${env.name}] ${obj.node.path}: ${manifest.kind} "${name}" is rendered twice (also by ${other}); give one of them another name`);
        continue;
      }
      files.set(file, obj.node.path);
      objects.push({ environment: env.name, file, source: obj.node.path, app: appName, manifest });
    }
  }
  if (problems.length > 0) throw new RenderError(problems);
  return objects.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** `deployment-checkout-api.yaml`: kind and name, so a reviewer finds an object by what it is. */
export function fileName(kind: string, name: string): string {
  const safe = name.toLowerCase().replace(/[^a-z0-9.-]+/g, '_');
  return `${kind.toLowerCase()}-${safe}.yaml`;
}
