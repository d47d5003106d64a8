import type { Finding, Severity } from './types';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A rendered Terraform configuration (`cdk.tf.json`) of one environment. */
export interface CheckedStack {
  readonly environment: string;
  /** Path relative to the environment directory, e.g. `terraform/cdk.tf.json`. */
  readonly file: string;
  /** The construct path or file it came from. */
  readonly source: string;
  readonly json: { readonly resource?: Record<string, Record<string, unknown>>; readonly [key: string]: unknown };
}

/** What a rule may look at besides the resource itself. */
export interface TerraformRuleContext {
  /** Everything the resource's configuration declares and may reference: `google_x.name`, `data.google_y.name`, `var.v`, `local.l`. */
  readonly addresses: ReadonlySet<string>;
}

/** A platform rule on one type of Terraform resource, or (`*`) on every block of the configuration ({@link terraformBlocks}). */
export interface TerraformRule {
  readonly id: string;
  readonly severity: Severity;
  readonly scope: 'all' | 'production';
  /**
   * The Terraform resource type it checks, e.g. `google_container_cluster`; or `*` for every
   * block: every resource, data source, output, local, provider and module block.
   */
  readonly resourceType: string;
  readonly summary: string;
  readonly rationale: string;
  readonly fix: string;
  /** The matching checkov check, e.g. `CKV_GCP_25`, or `-` when checkov has none. */
  readonly checkov: string;
  /** The CIS Google Kubernetes Engine Benchmark (v1.4.0) recommendation, e.g. `5.6.5`. */
  readonly cis: string;
  check(resource: any, context: TerraformRuleContext): readonly Finding[];
}

/** One value at a dotted path (blocks rendered as objects or single-element lists). */
function at(resource: any, path: string): unknown {
  let value = resource;
  for (const key of path.split('.')) {
    if (Array.isArray(value)) value = value[0];
    value = value?.[key];
  }
  return Array.isArray(value) && value.length === 1 && typeof value[0] === 'object' ? value[0] : value;
}

/** A rule that requires `path` to satisfy `ok`. */
function requires(rule: Omit<TerraformRule, 'check'>, path: string, ok: (value: unknown) => boolean): TerraformRule {
  return { ...rule, check: (r) => (ok(at(r, path)) ? [] : [{ path, value: at(r, path) }]) };
}

const CLUSTER = 'google_container_cluster';
const POOL = 'google_container_node_pool';
const fix = (what: string) => `${what} in src/cloud/ (the cloud renderer) — it is set for every environment from the model`;

