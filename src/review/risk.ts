import type { ObjectChange } from './diff';
import type { EnvironmentTier } from './environments';
import type { FieldChange } from './fields';
import { ParsedTree, ReviewObject, compare, describeObject, isObject, terraformType } from './objects';
import { parseCpu, parseMemory } from '../model/quantity';

/** What a flag is about. */
export type RiskCategory =
  | 'production' | 'deletion' | 'scale-down' | 'resources-down' | 'image'
  | 'rbac' | 'network-policy' | 'app-project' | 'secrets'
  | 'terraform-replace' | 'terraform-destroy' | 'iam' | 'addon';

/** `high` needs a careful look; a production environment raises every flag one level. */
export type Severity = 'high' | 'warning' | 'info';

/** Something a reviewer should look at before approving. */
export interface RiskFlag {
  readonly category: RiskCategory;
  readonly severity: Severity;
  readonly environment: string;
  /** The object it is about (its key in the review), if one. */
  readonly object?: string;
  /** What the object is, e.g. `Deployment storefront/web`. */
  readonly subject?: string;
  /** What changes, in one line, e.g. `replicas: 3 → 2`. */
  readonly message: string;
}

const BASE_SEVERITY: Record<RiskCategory, Severity> = {
  'production': 'high',
  'deletion': 'warning',
  'scale-down': 'warning',
  'resources-down': 'warning',
  'image': 'info',
  'rbac': 'warning',
  'network-policy': 'warning',
  'app-project': 'warning',
  'secrets': 'warning',
  'terraform-replace': 'high',
  'terraform-destroy': 'high',
  'iam': 'warning',
  'addon': 'warning',
};

const RAISE: Record<Severity, Severity> = { high: 'high', warning: 'high', info: 'warning' };
const SEVERITY_ORDER: Record<Severity, number> = { high: 0, warning: 1, info: 2 };

/**
 * Fields whose change makes Terraform (google provider) destroy and re-create
 * the resource, by resource type. A heuristic list of the ones that hurt
 * most, not the provider's schema: a field not listed here may force
 * replacement too, and `terraform plan` has the last word.
 */
export const FORCES_REPLACEMENT: Readonly<Record<string, readonly string[]>> = {
  google_container_cluster: ['name', 'location', 'project', 'network', 'subnetwork', 'private_cluster_config', 'ip_allocation_policy', 'datapath_provider', 'enable_autopilot'],
  google_container_node_pool: ['name', 'name_prefix', 'location', 'cluster', 'project', 'node_config.machine_type', 'node_config.disk_size_gb', 'node_config.disk_type', 'node_config.image_type', 'node_config.spot', 'node_config.preemptible'],
  google_compute_network: ['name', 'project', 'auto_create_subnetworks'],
  google_compute_subnetwork: ['name', 'project', 'region', 'network', 'ip_cidr_range'],
  google_compute_router: ['name', 'project', 'region', 'network'],
  google_compute_router_nat: ['name', 'project', 'region', 'router'],
  google_service_networking_connection: ['network', 'service'],
  // A public app's address (DNS points at it) and certificate: every field but labels is immutable.
  google_compute_global_address: ['name', 'project', 'description', 'address', 'address_type', 'ip_version', 'purpose', 'prefix_length', 'network'],
  google_compute_managed_ssl_certificate: ['name', 'project', 'description', 'managed.domains', 'type'],
  google_dns_managed_zone: ['name', 'project', 'dns_name', 'visibility'],
  // A re-created secret loses its versions, that is its value.
  google_secret_manager_secret: ['secret_id', 'project', 'replication'],
  google_service_account: ['account_id', 'project'],
  google_iam_workload_identity_pool: ['workload_identity_pool_id', 'project'],
  google_iam_workload_identity_pool_provider: ['workload_identity_pool_id', 'workload_identity_pool_provider_id', 'project'],
};

