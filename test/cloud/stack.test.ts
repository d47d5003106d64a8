import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { TerraformStack, Testing } from 'cdktf';
// The declarations of the jest matchers that Testing.setupJest() adds.
import 'cdktf/lib/testing/adapters/jest';
import { Construct } from 'constructs';
import { environment, referenced, resources, resourceWith } from './helpers';
import { syntheticPlatform } from '../../bench/synthetic';
import {
  AppIdentity, EnvironmentStack, GkeCluster, Network, NODE_IMAGE_TYPE, NODE_ROLES, NODE_SERVICE_ACCOUNT_ID, PROJECT_APIS,
  ProjectServices, RenderedStack, renderCloud, SECONDARY_RANGES, STACK_FILE, synthCloudApp,
} from '../../src/cloud';
import { PlatformSpec, PlatformValidationError, PRIVATE_GOOGLE_ACCESS, resolvePlatform, ResolvedEnvironment, ResolvedPlatform } from '../../src/model';
import { toJson } from '../../src/synth';
import { fullPlatform, pipeline, service as serviceApp, stagingEnv } from '../fixtures';

Testing.setupJest();

/** cdktf's test app writes nothing here, but creates it: one directory for the file, removed after it. */
let outdir: string;

/** `Testing.synthScope`, in our output directory (synthScope makes a new temporary one per call and leaves it). */
function synthScope(fn: (scope: Construct) => void): string {
  const stack = new TerraformStack(Testing.app({ outdir }), 'stack');
  fn(stack);
  return Testing.synth(stack);
}

/** Every part of the engine: dev on spot VMs, staging, prod; apps with identities and secrets, a public app. */
const spec: PlatformSpec = fullPlatform();
let resolved: ResolvedPlatform;
let stacks: RenderedStack[];
/** The GKE construct of each environment, synthesized alone, keyed by environment. */
const gke = new Map<string, string>();

beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-test-'));
  resolved = resolvePlatform(spec);
  stacks = renderCloud(resolved);
  for (const env of resolved.environments) {
    gke.set(env.name, synthScope((scope) => {
      const services = new ProjectServices(scope, 'api', { env });
      new GkeCluster(scope, 'gke', { env, services, network: new Network(scope, 'network', { env, services }) });
    }));
  }
});

afterAll(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
});

function stackOf(name: string): RenderedStack {
  const stack = stacks.find((s) => s.environment === name);
  if (!stack) throw new Error(`no stack for ${name}`);
  return stack;
}

