import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { referenced, resources, TfResource } from './helpers';
import type { KubernetesManifest } from '../../src/k8s';
import { PRIVATE_GOOGLE_ACCESS } from '../../src/model';
import { extensions, platform } from '../../src/platform';
import { readTree, RenderedPlatform, renderPlatform, synthesize } from '../../src/synth';

/**
 * What one layer names, the other must create: for every environment of the
 * example platform, the Kubernetes objects and the Terraform stack rendered by
 * one `renderPlatform` agree on service accounts, Workload Identity, secrets,
 * the cluster and the public endpoints.
 */

let rendered: RenderedPlatform;

beforeAll(() => {
  rendered = renderPlatform({ platform, extensions });
});

const ENVIRONMENTS = ['dev', 'staging', 'prod'];

/** The environment's Terraform, as written to dist/<env>/terraform/cdk.tf.json. */
function terraformOf(env: string): string {
  const text = rendered.files.get(`${env}/terraform/cdk.tf.json`);
  if (text === undefined) throw new Error(`dist/${env}/terraform/cdk.tf.json is not rendered`);
  return text;
}

/** The environment's own objects of a kind (pull-request previews have no cloud resources of their own). */
function objectsOf(env: string, kind: string): KubernetesManifest[] {
  return rendered.objects.filter((o) => o.environment === env && o.manifest.kind === kind && !o.file.startsWith('previews/')).map((o) => o.manifest);
}

function annotationsOf(m: KubernetesManifest): Record<string, string> {
  return (m.metadata.annotations ?? {}) as Record<string, string>;
}

/** The email Google gives a `google_service_account`: `<account_id>@<project>.iam.gserviceaccount.com`. */
function emailOf(account: TfResource): string {
  return `${account.config.account_id}@${account.config.project}.iam.gserviceaccount.com`;
}

function theCluster(tf: string): TfResource {
  const clusters = resources(tf, 'google_container_cluster');
  expect(clusters).toHaveLength(1);
  return clusters[0];
}

/** The Google service account a Kubernetes ServiceAccount is annotated with, as the Terraform declares it. */
function googleAccountOf(tf: string, ksa: KubernetesManifest): TfResource {
  const email = annotationsOf(ksa)['iam.gke.io/gcp-service-account'];
  const matches = resources(tf, 'google_service_account').filter((a) => emailOf(a) === email);
  expect({ ksa: `${ksa.metadata.namespace}/${ksa.metadata.name}`, email, declared: matches.length }).toEqual(
    { ksa: `${ksa.metadata.namespace}/${ksa.metadata.name}`, email, declared: 1 },
  );
  return matches[0];
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function cidrContains(cidr: string, ip: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipToInt(ip) / size) === Math.floor(ipToInt(base) / size);
}

