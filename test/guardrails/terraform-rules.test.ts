import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCheck } from '../../src/cli/check';
import { CheckedStack, TERRAFORM_RULES, runGuardrails } from '../../src/guardrails';
import { resolvePlatform } from '../../src/model';
import { renderPlatform, synthesize } from '../../src/synth';
import { fullPlatform } from '../fixtures';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every part of the engine: a cluster, node pools, app identities with project roles, secrets, a public endpoint; dev, staging and prod. */
const platform = fullPlatform();
const rendered = renderPlatform({ platform });
const resolved = resolvePlatform(platform);
const prodStack = (): CheckedStack => {
  const s = rendered.stacks.find((x) => x.environment === 'prod')!;
  return { environment: 'prod', file: s.file, source: 'stack prod', json: JSON.parse(JSON.stringify(s.json)) };
};
const first = (json: Json, type: string): Json => Object.values(json.resource[type])[0];

function rulesAfter(mutate: (json: Json) => void): string[] {
  const stack = prodStack();
  mutate(stack.json);
  const report = runGuardrails([], { platform: resolved, stacks: [stack], today: '2026-11-21' });
  return [...new Set(report.violations.map((v) => v.rule))].sort();
}

test('every Terraform rule cites its checkov check and CIS GKE section, and docs/guardrails.md lists it', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'guardrails.md'), 'utf8');
  for (const r of TERRAFORM_RULES) {
    expect(r.checkov).toMatch(/^(CKV_GCP_\d+|-)/);
    expect(r.cis).toMatch(/^(\d+\.\d+\.\d+|-)$/);
    expect({ rule: r.id, documented: readme.includes(`| \`${r.id}\` |`) }).toEqual({ rule: r.id, documented: true });
  }
});

test('the Terraform of a platform that uses every part of the engine passes every rule', () => {
  expect(rendered.guardrails.violations).toEqual([]);
  expect(rulesAfter(() => undefined)).toEqual([]);
});

test.each<[string, (json: Json) => void]>([
  ['gke-private-nodes', (j) => { first(j, 'google_container_cluster').private_cluster_config.enable_private_nodes = false; }],
  ['gke-authorized-networks', (j) => { first(j, 'google_container_cluster').master_authorized_networks_config.cidr_blocks.push({ cidr_block: '0.0.0.0/0' }); }],
  ['gke-vpc-native', (j) => { delete first(j, 'google_container_cluster').ip_allocation_policy; }],
  ['gke-workload-identity', (j) => { delete first(j, 'google_container_cluster').workload_identity_config; }],
  ['gke-network-policy-enforcement', (j) => { first(j, 'google_container_cluster').datapath_provider = 'LEGACY_DATAPATH'; }],
  ['gke-shielded-nodes', (j) => { first(j, 'google_container_cluster').enable_shielded_nodes = false; }],
  ['gke-no-legacy-abac', (j) => { first(j, 'google_container_cluster').enable_legacy_abac = true; }],
  ['gke-no-client-certificate', (j) => { first(j, 'google_container_cluster').master_auth.client_certificate_config.issue_client_certificate = true; }],
  ['gke-google-groups-rbac', (j) => { delete first(j, 'google_container_cluster').authenticator_groups_config; }],
  ['gke-release-channel', (j) => { first(j, 'google_container_cluster').release_channel.channel = 'UNSPECIFIED'; }],
  ['gke-logging', (j) => { first(j, 'google_container_cluster').logging_config.enable_components = ['SYSTEM_COMPONENTS']; }],
  ['gke-monitoring', (j) => { first(j, 'google_container_cluster').monitoring_config.enable_components = []; }],
  ['gke-no-default-node-pool', (j) => { first(j, 'google_container_cluster').remove_default_node_pool = false; }],
  ['gke-maintenance-window', (j) => { delete first(j, 'google_container_cluster').maintenance_policy; }],
  ['gke-deletion-protection', (j) => { first(j, 'google_container_cluster').deletion_protection = false; }],
  ['gke-node-auto-repair', (j) => { first(j, 'google_container_node_pool').management.auto_repair = false; }],
  ['gke-node-auto-upgrade', (j) => { first(j, 'google_container_node_pool').management.auto_upgrade = false; }],
  ['gke-node-cos', (j) => { first(j, 'google_container_node_pool').node_config.image_type = 'UBUNTU_CONTAINERD'; }],
  ['gke-node-secure-boot', (j) => { first(j, 'google_container_node_pool').node_config.shielded_instance_config.enable_secure_boot = false; }],
  ['gke-node-integrity-monitoring', (j) => { first(j, 'google_container_node_pool').node_config.shielded_instance_config.enable_integrity_monitoring = false; }],
  ['gke-node-metadata-server', (j) => { first(j, 'google_container_node_pool').node_config.workload_metadata_config.mode = 'GCE_METADATA'; }],
  ['gke-node-dedicated-service-account', (j) => { first(j, 'google_container_node_pool').node_config.service_account = 'default'; }],
  ['gke-node-legacy-metadata-disabled', (j) => { first(j, 'google_container_node_pool').node_config.metadata = {}; }],
  ['iam-no-primitive-roles', (j) => { first(j, 'google_project_iam_member').role = 'roles/editor'; }],
  ['secret-manager-no-versions', (j) => { j.resource.google_secret_manager_secret_version = { v: { secret: 'x', secret_data: 'hunter2' } }; }],
  ['terraform-references-resolve', (j) => { first(j, 'google_container_node_pool').cluster = '${google_container_cluster.staging_cluster.name}'; }],
  ['terraform-references-resolve', (j) => { first(j, 'google_container_cluster').depends_on.push('google_project_service.missing'); }],
])('%s fires on its violation', (rule, mutate) => {
  expect(rulesAfter(mutate)).toEqual([rule]);
});