/** Counts of pods (Kubernetes) and nodes (GKE node pools, in Terraform) whose decrease is a scale-down. */
const SCALE_FIELDS = new Set(['replicas', 'minReplicas', 'maxReplicas', 'node_count', 'min_node_count', 'max_node_count', 'total_min_node_count', 'total_max_node_count']);
const RBAC_KINDS = new Set(['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']);
const SECRET_KINDS = new Set(['ExternalSecret', 'ClusterExternalSecret', 'SecretStore', 'ClusterSecretStore', 'Secret']);
const SECRET_FIELD = /secretKeyRef|secretRef|secretName|^secret$/;
const FINALIZER = 'resources-finalizer.argocd.argoproj.io';

export interface RiskInput {
  readonly changes: readonly ObjectChange[];
  readonly tiers: ReadonlyMap<string, EnvironmentTier>;
  readonly base: ParsedTree;
  readonly head: ParsedTree;
}

/** The risk flags of a set of changes, most severe first. Pure. */
export function assessRisk(input: RiskInput): RiskFlag[] {
  const flags: RiskFlag[] = [];
  const production = (env: string) => input.tiers.get(env)?.production ?? false;
  const flag = (category: RiskCategory, c: ObjectChange | undefined, environment: string, message: string) => {
    const base = BASE_SEVERITY[category];
    flags.push({
      category,
      severity: production(environment) ? RAISE[base] : base,
      environment,
      object: c?.key,
      subject: c ? describeObject(c) : undefined,
      message,
    });
  };

  const envs = [...new Set(input.changes.map((c) => c.environment))].sort(compare);
  for (const env of envs.filter(production)) {
    const mine = input.changes.filter((c) => c.environment === env);
    const t = input.tiers.get(env);
    flag('production', undefined, env, `${env} is a production environment (tier ${t?.tier ?? 'production'}, from the ${sourceName(t)}): ${countText(mine)}`);
  }

  const removedApps = removedApplications(input.changes);
  for (const c of input.changes) {
    const type = terraformType(c);
    if (type !== undefined) {
      terraformFlags(c, type, flag);
      for (const f of c.fields) if (SCALE_FIELDS.has(f.keys[f.keys.length - 1])) fieldFlags(c, f, flag);
      continue;
    }
    if (c.status === 'removed') {
      // Removed with its Application: the Application's own flag says it all.
      if (!isApplication(c) && removedApps.has(owningApplication(c, input)?.key ?? '')) continue;
      deletionFlag(c, input, flag);
    }
    if (RBAC_KINDS.has(c.kind)) flag('rbac', c, c.environment, `RBAC ${c.status}${changedPaths(c)}`);
    if (c.kind === 'NetworkPolicy') flag('network-policy', c, c.environment, `network policy ${c.status}${changedPaths(c)}`);
    if (c.kind === 'AppProject') flag('app-project', c, c.environment, `Argo CD AppProject ${c.status}${changedPaths(c)}`);
    if (SECRET_KINDS.has(c.kind)) {
      flag('secrets', c, c.environment, `secret source ${c.status}${changedPaths(c)}`);
    } else {
      const refs = c.fields.filter(touchesSecretRef);
      if (refs.length > 0) flag('secrets', c, c.environment, `secret references changed: ${refs.map((f) => `${f.path} (${f.change})`).join(', ')}`);
    }
    for (const f of c.fields) fieldFlags(c, f, flag);
  }
  return flags
    .map((f, i) => ({ f, i }))
    .sort((x, y) => SEVERITY_ORDER[x.f.severity] - SEVERITY_ORDER[y.f.severity] || x.i - y.i)
    .map(({ f }) => f);
}

type Flag = (category: RiskCategory, c: ObjectChange | undefined, environment: string, message: string) => void;