describe.each(ENVIRONMENTS)('%s', (env) => {
  test('every app with a Google identity has a Kubernetes ServiceAccount annotated with the service account the Terraform creates', () => {
    const tf = terraformOf(env);
    const resolvedEnv = rendered.resolved.environments.find((e) => e.name === env)!;
    const withIdentity = resolvedEnv.apps.filter((a) => a.identity);
    expect(withIdentity.length).toBeGreaterThan(0);
    const annotated = objectsOf(env, 'ServiceAccount').filter((sa) => annotationsOf(sa)['iam.gke.io/gcp-service-account'] !== undefined);
    // Argo CD's notifications read their credentials as a Google identity too.
    const platformAccounts = resolvedEnv.notifications.identity ? [resolvedEnv.notifications.serviceAccountName] : [];
    expect(annotated.map((sa) => sa.metadata.name).sort()).toEqual([...withIdentity.map((a) => a.serviceAccountName), ...platformAccounts].sort());
    const used = new Set<string>();
    for (const ksa of annotated) {
      const account = googleAccountOf(tf, ksa);
      expect(account.config.project).toBe(resolvedEnv.gcpProject);
      used.add(account.address);
    }
    // No app account in the Terraform that no workload uses (the nodes' account aside).
    const pipelineAccounts = resolvedEnv.pipeline ? [resolvedEnv.pipeline.plan.accountId, resolvedEnv.pipeline.apply.accountId] : [];
    const appAccounts = resources(tf, 'google_service_account').filter((a) => a.config.account_id !== 'gke-nodes' && !pipelineAccounts.includes(a.config.account_id));
    expect(appAccounts.map((a) => a.address).sort()).toEqual([...used].sort());
  });

  test('only the annotated Kubernetes ServiceAccount may impersonate its Google service account', () => {
    const tf = terraformOf(env);
    const pool = theCluster(tf).config.workload_identity_config.workload_pool;
    for (const ksa of objectsOf(env, 'ServiceAccount').filter((sa) => annotationsOf(sa)['iam.gke.io/gcp-service-account'])) {
      const account = googleAccountOf(tf, ksa);
      const bindings = resources(tf, 'google_service_account_iam_member')
        .filter((b) => referenced(tf, b.config.service_account_id).resource.address === account.address);
      expect(bindings.map((b) => ({ role: b.config.role, member: b.config.member }))).toEqual([{
        role: 'roles/iam.workloadIdentityUser',
        member: `serviceAccount:${pool}[${ksa.metadata.namespace}/${ksa.metadata.name}]`,
      }]);
    }
  });

  test('every ExternalSecret reads a secret the Terraform declares, which its store\'s service account may access', () => {
    const tf = terraformOf(env);
    const cluster = theCluster(tf).config;
    const externalSecrets = objectsOf(env, 'ExternalSecret');
    expect(externalSecrets.length).toBeGreaterThan(0);
    for (const es of externalSecrets) {
      const spec = es.spec as { secretStoreRef: { name: string }; data: { remoteRef: { key: string } }[] };
      const store = objectsOf(env, 'SecretStore').find((s) => s.metadata.name === spec.secretStoreRef.name && s.metadata.namespace === es.metadata.namespace)!;
      expect(store).toBeDefined();
      const gcpsm = (store.spec as any).provider.gcpsm;
      // The store authenticates through the cluster the Terraform builds.
      expect(gcpsm.auth.workloadIdentity).toMatchObject({
        clusterName: cluster.name, clusterLocation: cluster.location, clusterProjectID: cluster.project,
      });
      const ksa = objectsOf(env, 'ServiceAccount').find((sa) => sa.metadata.name === gcpsm.auth.workloadIdentity.serviceAccountRef.name && sa.metadata.namespace === es.metadata.namespace)!;
      expect(ksa).toBeDefined();
      const account = googleAccountOf(tf, ksa);
      for (const { remoteRef } of spec.data) {
        const secrets = resources(tf, 'google_secret_manager_secret').filter((s) => s.config.secret_id === remoteRef.key);
        expect({ key: remoteRef.key, declared: secrets.length }).toEqual({ key: remoteRef.key, declared: 1 });
        expect(secrets[0].config.project).toBe(gcpsm.projectID);
        const readers = resources(tf, 'google_secret_manager_secret_iam_member')
          .filter((b) => referenced(tf, b.config.secret_id).resource.address === secrets[0].address);
        expect(readers.map((b) => ({ role: b.config.role, account: referenced(tf, b.config.member).resource.address }))).toEqual([
          { role: 'roles/secretmanager.secretAccessor', account: account.address },
        ]);
      }
    }
  });

  test('every Argo CD destination is the cluster the Terraform builds', () => {
    const name = theCluster(terraformOf(env)).config.name;
    const applications = objectsOf(env, 'Application');
    expect(applications.length).toBeGreaterThan(1);
    for (const app of applications) {
      expect(`${app.metadata.name} -> ${(app.spec as any).destination.name}`).toBe(`${app.metadata.name} -> ${name}`);
    }
    for (const project of objectsOf(env, 'AppProject')) {
      for (const d of (project.spec as any).destinations) expect(d.name).toBe(name);
    }
    const clusterSecrets = objectsOf(env, 'Secret').filter((s) => (s.metadata.labels as any)?.['argocd.argoproj.io/secret-type'] === 'cluster');
    expect(clusterSecrets.map((s) => (s as any).stringData.name)).toEqual([name]);
  });

  test('every public Ingress names an address and a certificate (for its hosts) that the Terraform creates', () => {
    const tf = terraformOf(env);
    const ingresses = objectsOf(env, 'Ingress');
    expect(ingresses.length).toBeGreaterThan(0);
    for (const ingress of ingresses) {
      const a = annotationsOf(ingress);
      const addresses = resources(tf, 'google_compute_global_address').filter((r) => r.config.name === a['kubernetes.io/ingress.global-static-ip-name']);
      expect(addresses).toHaveLength(1);
      const certificates = resources(tf, 'google_compute_managed_ssl_certificate').filter((r) => r.config.name === a['ingress.gcp.kubernetes.io/pre-shared-cert']);
      expect(certificates).toHaveLength(1);
      const hosts = ((ingress.spec as any).rules as { host: string }[]).map((r) => r.host);
      expect(certificates[0].config.managed.domains).toEqual(hosts);
    }
  });

  test('the Google APIs range the NetworkPolicies allow is where the cluster\'s DNS sends *.googleapis.com', () => {
    const tf = terraformOf(env);
    const records = resources(tf, 'google_dns_record_set');
    const a = records.find((r) => r.config.type === 'A' && r.config.name === `${PRIVATE_GOOGLE_ACCESS.hostname}.`)!;
    const cname = records.find((r) => r.config.name === '*.googleapis.com.')!;
    expect(cname.config.rrdatas).toEqual([`${PRIVATE_GOOGLE_ACCESS.hostname}.`]);
    const identified = new Set(rendered.resolved.environments.find((e) => e.name === env)!.apps.filter((x) => x.identity).map((x) => x.name));
    const policies = objectsOf(env, 'NetworkPolicy').filter((p) => identified.has(p.metadata.name));
    expect(policies.length).toBe(identified.size);
    for (const policy of policies) {
      const cidrs = ((policy.spec as any).egress as { to?: { ipBlock?: { cidr: string } }[] }[])
        .flatMap((rule) => rule.to ?? []).map((peer) => peer.ipBlock?.cidr).filter((c): c is string => c !== undefined && c !== '0.0.0.0/0');
      const googleApis = cidrs.filter((cidr) => a.config.rrdatas.every((ip: string) => cidrContains(cidr, ip)));
      expect(`${policy.metadata.name}: ${googleApis.join(',')}`).toBe(`${policy.metadata.name}: ${PRIVATE_GOOGLE_ACCESS.cidr}`);
    }
  });
});