describe('renderCloud', () => {
  test('renders one stack per environment, in promotion order, into terraform/cdk.tf.json', () => {
    expect(stacks.map((s) => s.environment)).toEqual(['dev', 'staging', 'prod']);
    expect(stacks.every((s) => s.file === STACK_FILE && STACK_FILE === 'terraform/cdk.tf.json')).toBe(true);
    // GIVEN a qa environment between staging and prod: its stack comes in its place
    const withQa = pipeline([serviceApp('web')]);
    const qa = stagingEnv(['web'], { name: 'qa' });
    const environments = [withQa.environments[0], withQa.environments[1], qa, withQa.environments[2]];
    expect(renderCloud(resolvePlatform({ ...withQa, environments })).map((s) => s.environment)).toEqual(['dev', 'staging', 'qa', 'prod']);
  });

  test.each(['dev', 'staging', 'prod'])('%s: the stack is named after the environment and keeps its state in the environment\'s bucket', (name) => {
    const env = environment(resolved, name);
    const json = stackOf(name).json as any;
    expect(json['//'].metadata.stackName).toBe(name);
    expect(json.terraform.backend).toEqual({ gcs: { bucket: env.stateBucket, prefix: `platform/${name}` } });
    expect(EnvironmentStack.statePrefix(env)).toBe(`platform/${name}`);
    expect(json.provider.google).toEqual([{
      project: env.gcpProject,
      region: env.region,
      default_labels: { 'managed-by': 'platform-definition', 'environment': name },
    }]);
  });

  test('every resource is in the environment\'s project, except the grants on the shared image registry', () => {
    for (const stack of stacks) {
      const env = environment(resolved, stack.environment);
      const registryProjects = env.imageRegistries.map((r) => r.project);
      for (const [type, byName] of Object.entries((stack.json as any).resource as Record<string, Record<string, any>>)) {
        for (const [name, config] of Object.entries(byName)) {
          if (type === 'google_artifact_registry_repository_iam_member') {
            expect(registryProjects).toContain(config.project);
          } else if (config.project !== undefined) {
            expect(`${type}.${name} ${config.project}`).toBe(`${type}.${name} ${env.gcpProject}`);
          }
        }
      }
    }
  });

  test('Terraform addresses are readable construct paths: valid identifiers, no hash suffix', () => {
    for (const stack of stacks) {
      for (const byName of Object.values((stack.json as any).resource as Record<string, object>)) {
        for (const name of Object.keys(byName)) {
          expect(name).toMatch(/^[a-z][a-z0-9-]*(_[a-z0-9][A-Za-z0-9-]*)+$/);
          expect(name).not.toMatch(/_[0-9A-F]{8}$/);
        }
      }
    }
    expect(resources(stackOf('prod').json, 'google_container_cluster').map((r) => r.name)).toEqual(['gke_cluster']);
  });

  test('is deterministic and names no path of the machine that rendered it', () => {
    const again = renderCloud(resolvePlatform(fullPlatform()));
    for (const [i, stack] of stacks.entries()) {
      const text = toJson(stack.json);
      expect(toJson(again[i].json)).toBe(text);
      expect(text).not.toContain(process.cwd());
      expect(text).not.toContain(os.tmpdir());
    }
  });

  test('renders in memory exactly what cdktf writes for `cdktf synth`', () => {
    const dir = path.join(outdir, 'cdktf.out');
    expect(synthCloudApp(resolved, dir)).toEqual({ outdir: dir, stacks: ['dev', 'staging', 'prod'] });
    for (const stack of stacks) {
      const written = JSON.parse(fs.readFileSync(path.join(dir, 'stacks', stack.environment, 'cdk.tf.json'), 'utf8'));
      expect(written).toEqual(stack.json);
    }
  });

  test('renders the benchmark\'s synthetic platform (every workload kind) exactly as cdktf synth does', () => {
    // renderCloud skips cdktf's cross-stack preparation pass; App.synth() runs it.
    const synthetic = resolvePlatform(syntheticPlatform(30));
    const dir = path.join(outdir, 'cdktf-synthetic.out');
    synthCloudApp(synthetic, dir);
    const rendered = renderCloud(synthetic);
    expect(rendered.map((s) => s.environment)).toEqual(['dev', 'staging', 'prod']);
    for (const stack of rendered) {
      const written = fs.readFileSync(path.join(dir, 'stacks', stack.environment, 'cdk.tf.json'), 'utf8');
      expect(toJson(stack.json)).toBe(toJson(JSON.parse(written)));
    }
  });

  test('enables the APIs it uses and never disables them on destroy', () => {
    const synthesized = JSON.stringify(stackOf('dev').json);
    for (const service of Object.values(PROJECT_APIS)) {
      expect(synthesized).toHaveResourceWithProperties(ProjectService, { service, disable_on_destroy: false });
    }
    // Besides those, only what private services access needs, where an environment declares it.
    const psa = environment(resolved, 'dev').privateServiceAccess;
    expect(psa).toBeDefined();
    const extra = psa ? ['servicenetworking.googleapis.com', ...psa.apis] : [];
    expect(resources(stackOf('dev').json, 'google_project_service').map((r) => r.config.service).sort())
      .toEqual([...Object.values(PROJECT_APIS), ...extra].sort());
  });
});

