import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { resources } from './helpers';
import type { KubernetesManifest } from '../../src/k8s';
import { PRIVATE_GOOGLE_ACCESS } from '../../src/model';
import { readTree, RenderedPlatform, renderPlatform, synthesize } from '../../src/synth';
import { fullPlatform } from '../fixtures';
import {
  destinationProblems, externalSecretProblems, ingressProblems, objectsOf, terraformOf, workloadIdentityProblems,
} from '../properties';

/**
 * What one layer names, the other must create: for every environment of a
 * platform that uses every part of the engine, the Kubernetes objects and the
 * Terraform stack rendered by one `renderPlatform` agree on service accounts,
 * Workload Identity, secrets, the cluster and the public endpoints. The same
 * properties are checked on the example platform (test/example.properties.test.ts).
 */

const spec = fullPlatform();
let rendered: RenderedPlatform;

beforeAll(() => {
  rendered = renderPlatform({ platform: spec });
});

const ENVIRONMENTS = spec.environments.map((e) => e.name);

/** The same render with an edit to one environment's Terraform or objects: a check that each property notices a break. */
function broken(env: string, edit: { terraform?: (tf: any) => void; objects?: (objects: KubernetesManifest[]) => void }): RenderedPlatform {
  const copy = JSON.parse(JSON.stringify({ objects: rendered.objects }));
  const tf = JSON.parse(terraformOf(rendered, env));
  edit.terraform?.(tf);
  edit.objects?.(copy.objects.filter((o: { environment: string }) => o.environment === env).map((o: { manifest: KubernetesManifest }) => o.manifest));
  return { ...rendered, objects: copy.objects, files: new Map([...rendered.files, [`${env}/terraform/cdk.tf.json`, JSON.stringify(tf)]]) };
}

const firstOf = (tf: any, type: string) => Object.values(tf.resource[type])[0] as any;

describe.each(ENVIRONMENTS)('%s', (env) => {
  test('every Workload Identity annotation names a service account the Terraform creates, which only that ServiceAccount may impersonate', () => {
    const annotated = objectsOf(rendered, env, 'ServiceAccount').filter((sa) => (sa.manifest.metadata.annotations as any)?.['iam.gke.io/gcp-service-account']);
    const withIdentity = rendered.resolved.environments.find((e) => e.name === env)!.apps.filter((a) => a.identity);
    expect(annotated.map((sa) => sa.manifest.metadata.name).sort()).toEqual(withIdentity.map((a) => a.serviceAccountName).sort());
    expect(annotated.length).toBeGreaterThanOrEqual(4);
    expect(workloadIdentityProblems(rendered, env)).toEqual([]);
  });

  test('no app account in the Terraform that no workload uses (the nodes\' account aside)', () => {
    const emails = new Set(objectsOf(rendered, env, 'ServiceAccount').map((sa) => (sa.manifest.metadata.annotations as any)?.['iam.gke.io/gcp-service-account']));
    const accounts = resources(terraformOf(rendered, env), 'google_service_account').filter((a) => a.config.account_id !== 'gke-nodes');
    expect(accounts.filter((a) => !emails.has(`${a.config.account_id}@${a.config.project}.iam.gserviceaccount.com`)).map((a) => a.address)).toEqual([]);
  });

  test('every ExternalSecret reads a secret the Terraform declares, which its store\'s service account may access', () => {
    expect(objectsOf(rendered, env, 'ExternalSecret').length).toBeGreaterThanOrEqual(2);
    expect(externalSecretProblems(rendered, env)).toEqual([]);
  });

  test('every SecretStore authenticates through the cluster the Terraform builds', () => {
    const cluster = resources(terraformOf(rendered, env), 'google_container_cluster')[0].config;
    for (const store of objectsOf(rendered, env, 'SecretStore')) {
      expect((store.manifest as any).spec.provider.gcpsm.auth.workloadIdentity).toMatchObject({
        clusterName: cluster.name, clusterLocation: cluster.location, clusterProjectID: cluster.project,
      });
    }
  });

  test('every Argo CD destination is the cluster the Terraform builds', () => {
    expect(objectsOf(rendered, env, 'Application').length).toBeGreaterThan(1);
    expect(destinationProblems(rendered, env)).toEqual([]);
  });

  test('every public Ingress names an address and a certificate (for its hosts) that the Terraform creates', () => {
    expect(objectsOf(rendered, env, 'Ingress').length).toBeGreaterThan(0);
    expect(ingressProblems(rendered, env)).toEqual([]);
  });

  test('the Google APIs range the NetworkPolicies allow is where the cluster\'s DNS sends *.googleapis.com', () => {
    const tf = terraformOf(rendered, env);
    const records = resources(tf, 'google_dns_record_set');
    const a = records.find((r) => r.config.type === 'A' && r.config.name === `${PRIVATE_GOOGLE_ACCESS.hostname}.`)!;
    const cname = records.find((r) => r.config.name === '*.googleapis.com.')!;
    expect(cname.config.rrdatas).toEqual([`${PRIVATE_GOOGLE_ACCESS.hostname}.`]);
    const identified = new Set(rendered.resolved.environments.find((e) => e.name === env)!.apps.filter((x) => x.identity).map((x) => x.name));
    const policies = objectsOf(rendered, env, 'NetworkPolicy').filter((p) => identified.has(p.manifest.metadata.name));
    expect(policies.length).toBe(identified.size);
    for (const policy of policies) {
      const cidrs = ((policy.manifest.spec as any).egress as { to?: { ipBlock?: { cidr: string } }[] }[])
        .flatMap((rule) => rule.to ?? []).map((peer) => peer.ipBlock?.cidr).filter((c): c is string => c !== undefined && c !== '0.0.0.0/0');
      const googleApis = cidrs.filter((cidr) => a.config.rrdatas.every((ip: string) => cidrContains(cidr, ip)));
      expect(`${policy.manifest.metadata.name}: ${googleApis.join(',')}`).toBe(`${policy.manifest.metadata.name}: ${PRIVATE_GOOGLE_ACCESS.cidr}`);
    }
  });
});