test('terraform-references-resolve names the resource, the field and the missing address; it ignores text, functions, iteration and escaped $${', () => {
  const stack = prodStack();
  const [name, pool] = Object.entries(stack.json.resource!.google_container_node_pool as Record<string, Json>)[0];
  const cluster = Object.keys(stack.json.resource!.google_container_cluster)[0];
  pool.node_config.labels = {
    fine: `\${google_container_cluster.${cluster}.name}-\${lower("google_x.not_a_reference")}-\${each.value}-\${count.index}-\${path.module}-$\${google_x.escaped}`,
    typo: `\${google_container_cluster.${cluster}x.name}`,
  };
  const report = runGuardrails([], { platform: resolved, stacks: [stack], today: '2026-11-21' });
  expect(report.violations.map((v) => ({ rule: v.rule, kind: v.kind, name: v.name, path: v.path, message: v.message }))).toEqual([{
    rule: 'terraform-references-resolve',
    kind: 'terraform:google_container_node_pool',
    name,
    path: 'node_config.labels.typo',
    message: `references google_container_cluster.${cluster}x, which this configuration does not declare`,
  }]);
});

test('terraform-references-resolve also checks data sources, outputs, locals, providers and modules, naming each block', () => {
  const stack = prodStack();
  const j = stack.json as Json;
  const cluster = Object.keys(j.resource.google_container_cluster)[0];
  j.data = { google_client_config: { current: {}, bad: { depends_on: ['google_project_service.gone'] } } };
  j.variable = { tier: { type: 'string' } };
  j.locals = { fine: '${var.tier}-${data.google_client_config.current.project}', bad: '${local.missing}' };
  j.output = {
    endpoint: { value: `\${google_container_cluster.${cluster}.endpoint}` },
    other: { value: '${google_container_cluster.staging_cluster.endpoint}', depends_on: [`google_container_cluster.${cluster}`] },
  };
  j.provider.kubernetes = [
    { host: `https://\${google_container_cluster.${cluster}.endpoint}` },
    { alias: 'old', host: '${data.google_container_cluster.old.endpoint}' },
  ];
  j.module = { network: { source: './network', project: '${var.projekt}' } };
  const report = runGuardrails([], { platform: resolved, stacks: [stack], today: '2026-11-21' });
  expect(report.violations.map((v) => ({ rule: v.rule, kind: v.kind, name: v.name, path: v.path, value: v.value, message: v.message }))).toEqual([
    {
      rule: 'terraform-references-resolve',
      kind: 'terraform:data.google_client_config',
      name: 'bad',
      path: 'depends_on[0]',
      value: 'google_project_service.gone',
      message: 'references google_project_service.gone, which this configuration does not declare',
    },
    {
      rule: 'terraform-references-resolve',
      kind: 'terraform:output',
      name: 'other',
      path: 'value',
      value: '${google_container_cluster.staging_cluster.endpoint}',
      message: 'references google_container_cluster.staging_cluster, which this configuration does not declare',
    },
    {
      rule: 'terraform-references-resolve',
      kind: 'terraform:local',
      name: 'bad',
      path: 'value',
      value: '${local.missing}',
      message: 'references local.missing, which this configuration does not declare',
    },
    {
      rule: 'terraform-references-resolve',
      kind: 'terraform:provider',
      name: 'kubernetes.old',
      path: 'host',
      value: '${data.google_container_cluster.old.endpoint}',
      message: 'references data.google_container_cluster.old, which this configuration does not declare',
    },
    {
      rule: 'terraform-references-resolve',
      kind: 'terraform:module',
      name: 'network',
      path: 'project',
      value: '${var.projekt}',
      message: 'references var.projekt, which this configuration does not declare',
    },
  ]);
  // Only resources count as checked objects; the other blocks are checked by the rules on every block only.
  expect(report.objectsChecked).toBe(runGuardrails([], { platform: resolved, stacks: [prodStack()], today: '2026-11-21' }).objectsChecked);
});