describe('GKE cluster', () => {
  test.each(['dev', 'staging', 'prod'])('%s: hardened along the CIS GKE benchmark', (name) => {
    const env = environment(resolved, name);
    const c = env.cluster;
    expect(gke.get(name)).toHaveResourceWithProperties(ContainerCluster, {
      name: c.name,
      location: c.location,
      private_cluster_config: expect.objectContaining({ enable_private_nodes: true, master_ipv4_cidr_block: c.controlPlaneCidr }),
      master_authorized_networks_config: {
        gcp_public_cidrs_access_enabled: false,
        cidr_blocks: c.authorizedNetworks.map((n) => ({ cidr_block: n.cidr, display_name: n.name })),
      },
      ip_allocation_policy: { cluster_secondary_range_name: SECONDARY_RANGES.pods, services_secondary_range_name: SECONDARY_RANGES.services },
      networking_mode: 'VPC_NATIVE',
      workload_identity_config: { workload_pool: env.workloadIdentityPool },
      datapath_provider: 'ADVANCED_DATAPATH',
      enable_intranode_visibility: true,
      enable_shielded_nodes: true,
      enable_legacy_abac: false,
      master_auth: { client_certificate_config: { issue_client_certificate: false } },
      binary_authorization: { evaluation_mode: 'PROJECT_SINGLETON_POLICY_ENFORCE' },
      release_channel: { channel: c.releaseChannel.value },
      maintenance_policy: { daily_maintenance_window: { start_time: c.maintenanceStartTime } },
      logging_config: { enable_components: ['SYSTEM_COMPONENTS', 'WORKLOADS'] },
      monitoring_config: expect.objectContaining({ enable_components: ['SYSTEM_COMPONENTS'] }),
      remove_default_node_pool: true,
      initial_node_count: 1,
      deletion_protection: env.tier.isProduction,
      resource_labels: { 'managed-by': 'platform-definition', 'environment': name },
    });
  });

  test('deletion protection is on in production only', () => {
    expect(environment(resolved, 'prod').tier.isProduction).toBe(true);
    expect(gke.get('prod')).toHaveResourceWithProperties(ContainerCluster, { deletion_protection: true });
    expect(gke.get('dev')).toHaveResourceWithProperties(ContainerCluster, { deletion_protection: false });
  });

  test('declares no inline node pool; the bootstrap pool runs hardened as the node service account', () => {
    const cluster = resources(gke.get('dev')!, 'google_container_cluster')[0].config;
    expect(cluster).not.toHaveProperty('node_pool');
    expect(cluster.node_config).toMatchObject({
      image_type: NODE_IMAGE_TYPE,
      shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true },
      workload_metadata_config: { mode: 'GKE_METADATA' },
      oauth_scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    });
    expect(referenced(gke.get('dev')!, cluster.node_config.service_account).resource.config.account_id).toBe(NODE_SERVICE_ACCOUNT_ID);
  });

  test('the cluster and its subnet agree on the secondary ranges', () => {
    const env = environment(resolved, 'staging');
    const subnet = resources(gke.get('staging')!, 'google_compute_subnetwork')[0].config;
    expect(subnet.ip_cidr_range).toBe(env.cluster.nodesCidr);
    expect(subnet.private_ip_google_access).toBe(true);
    expect(subnet.secondary_ip_range).toEqual([
      { range_name: SECONDARY_RANGES.pods, ip_cidr_range: env.cluster.podsCidr },
      { range_name: SECONDARY_RANGES.services, ip_cidr_range: env.cluster.servicesCidr },
    ]);
    const cluster = resources(gke.get('staging')!, 'google_container_cluster')[0].config;
    expect(referenced(gke.get('staging')!, cluster.subnetwork).resource.config.name).toBe(subnet.name);
  });
});