export const TERRAFORM_RULES: readonly TerraformRule[] = [
  requires({
    id: 'gke-private-nodes',
    severity: 'error',
    scope: 'all',
    resourceType: CLUSTER,
    checkov: 'CKV_GCP_64',
    cis: '5.6.5',
    summary: 'cluster nodes must have private IP addresses only',
    rationale: 'nodes with public addresses can be reached from the internet',
    fix: fix('set private_cluster_config.enable_private_nodes = true'),
  }, 'private_cluster_config.enable_private_nodes', (v) => v === true),
  requires({
    id: 'gke-authorized-networks',
    severity: 'error',
    scope: 'all',
    resourceType: CLUSTER,
    checkov: 'CKV_GCP_20',
    cis: '5.6.3',
    summary: 'the control plane must be reachable only from declared authorized networks',
    rationale: 'an API server open to the internet is one credential leak away from compromise',
    fix: 'declare cluster.authorizedNetworks in environments/<env>.ts; the renderer sets master_authorized_networks_config',
  }, 'master_authorized_networks_config', (v) => !!v && typeof v === 'object'
    && !JSON.stringify((v as any).cidr_blocks ?? []).includes('0.0.0.0/0') && (v as any).gcp_public_cidrs_access_enabled !== true),
  requires({
    id: 'gke-vpc-native',
    severity: 'error',
    scope: 'all',
    resourceType: CLUSTER,
    checkov: 'CKV_GCP_23',
    cis: '5.6.2',
    summary: 'clusters must be VPC-native (alias IP ranges)',
    rationale: 'VPC-native pods are routable and policable by the VPC, and required for private clusters',
    fix: fix('set ip_allocation_policy with the subnet\'s secondary ranges'),
  }, 'ip_allocation_policy', (v) => !!v && typeof v === 'object'),
  requires({
    id: 'gke-workload-identity',
    severity: 'error',
    scope: 'all',
    resourceType: CLUSTER,
    checkov: 'CKV_GCP_69 (node side)',
    cis: '5.2.2',
    summary: 'Workload Identity must be enabled',
    rationale: 'without it pods use the node\'s service account, and every pod shares its rights',
    fix: fix('set workload_identity_config.workload_pool = "<project>.svc.id.goog"'),
  }, 'workload_identity_config.workload_pool', (v) => typeof v === 'string' && v.endsWith('.svc.id.goog')),
  {
    id: 'gke-network-policy-enforcement',
    severity: 'error',
    scope: 'all',
    resourceType: CLUSTER,
    checkov: 'CKV_GCP_12',
    cis: '5.6.7',
    summary: 'NetworkPolicies must be enforced (Dataplane V2, or the network policy add-on)',
    rationale: 'without enforcement every NetworkPolicy we render is silently ignored',
    fix: fix('set datapath_provider = "ADVANCED_DATAPATH"'),
    check: (r) => (at(r, 'datapath_provider') === 'ADVANCED_DATAPATH' || at(r, 'network_policy.enabled') === true
      ? [] : [{ path: 'datapath_provider', value: at(r, 'datapath_provider') }]),
  },
  requires({
    id: 'gke-no-service-external-ips',
    severity: 'error',
    scope: 'all',
    resourceType: CLUSTER,
    checkov: '-',
    cis: '-',
    summary: 'Services must not be able to claim external IPs',
    rationale: 'a Service with spec.externalIPs captures traffic to any address it names, cluster-wide (CVE-2020-8554)',
    fix: fix('set service_external_ips_config.enabled = false'),
  }, 'service_external_ips_config.enabled', (v) => v === false),
  requires({
    id: 'gke-shielded-nodes',
    severity: 'error',
    scope: 'all',
    resourceType: CLUSTER,
    checkov: 'CKV_GCP_71',
    cis: '5.5.5',
    summary: 'shielded GKE nodes must be enabled',
    rationale: 'shielded nodes prove their boot chain, so a rootkit cannot impersonate a node',
    fix: fix('set enable_shielded_nodes = true'),
  }, 'enable_shielded_nodes', (v) => v === true),
  requires({
    id: 'gke-no-legacy-abac',
    severity: 'error',
    scope: 'all',
    resourceType: CLUSTER,
    checkov: 'CKV_GCP_7',
    cis: '5.8.4',
    summary: 'legacy ABAC must be disabled',
    rationale: 'ABAC grants broad static permissions that bypass RBAC',
    fix: fix('set enable_legacy_abac = false'),
  }, 'enable_legacy_abac', (v) => v === false || v === undefined),
  requires({
    id: 'gke-no-client-certificate',
    severity: 'error',
    scope: 'all',
    resourceType: CLUSTER,
    checkov: 'CKV_GCP_13',
    cis: '5.8.2',
    summary: 'client certificate authentication must be disabled',
    rationale: 'a client certificate cannot be revoked and never expires',
    fix: fix('set master_auth.client_certificate_config.issue_client_certificate = false'),
  }, 'master_auth.client_certificate_config.issue_client_certificate', (v) => v === false),
  requires({
    id: 'gke-google-groups-rbac',
    severity: 'error',
    scope: 'all',
    resourceType: CLUSTER,
    checkov: 'CKV_GCP_65',
    cis: '5.8.3',
    summary: 'Google Groups for RBAC must be enabled',
    rationale: 'the teams\' RoleBindings name Google groups, which resolve only with it',
    fix: fix('set authenticator_groups_config.security_group = "gke-security-groups@<domain>"'),
  }, 'authenticator_groups_config.security_group', (v) => typeof v === 'string' && v.startsWith('gke-security-groups@')),
  requires({
    id: 'gke-release-channel',
    severity: 'error',
    scope: 'all',
    resourceType: CLUSTER,
    checkov: 'CKV_GCP_70',
    cis: '5.5.4',
    summary: 'the cluster must follow a release channel',
    rationale: 'a release channel keeps the control plane and nodes patched',
    fix: 'set cluster.releaseChannel in environments/<env>.ts',
  }, 'release_channel.channel', (v) => v === 'RAPID' || v === 'REGULAR' || v === 'STABLE'),
  requires({
    id: 'gke-logging',
    severity: 'error',
    scope: 'all',
    resourceType: CLUSTER,
    checkov: 'CKV_GCP_1',
    cis: '5.7.1',
    summary: 'Cloud Logging must collect system and workload logs',
    rationale: 'without logs there is no audit trail and no incident response',
    fix: fix('set logging_config.enable_components = ["SYSTEM_COMPONENTS", "WORKLOADS"]'),
  }, 'logging_config.enable_components', (v) => Array.isArray(v) && v.includes('SYSTEM_COMPONENTS') && v.includes('WORKLOADS')),
  requires({
    id: 'gke-monitoring',
    severity: 'error',
    scope: 'all',
    resourceType: CLUSTER,
    checkov: 'CKV_GCP_8',
    cis: '5.7.1',
    summary: 'Cloud Monitoring must be enabled',
    rationale: 'alerts and canary analysis need metrics',
    fix: fix('set monitoring_config.enable_components to include "SYSTEM_COMPONENTS"'),
  }, 'monitoring_config.enable_components', (v) => Array.isArray(v) && v.includes('SYSTEM_COMPONENTS')),
  requires({
    id: 'gke-no-default-node-pool',
    severity: 'error',
    scope: 'all',
    resourceType: CLUSTER,
    checkov: '-',
    cis: '5.2.1',
    summary: 'the default node pool must be removed (node pools are managed separately)',
    rationale: 'the inline default pool runs with defaults (Compute Engine default service account) and cannot be changed without recreating the cluster',
    fix: fix('set remove_default_node_pool = true'),
  }, 'remove_default_node_pool', (v) => v === true),
  requires({
    id: 'gke-maintenance-window',
    severity: 'warning',
    scope: 'all',
    resourceType: CLUSTER,
    checkov: '-',
    cis: '5.5.4',
    summary: 'the cluster should have a maintenance window',
    rationale: 'upgrades at a known time are upgrades someone is awake for',
    fix: 'set cluster.maintenanceStartTime in environments/<env>.ts',
  }, 'maintenance_policy', (v) => !!v && typeof v === 'object'),
  requires({
    id: 'gke-deletion-protection',
    severity: 'error',
    scope: 'production',
    resourceType: CLUSTER,
    checkov: '-',
    cis: '-',
    summary: 'production clusters must have deletion protection',
    rationale: 'a terraform destroy or a replacement must not take production down',
    fix: fix('set deletion_protection = true for production'),
  }, 'deletion_protection', (v) => v === true),
  requires({
    id: 'gke-node-auto-repair',
    severity: 'error',
    scope: 'all',
    resourceType: POOL,
    checkov: 'CKV_GCP_9',
    cis: '5.5.2',
    summary: 'node pools must repair nodes automatically',
    rationale: 'broken nodes are replaced without a person noticing first',
    fix: fix('set management.auto_repair = true'),
  }, 'management.auto_repair', (v) => v === true),
  requires({
    id: 'gke-node-auto-upgrade',
    severity: 'error',
    scope: 'all',
    resourceType: POOL,
    checkov: 'CKV_GCP_10',
    cis: '5.5.3',
    summary: 'node pools must upgrade nodes automatically',
    rationale: 'nodes keep up with security patches and the control plane version',
    fix: fix('set management.auto_upgrade = true'),
  }, 'management.auto_upgrade', (v) => v === true),
  requires({
    id: 'gke-node-cos',
    severity: 'error',
    scope: 'all',
    resourceType: POOL,
    checkov: 'CKV_GCP_22',
    cis: '5.5.1',
    summary: 'nodes must run Container-Optimized OS with containerd',
    rationale: 'COS is minimal, read-only and patched by Google',
    fix: fix('set node_config.image_type = "COS_CONTAINERD"'),
  }, 'node_config.image_type', (v) => v === 'COS_CONTAINERD'),
  requires({
    id: 'gke-node-secure-boot',
    severity: 'error',
    scope: 'all',
    resourceType: POOL,
    checkov: 'CKV_GCP_68',
    cis: '5.5.7',
    summary: 'nodes must use secure boot',
    rationale: 'secure boot refuses unsigned kernels and boot components',
    fix: fix('set node_config.shielded_instance_config.enable_secure_boot = true'),
  }, 'node_config.shielded_instance_config.enable_secure_boot', (v) => v === true),
  requires({
    id: 'gke-node-integrity-monitoring',
    severity: 'error',
    scope: 'all',
    resourceType: POOL,
    checkov: 'CKV_GCP_72',
    cis: '5.5.6',
    summary: 'nodes must have integrity monitoring',
    rationale: 'integrity monitoring reports a changed boot state',
    fix: fix('set node_config.shielded_instance_config.enable_integrity_monitoring = true'),
  }, 'node_config.shielded_instance_config.enable_integrity_monitoring', (v) => v === true),
  requires({
    id: 'gke-node-metadata-server',
    severity: 'error',
    scope: 'all',
    resourceType: POOL,
    checkov: 'CKV_GCP_69',
    cis: '5.4.2',
    summary: 'nodes must run the GKE metadata server',
    rationale: 'it serves Workload Identity tokens and hides the node\'s own credentials and metadata from pods',
    fix: fix('set node_config.workload_metadata_config.mode = "GKE_METADATA"'),
  }, 'node_config.workload_metadata_config.mode', (v) => v === 'GKE_METADATA'),
  {
    id: 'gke-node-dedicated-service-account',
    severity: 'error',
    scope: 'all',
    resourceType: POOL,
    checkov: '-',
    cis: '5.2.1',
    summary: 'nodes must run as a dedicated service account, not the Compute Engine default',
    rationale: 'the default service account has Editor on the project',
    fix: fix('set node_config.service_account to the least-privilege node service account'),
    check: (r) => {
      const sa = at(r, 'node_config.service_account');
      return typeof sa === 'string' && sa !== 'default' && !sa.includes('-compute@developer.gserviceaccount.com') ? [] : [{ path: 'node_config.service_account', value: sa }];
    },
  },
  requires({
    id: 'gke-node-legacy-metadata-disabled',
    severity: 'error',
    scope: 'all',
    resourceType: POOL,
    checkov: 'CKV_GCP_67',
    cis: '5.4.1',
    summary: 'legacy metadata endpoints must be disabled on nodes',
    rationale: 'the legacy endpoints serve credentials without the Metadata-Flavor header that protects against SSRF',
    fix: fix('set node_config.metadata["disable-legacy-endpoints"] = "true"'),
  }, 'node_config.metadata.disable-legacy-endpoints', (v) => v === 'true' || v === true),
  {
    id: 'iam-no-primitive-roles',
    severity: 'error',
    scope: 'all',
    resourceType: 'google_project_iam_member',
    checkov: 'CKV_GCP_117 (related)',
    cis: '-',
    summary: 'no service account may be granted Owner, Editor or an admin role on the project',
    rationale: 'a compromised workload with a primitive role owns the project',
    fix: 'grant the narrowest predefined role in the app\'s identity.roles',
    check: (r) => (/^roles\/(owner|editor)$|^roles\/[a-z]+\.admin$/.test(String(r?.role)) ? [{ path: 'role', value: r.role }] : []),
  },
  {
    id: 'secret-manager-no-versions',
    severity: 'error',
    scope: 'all',
    resourceType: 'google_secret_manager_secret_version',
    checkov: '-',
    cis: '-',
    summary: 'secret values must not be in Terraform: declare the secret, set its value out of band',
    rationale: 'a value in Terraform is in Git and in the state file',
    fix: 'remove the secret version; add the value with gcloud secrets versions add',
    check: () => [{ path: 'secret_data', value: '<redacted>', message: 'declares a secret value' }],
  },
  {
    id: 'terraform-references-resolve',
    severity: 'error',
    scope: 'all',
    resourceType: '*',
    checkov: '-',
    cis: '-',
    summary: 'every reference (${type.name...}, depends_on) in a resource, data source, output, local, provider or module block names a resource, data source, variable or local of the same configuration',
    rationale: 'terraform plan fails on a dangling reference; an environment\'s configuration must stand alone, so a reference to another environment\'s stack '
      + '(which the renderer does not wire through remote state) or a hand-edited name would fail only when the pipeline plans it',
    fix: 'reference only what the same environment\'s stack declares (in src/cloud/, pass the construct of this environment), or fix the name in the escape hatch',
    check: (r, context) => danglingReferences(r, context.addresses),
  },
];