function fieldFlags(c: ObjectChange, f: FieldChange, flag: Flag): void {
  const last = f.keys[f.keys.length - 1];
  if (f.change === 'changed' && SCALE_FIELDS.has(last) && typeof f.old === 'number' && typeof f.new === 'number' && f.new < f.old) {
    flag('scale-down', c, c.environment, `${last}: ${f.old} → ${f.new}`);
  }
  const resource = /(?:^|\.)resources\.(requests|limits)\.(cpu|memory)$/.exec(f.keys.join('.'));
  if (resource && (f.change === 'changed' || f.change === 'removed')) {
    const parse = resource[2] === 'cpu' ? parseCpu : parseMemory;
    const was = parse(f.old);
    const now = parse(f.new);
    const container = /\[name=([^\]]+)\]/.exec(f.path)?.[1];
    const what = `${container ? `${container} ` : ''}${resource[2]} ${resource[1] === 'requests' ? 'request' : 'limit'}`;
    if (f.change === 'removed') flag('resources-down', c, c.environment, `${what} removed (was ${String(f.old)})`);
    else if (was !== undefined && now !== undefined && now < was) flag('resources-down', c, c.environment, `${what}: ${String(f.old)} → ${String(f.new)}`);
  }
  if (f.change === 'changed' && last === 'image' && /containers\[/i.test(f.path)) {
    const container = [...f.path.matchAll(/\[name=([^\]]+)\]/g)].pop()?.[1];
    flag('image', c, c.environment, `image${container ? ` of ${container}` : ''}: ${String(f.old)} → ${String(f.new)}`);
  }
  // A controller the platform runs moves to another chart version: every app of the environment depends on it.
  if (c.kind === 'Application' && f.path === 'spec.source.targetRevision' && isObject(c.new) && isObject(c.new.spec) && isObject(c.new.spec.source)
    && typeof c.new.spec.source.chart === 'string') {
    flag('addon', c, c.environment, `add-on ${c.new.spec.source.chart} chart version: ${String(f.old ?? '(none)')} → ${String(f.new ?? '(none)')}`);
  }
  if (f.keys.includes('iam.gke.io/gcp-service-account')) {
    flag('iam', c, c.environment, `Workload Identity: Google service account ${f.change}: ${String(f.old ?? '(none)')} → ${String(f.new ?? '(none)')}`);
  }
}

function touchesSecretRef(f: FieldChange): boolean {
  return f.keys.some((k) => SECRET_FIELD.test(k)) || mentions(f.old) || mentions(f.new);
}

function mentions(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(mentions);
  if (!isObject(value)) return false;
  return Object.entries(value).some(([k, v]) => SECRET_FIELD.test(k) || mentions(v));
}

function terraformFlags(c: ObjectChange, type: string, flag: Flag): void {
  const critical = FORCES_REPLACEMENT[type];
  if (c.status === 'removed') {
    if (critical) flag('terraform-destroy', c, c.environment, `Terraform will destroy ${type} "${c.name}"`);
    else if (!isIam(type)) flag('deletion', c, c.environment, `Terraform will destroy ${type} "${c.name}"`);
  }
  if (c.status === 'changed' && critical) {
    const hits = c.fields.filter((f) => {
      const at = f.keys.join('.');
      return critical.some((field) => at === field || at.startsWith(`${field}.`));
    });
    if (hits.length > 0) {
      const order = createsFirst(c.new) ? 'create the new one, then destroy the old' : 'destroy, then create';
      flag('terraform-replace', c, c.environment, `may replace ${type} "${c.name}" (${order}): ${hits.map((f) => `${f.path}: ${short(f.old)} → ${short(f.new)}`).join('; ')}`);
    }
  }
  if (isIam(type)) {
    const b = (c.status === 'removed' ? c.old : c.new) as Record<string, unknown> | undefined;
    const detail = isObject(b) ? ['role', 'member', 'members', 'account_id'].filter((k) => b[k] !== undefined).map((k) => `${k} ${short(b[k])}`).join(', ') : '';
    flag('iam', c, c.environment, `IAM ${c.status}${c.status === 'changed' ? changedPaths(c) : detail ? `: ${detail}` : ''}`);
  }
}

/** Whether a Terraform resource body asks for `lifecycle.create_before_destroy`. */
function createsFirst(body: unknown): boolean {
  const lifecycle = isObject(body) ? body.lifecycle : undefined;
  return isObject(lifecycle) && lifecycle.create_before_destroy === true;
}

function isIam(type: string): boolean {
  return /^google_.*_iam_/.test(type) || type === 'google_service_account' || type === 'google_service_account_key';
}