describe('node pools', () => {
  test.each(['dev', 'staging', 'prod'])('%s: one pool per declared pool, hardened, as the least-privilege node account', (name) => {
    const env = environment(resolved, name);
    const synthesized = gke.get(name)!;
    const pools = resources(synthesized, 'google_container_node_pool');
    expect(pools.map((p) => p.config.name).sort()).toEqual(env.cluster.nodePools.map((p) => p.name).sort());
    for (const pool of env.cluster.nodePools) {
      expect(synthesized).toHaveResourceWithProperties(ContainerNodePool, {
        name: pool.name,
        autoscaling: expect.objectContaining({ min_node_count: pool.minNodes, max_node_count: pool.maxNodes }),
        management: { auto_repair: true, auto_upgrade: true },
        node_config: expect.objectContaining({
          image_type: 'COS_CONTAINERD',
          machine_type: pool.machineType,
          disk_size_gb: pool.diskSizeGb,
          spot: pool.spot,
          oauth_scopes: ['https://www.googleapis.com/auth/cloud-platform'],
          shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true },
          workload_metadata_config: { mode: 'GKE_METADATA' },
        }),
      });
    }
    for (const p of pools) {
      expect(referenced(synthesized, p.config.node_config.service_account).resource.config.account_id).toBe(NODE_SERVICE_ACCOUNT_ID);
      expect(referenced(synthesized, p.config.cluster).resource.type).toBe('google_container_cluster');
    }
  });

  test('dev runs on spot VMs, prod does not', () => {
    expect(resources(gke.get('dev')!, 'google_container_node_pool').map((p) => p.config.node_config.spot)).toEqual([true]);
    expect(resources(gke.get('prod')!, 'google_container_node_pool').map((p) => p.config.node_config.spot)).toEqual([false]);
  });

  test('the node service account holds exactly the node roles, and may pull from the apps\' registries', () => {
    const synthesized = gke.get('prod')!;
    const env = environment(resolved, 'prod');
    const nodeAccount = resourceWith(synthesized, 'google_service_account', 'account_id', NODE_SERVICE_ACCOUNT_ID);
    const member = `\${${nodeAccount.address}.member}`;
    const roles = resources(synthesized, 'google_project_iam_member').filter((r) => r.config.member === member).map((r) => r.config.role);
    expect(roles.sort()).toEqual([...NODE_ROLES].sort());
    expect(roles).not.toContain('roles/editor');
    // Image pulls are granted per repository only, never on the whole project.
    expect(roles).not.toContain('roles/artifactregistry.reader');
    const pulls = resources(synthesized, 'google_artifact_registry_repository_iam_member');
    expect(env.imageRegistries.length).toBeGreaterThan(0);
    expect(pulls.map((p) => p.config)).toEqual(env.imageRegistries.map((r) => ({
      project: r.project, location: r.location, repository: r.repositoryId, role: 'roles/artifactregistry.reader', member,
    })));
  });
});

describe('network', () => {
  test('no auto subnets; private nodes reach the internet through Cloud NAT', () => {
    const synthesized = gke.get('dev')!;
    expect(resources(synthesized, 'google_compute_network')[0].config.auto_create_subnetworks).toBe(false);
    const nat = resources(synthesized, 'google_compute_router_nat')[0].config;
    expect(referenced(synthesized, nat.router).resource.type).toBe('google_compute_router');
    expect(nat.subnetwork).toHaveLength(1);
    expect(referenced(synthesized, nat.subnetwork[0].name).resource.type).toBe('google_compute_subnetwork');
  });

  test('*.googleapis.com resolves, inside the VPC only, to the range the NetworkPolicies allow', () => {
    const synthesized = gke.get('dev')!;
    const zone = resources(synthesized, 'google_dns_managed_zone')[0];
    expect(zone.config).toMatchObject({ dns_name: 'googleapis.com.', visibility: 'private' });
    expect(referenced(synthesized, zone.config.private_visibility_config.networks[0].network_url).resource.type).toBe('google_compute_network');
    const records = resources(synthesized, 'google_dns_record_set').map((r) => r.config);
    expect(records.map((r) => ({ name: r.name, type: r.type, rrdatas: r.rrdatas }))).toEqual([
      { name: 'private.googleapis.com.', type: 'A', rrdatas: ['199.36.153.8', '199.36.153.9', '199.36.153.10', '199.36.153.11'] },
      { name: '*.googleapis.com.', type: 'CNAME', rrdatas: ['private.googleapis.com.'] },
    ]);
    expect(records.every((r) => referenced(synthesized, r.managed_zone).resource.address === zone.address)).toBe(true);
    expect(PRIVATE_GOOGLE_ACCESS.cidr).toBe('199.36.153.8/30');
    expect(resources(synthesized, 'google_compute_route')[0].config).toMatchObject({ dest_range: PRIVATE_GOOGLE_ACCESS.cidr, next_hop_gateway: 'default-internet-gateway' });
  });
});