/**
 * The blocks of one type in Terraform JSON, with their labels: where a block
 * type has labels, each level is an object keyed by the label, or an array of
 * such objects, and a body is an object or an array of bodies (several
 * blocks with the same labels); `//` keys are comments.
 */
type Labelled = Array<[readonly string[], unknown]>;

function labelled(value: unknown, labels: number, prefix: readonly string[] = [], out: Labelled = []): Labelled {
  if (Array.isArray(value)) {
    for (const item of value) labelled(item, labels, prefix, out);
  } else if (labels === 0) {
    out.push([prefix, value]);
  } else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) if (key !== '//') labelled(inner, labels - 1, [...prefix, key], out);
  }
  return out;
}

/** Each local of a configuration's `locals` blocks (an object, or an array of objects), with its value. */
function locals(json: CheckedStack['json']): Array<[string, unknown]> {
  const found: Array<[string, unknown]> = [];
  for (const [, body] of labelled(json.locals, 0)) {
    if (body && typeof body === 'object') for (const [name, value] of Object.entries(body)) if (name !== '//') found.push([name, value]);
  }
  return found;
}

/** Every address a configuration declares that an expression may reference. */
export function declaredAddresses(json: CheckedStack['json']): Set<string> {
  const addresses = new Set<string>();
  for (const [[type, name]] of labelled(json.resource, 2)) addresses.add(`${type}.${name}`);
  for (const [[type, name]] of labelled(json.data, 2)) addresses.add(`data.${type}.${name}`);
  for (const [[name]] of labelled(json.variable, 1)) addresses.add(`var.${name}`);
  for (const [name] of locals(json)) addresses.add(`local.${name}`);
  return addresses;
}