describe('the cross-layer properties notice a break', () => {
  test('a Workload Identity annotation naming an account the Terraform does not create', () => {
    const backend = (tf: any) => Object.values(tf.resource.google_service_account).find((a: any) => a.account_id === 'backend') as any;
    const edited = broken('prod', { terraform: (tf) => { backend(tf).account_id = 'renamed'; } });
    expect(workloadIdentityProblems(edited, 'prod')).toEqual([expect.stringMatching(/which the Terraform creates 0 times in project test-prod-project$/)]);
  });

  test('a second ServiceAccount allowed to impersonate an app\'s account', () => {
    const edited = broken('dev', {
      terraform: (tf) => {
        const [name, binding] = Object.entries(tf.resource.google_service_account_iam_member)[0] as [string, any];
        tf.resource.google_service_account_iam_member[`${name}-2`] = { ...binding, member: binding.member.replace(/\]$/, '-other]') };
      },
    });
    expect(workloadIdentityProblems(edited, 'dev')).toEqual([expect.stringContaining('not exactly by serviceAccount:')]);
  });

  test('an ExternalSecret whose key the Terraform does not declare', () => {
    const edited = broken('staging', { terraform: (tf) => { firstOf(tf, 'google_secret_manager_secret').secret_id = 'other'; } });
    expect(externalSecretProblems(edited, 'staging')).toEqual([expect.stringMatching(/is declared 0 times in the Terraform of project test-staging-project$/)]);
  });

  test('an Application bound for another cluster', () => {
    const edited = broken('dev', { objects: (objects) => { (objects.find((o) => o.kind === 'Application')!.spec as any).destination.name = 'elsewhere'; } });
    expect(destinationProblems(edited, 'dev')).toEqual([expect.stringContaining('names cluster elsewhere, the Terraform builds test-dev')]);
  });

  test('an Ingress whose certificate does not cover its host', () => {
    const edited = broken('prod', { terraform: (tf) => { firstOf(tf, 'google_compute_managed_ssl_certificate').managed.domains = ['other.example.com']; } });
    expect(ingressProblems(edited, 'prod')).toEqual([expect.stringContaining('does not cover www.prod.example.com')]);
  });
});

describe('dist/', () => {
  test('holds each environment\'s Terraform beside its manifests, as parseable JSON with a final newline', () => {
    for (const stack of rendered.stacks) {
      const text = terraformOf(rendered, stack.environment);
      expect(text.endsWith('}\n')).toBe(true);
      expect(JSON.parse(text)).toEqual(stack.json);
    }
    expect([...rendered.files.keys()].filter((f) => f.includes('/terraform/')).sort())
      .toEqual(ENVIRONMENTS.map((e) => `${e}/terraform/cdk.tf.json`).sort());
  });

  test('the cdk8s scratch output receives the Kubernetes files only', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-'));
    try {
      synthesize({ platform: spec, outDir: path.join(dir, 'dist'), mirrorDir: path.join(dir, 'cdk8s.out') });
      const dist = readTree(path.join(dir, 'dist'));
      const mirror = readTree(path.join(dir, 'cdk8s.out'));
      expect(dist.get('prod/terraform/cdk.tf.json')).toBe(terraformOf(rendered, 'prod'));
      expect([...mirror.keys()].filter((f) => !f.endsWith('.yaml'))).toEqual([]);
      expect(mirror.size).toBe(rendered.objects.length);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function cidrContains(cidr: string, ip: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipToInt(ip) / size) === Math.floor(ipToInt(base) / size);
}