describe('app identities and secrets', () => {
  let dev: ResolvedEnvironment;
  let synthesized: string;

  beforeAll(() => {
    dev = environment(resolved, 'dev');
    synthesized = synthScope((scope) => {
      const services = new ProjectServices(scope, 'api', { env: dev });
      const { cluster } = new GkeCluster(scope, 'gke', { env: dev, services, network: new Network(scope, 'network', { env: dev, services }) });
      for (const app of dev.apps) {
        if (app.identity) new AppIdentity(scope, `app-${app.name}`, { env: dev, app, identity: app.identity, services, cluster });
      }
    });
  });

  test('only the app\'s own Kubernetes ServiceAccount may impersonate its Google service account, once the pool exists', () => {
    const backend = dev.apps.find((a) => a.name === 'backend')!;
    expect(synthesized).toHaveResourceWithProperties(ServiceAccountIamMember, {
      role: 'roles/iam.workloadIdentityUser',
      member: `serviceAccount:${dev.workloadIdentityPool}[beta/backend]`,
    });
    const binding = resourceWith(synthesized, 'google_service_account_iam_member', 'member', backend.identity!.workloadIdentityMember);
    expect(referenced(synthesized, binding.config.service_account_id).resource.config.account_id).toBe(backend.identity!.accountId);
    expect(binding.config.depends_on).toEqual([resources(synthesized, 'google_container_cluster')[0].address]);
  });

  test('each app gets exactly its declared project roles', () => {
    expect(dev.apps.filter((a) => a.identity).length).toBeGreaterThanOrEqual(3);
    for (const app of dev.apps.filter((a) => a.identity)) {
      const account = resourceWith(synthesized, 'google_service_account', 'account_id', app.identity!.accountId);
      const roles = resources(synthesized, 'google_project_iam_member')
        .filter((r) => r.config.member === `\${${account.address}.member}`)
        .map((r) => r.config.role);
      expect(roles.sort()).toEqual([...app.identity!.roles].sort());
    }
  });

  test('secrets are declared without any version or value, and only their app may read them', () => {
    expect(resources(synthesized, 'google_secret_manager_secret_version')).toEqual([]);
    expect(synthesized).not.toContain('secret_data');
    const secrets = dev.apps.flatMap((app) => app.secrets.map((s) => ({ app, secret: s })));
    expect(secrets.length).toBeGreaterThan(0);
    for (const { app, secret } of secrets) {
      expect(synthesized).toHaveResourceWithProperties(SecretManagerSecret, { secret_id: secret.secretId, replication: { auto: {} } });
      const declared = resourceWith(synthesized, 'google_secret_manager_secret', 'secret_id', secret.secretId);
      const bindings = resources(synthesized, 'google_secret_manager_secret_iam_member')
        .filter((b) => referenced(synthesized, b.config.secret_id).resource.address === declared.address);
      expect(bindings).toHaveLength(1);
      expect(bindings[0].config.role).toBe('roles/secretmanager.secretAccessor');
      expect(referenced(synthesized, bindings[0].config.member).resource.config.account_id).toBe(app.identity!.accountId);
    }
  });
});

describe('names a project holds once', () => {
  function withIdentity(app: string, accountId: string) {
    return resolvePlatform({
      ...spec,
      apps: spec.apps.map((a) => (a.name === app ? { ...a, identity: { ...a.identity, accountId } } : a)),
    });
  }

  test('an app cannot take the nodes\' service account id', () => {
    expect(() => renderCloud(withIdentity('queue-worker', NODE_SERVICE_ACCOUNT_ID))).toThrow(PlatformValidationError);
    expect(() => renderCloud(withIdentity('queue-worker', NODE_SERVICE_ACCOUNT_ID))).toThrow(
      'apps.queue-worker.identity.accountId in dev: names service account "gke-nodes" in project test-dev-project, which the GKE nodes already uses (received "gke-nodes"); set identity.accountId to an id no other app uses',
    );
  });

  test('two apps cannot share a service account', () => {
    // GIVEN nightly-report taking queue-worker's id: the clash is reported, in each environment, on the second app in name order
    expect(() => renderCloud(withIdentity('nightly-report', 'queue-worker'))).toThrow(
      'apps.queue-worker.identity.accountId in prod: names service account "queue-worker" in project test-prod-project, which app "nightly-report" already uses (received "queue-worker")',
    );
  });
});