/** One block of a configuration that the rules check, with the kind and name a violation reports. */
export interface TerraformBlock {
  /** `terraform:<type>` for a resource, `terraform:data.<type>`, `terraform:output`, `terraform:local`, `terraform:provider`, `terraform:module`. */
  readonly kind: string;
  /** The resource type, for a resource block only: rules on one type check only resources of it (never a data source of the same type). */
  readonly resourceType?: string;
  /** Its name: a resource's, data source's, output's, local's or module's name; a provider's `<name>` or `<name>.<alias>`. */
  readonly name: string;
  readonly body: unknown;
}

/**
 * Every block of a configuration that may hold references, resources first
 * (in the configuration's order), then data sources, outputs, locals,
 * providers and modules, in any of the shapes Terraform JSON allows
 * ({@link labelled}; cdktf writes each provider as a list of configurations,
 * one per alias).
 */
export function terraformBlocks(json: CheckedStack['json']): TerraformBlock[] {
  const found: TerraformBlock[] = [];
  for (const [[type, name], body] of labelled(json.resource, 2)) found.push({ kind: `terraform:${type}`, resourceType: type, name, body });
  for (const [[type, name], body] of labelled(json.data, 2)) found.push({ kind: `terraform:data.${type}`, name, body });
  for (const [[name], body] of labelled(json.output, 1)) found.push({ kind: 'terraform:output', name, body });
  // A local's value is checked as `{ value }`, so that paths read `value...`.
  for (const [name, value] of locals(json)) found.push({ kind: 'terraform:local', name, body: { value } });
  for (const [[provider], body] of labelled(json.provider, 1)) {
    const alias = (body as { alias?: unknown } | null)?.alias;
    found.push({ kind: 'terraform:provider', name: typeof alias === 'string' ? `${provider}.${alias}` : provider, body });
  }
  for (const [[name], body] of labelled(json.module, 1)) found.push({ kind: 'terraform:module', name, body });
  return found;
}