/** Argo CD's part in a removal: prune by the owning Application, or cascade from a removed Application. */
function deletionFlag(c: ObjectChange, input: RiskInput, flag: Flag): void {
  if (isApplication(c)) {
    const body = c.old as { metadata?: { finalizers?: unknown }; spec?: { source?: { path?: unknown } } } | undefined;
    const finalizers = Array.isArray(body?.metadata?.finalizers) ? body.metadata.finalizers : [];
    const inside = input.base.objects.filter((o) => o.environment === c.environment && covers(c.old, dirOf(o.file)));
    flag('deletion', c, c.environment, finalizers.some((f) => f === FINALIZER || String(f).startsWith(`${FINALIZER}/`))
      ? `Argo CD Application removed: its resources finalizer makes Argo CD delete everything it deployed (${inside.length} object${inside.length === 1 ? '' : 's'} from ${String(body?.spec?.source?.path)})`
      : 'Argo CD Application removed without a resources finalizer: what it deployed stays running, unmanaged; delete it by hand');
    return;
  }
  const owner = owningApplication(c, input);
  if (!owner) {
    flag('deletion', c, c.environment, 'removed from a directory no Argo CD Application syncs (e.g. bootstrap/): it stays in the cluster until deleted by hand with kubectl');
    return;
  }
  const sync = (owner.body as { spec?: { syncPolicy?: { automated?: { prune?: unknown } } } }).spec?.syncPolicy;
  flag('deletion', c, c.environment, sync?.automated?.prune === true
    ? `Argo CD will delete it (Application ${owner.name} syncs with automated prune)`
    : `Application ${owner.name} does not prune automatically: it stays in the cluster, out of sync, until pruned by hand`);
}

function isApplication(o: { readonly kind: string; readonly apiVersion: string }): boolean {
  return o.kind === 'Application' && o.apiVersion.startsWith('argoproj.io/');
}

function removedApplications(changes: readonly ObjectChange[]): Set<string> {
  return new Set(changes.filter((c) => c.status === 'removed' && isApplication(c)).map((c) => c.key));
}

/** The Application (in the head tree, else the base tree) whose source path holds the object's file. */
function owningApplication(c: ObjectChange, input: RiskInput): ReviewObject | undefined {
  const dir = dirOf(c.file);
  for (const tree of [input.head, input.base]) {
    const match = tree.objects.find((o) => o.environment === c.environment && isApplication(o) && covers(o.body, dir));
    if (match) return match;
  }
  return undefined;
}

function dirOf(file: string): string {
  return file.slice(0, file.lastIndexOf('/'));
}

/** Whether an Application (its manifest) syncs the tree directory `dir`. */
function covers(application: unknown, dir: string): boolean {
  const source = (application as { spec?: { source?: { path?: unknown; directory?: { recurse?: unknown } } } } | undefined)?.spec?.source;
  if (typeof source?.path !== 'string') return false;
  const recurse = source.directory?.recurse === true;
  const p = source.path.replace(/\/+$/, '');
  // Application paths are relative to the repository (`dist/prod/apps/web`), tree paths to dist/ (`prod/apps/web`).
  const at = (d: string) => p === d || p.endsWith(`/${d}`);
  if (at(dir)) return true;
  if (!recurse) return false;
  const parts = dir.split('/');
  return parts.some((_, i) => i > 0 && at(parts.slice(0, i).join('/')));
}

function changedPaths(c: ObjectChange): string {
  if (c.status !== 'changed') return '';
  const paths = c.fields.map((f) => f.path);
  return paths.length === 0 ? '' : `: ${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ` and ${paths.length - 3} more` : ''}`;
}

function countText(changes: readonly ObjectChange[]): string {
  const n = (s: ObjectChange['status']) => changes.filter((c) => c.status === s).length;
  return `${n('added')} added, ${n('changed')} changed, ${n('removed')} removed`;
}

function sourceName(t: EnvironmentTier | undefined): string {
  switch (t?.source) {
    case 'model': return 'platform model';
    case 'provenance': return 'rendered PROVENANCE.json';
    default: return 'environment name';
  }
}

function short(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined ? '(none)' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