test('every shape Terraform JSON allows is read: arrays at any label level, array bodies, locals as a list, // comments', () => {
  const stack = prodStack();
  const j = stack.json as Json;
  const cluster = Object.keys(j.resource.google_container_cluster)[0];
  // A second cluster resource in the array form: the cluster rules check it too.
  j.resource = [j.resource, { google_container_cluster: [{ extra: [{ ...first(j, 'google_container_cluster'), enable_legacy_abac: true }] }] }];
  j.locals = [{ 'region': 'europe-west1', '//': 'comments may mention ${google_foo.bar} freely' }, { zone: '${local.region}-b' }];
  j.data = { google_container_cluster: [{ current: { 'name': cluster, 'location': '${local.region}', '//': 'not ${a_b.c} either' } }] };
  j.output = [{ net: [{ value: '${google_compute_network.nope.id}', depends_on: ['google_compute_network.gone'] }] }];
  j.module = { net: [{ source: './net', zone: '${local.zone}' }] };
  const report = runGuardrails([], { platform: resolved, stacks: [stack], today: '2026-11-21' });
  expect(report.violations.map((v) => `${v.rule} ${v.kind} ${v.name} ${v.path}: ${v.value}`).sort()).toEqual([
    'gke-no-legacy-abac terraform:google_container_cluster extra enable_legacy_abac: true',
    'terraform-references-resolve terraform:output net depends_on[0]: google_compute_network.gone',
    'terraform-references-resolve terraform:output net value: ${google_compute_network.nope.id}',
  ]);
});

test('a rule on one resource type never checks a data source of that type', () => {
  // A data source reads an existing cluster: none of the cluster rules' settings are in it.
  expect(rulesAfter((j) => { j.data = { google_container_cluster: { existing: { name: 'legacy', location: 'europe-west1' } } }; })).toEqual([]);
});

test('an exemption names a block by the kind and name the report gives it', () => {
  const stack = prodStack();
  (stack.json as Json).output = { legacy: { value: '${google_compute_network.legacy.id}' } };
  const exemptions = [{ rule: 'terraform-references-resolve', kind: 'terraform:output', name: 'legacy', reason: 'declared by hand in the pipeline', expires: '2027-01-31' }];
  const report = runGuardrails([], { platform: { ...resolved, exemptions }, stacks: [stack], today: '2026-11-21' });
  expect(report.violations).toEqual([]);
  expect(report.exempted.filter((e) => !e.reason.startsWith('built in')).map((e) => [e.kind, e.name, e.reason]))
    .toEqual([['terraform:output', 'legacy', 'declared by hand in the pipeline']]);
});

test('production-only rules do not apply elsewhere', () => {
  const dev = rendered.stacks.find((x) => x.environment === 'dev')!;
  const json = JSON.parse(JSON.stringify(dev.json));
  first(json, 'google_container_cluster').deletion_protection = false;
  const report = runGuardrails([], { platform: resolved, stacks: [{ environment: 'dev', file: dev.file, source: 'stack dev', json }] });
  expect(report.violations).toEqual([]);
});

test('npm run check catches a hand edit of the Terraform in dist/, naming the resource, field, checkov id and CIS section', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-check-'));
  try {
    const out = path.join(tmp, 'dist');
    synthesize({ platform, outDir: out });
    const file = path.join(out, 'prod', 'terraform', 'cdk.tf.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    first(json, 'google_container_cluster').enable_legacy_abac = true;
    fs.writeFileSync(file, JSON.stringify(json));
    const lines: string[] = [];
    expect(runCheck({ platform, distDir: out }, { log: (s) => lines.push(s), error: (s) => lines.push(s) })).toBe(1);
    const text = lines.join('\n');
    expect(text).toContain('ERROR gke-no-legacy-abac: [prod] terraform:google_container_cluster gke_cluster');
    expect(text).toContain('enable_legacy_abac: legacy ABAC must be disabled (received true)');
    expect(text).toContain('(checkov CKV_GCP_7, CIS GKE 5.8.4)');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