/** `${...}` interpolations in a string; `$${` is Terraform's escape for a literal `${`. */
const INTERPOLATION = /(?<!\$)\$\{([^}]*)\}/g;
/**
 * References inside an interpolation: a resource (`google_x.name`, types always hold an underscore),
 * a data source, a variable or a local. Not matched: `each.`, `count.`, `self.`, `path.`, `module.`, functions.
 */
const REFERENCE = /(?<![\w.-])(data\.[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*|[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*|var\.[A-Za-z_][\w-]*|local\.[A-Za-z_][\w-]*)/g;

function danglingReferences(resource: unknown, addresses: ReadonlySet<string>): Finding[] {
  const findings: Finding[] = [];
  const check = (address: string, path: string, value: string) => {
    if (!addresses.has(address)) findings.push({ path, value, message: `references ${address}, which this configuration does not declare` });
  };
  const visit = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      if (!value.includes('${')) return;
      for (const [, expression] of value.matchAll(INTERPOLATION)) {
        // String literals inside the expression are text, not references.
        for (const [address] of expression.replace(/"(?:[^"\\]|\\.)*"/g, '""').matchAll(REFERENCE)) check(address, path, value);
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${path}[${i}]`));
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, path ? `${path}.${k}` : k);
    }
  };
  for (const [key, value] of Object.entries((resource ?? {}) as Record<string, unknown>)) {
    if (key === '//') continue; // a comment in the block's body
    if (key === 'depends_on' && Array.isArray(value)) {
      // Plain addresses, without ${}: a resource, a data source, or a whole module.
      value.forEach((d, i) => {
        if (typeof d !== 'string') return;
        const bare = d.replace(/^\$\{(.*)\}$/, '$1');
        if (!bare.startsWith('module.')) check(bare, `depends_on[${i}]`, d);
      });
    } else {
      visit(value, key);
    }
  }
  return findings;
}