describe('dist/', () => {
  test('holds each environment\'s Terraform beside its manifests, as parseable JSON with a final newline', () => {
    for (const stack of rendered.stacks) {
      const text = terraformOf(stack.environment);
      expect(text.endsWith('}\n')).toBe(true);
      expect(JSON.parse(text)).toEqual(stack.json);
    }
    // Beside it, the pipeline's settings (docs/pipeline.md), which Terraform does not read (not *.tf.json).
    expect([...rendered.files.keys()].filter((f) => f.includes('/terraform/') && !f.endsWith('/terraform/pipeline.json')).sort())
      .toEqual(ENVIRONMENTS.map((e) => `${e}/terraform/cdk.tf.json`).sort());
  });

  test('the cdk8s scratch output receives the Kubernetes files only', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-'));
    try {
      synthesize({ platform, extensions, outDir: path.join(dir, 'dist'), mirrorDir: path.join(dir, 'cdk8s.out') });
      const dist = readTree(path.join(dir, 'dist'));
      const mirror = readTree(path.join(dir, 'cdk8s.out'));
      expect(dist.get('prod/terraform/cdk.tf.json')).toBe(terraformOf('prod'));
      expect([...mirror.keys()].filter((f) => !f.endsWith('.yaml'))).toEqual([]);
      expect(mirror.size).toBe(rendered.objects.length);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
