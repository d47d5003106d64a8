import { referenced, resources, TfResource } from './cloud/helpers';
import type { RenderedObject } from '../src/k8s';
import type { PlatformSpec } from '../src/model';
import type { RenderedPlatform } from '../src/synth';

/*
 * Properties that hold for any valid platform, as functions that list what
 * breaks them (empty: the property holds). The example platform is checked
 * with them (test/example.properties.test.ts); the engine's tests run them on
 * fixtures, where they are also shown to notice a break.
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `<environment>/<file>`: where an object is written under dist/. */
export const where = (o: RenderedObject): string => `${o.environment}/${o.file}`;

/** The environments' own objects: pull-request previews are rendered for a cluster but run no cloud resources of their own. */
export function environmentObjects(rendered: RenderedPlatform): RenderedObject[] {
  return rendered.objects.filter((o) => !o.file.startsWith('previews/'));
}

/** Every pod template, with the object it belongs to. */
export function podTemplates(objects: readonly RenderedObject[]): { owner: RenderedObject; pod: Json; labels: Record<string, string> }[] {
  return objects.flatMap((o) => {
    const spec = (o.manifest as Json).spec;
    switch (o.manifest.kind) {
      case 'Deployment': case 'Rollout': case 'Job': return [{ owner: o, pod: spec.template.spec, labels: spec.template.metadata?.labels ?? {} }];
      case 'CronJob': return [{ owner: o, pod: spec.jobTemplate.spec.template.spec, labels: spec.jobTemplate.spec.template.metadata?.labels ?? {} }];
      case 'Pod': return [{ owner: o, pod: spec, labels: o.manifest.metadata.labels ?? {} }];
      default: return [];
    }
  });
}

/** Volume types the restricted profile admits. */
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/**
 * What keeps pods from the Pod Security Standards' restricted profile, which
 * every team namespace enforces (pod-security.kubernetes.io/enforce: restricted),
 * so the API server would refuse them.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export function restrictedProfileProblems(objects: readonly RenderedObject[]): string[] {
  const problems: string[] = [];
  for (const { owner, pod } of podTemplates(objects)) {
    const at = where(owner);
    for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) if (pod[field]) problems.push(`${at}: ${field}`);
    for (const v of pod.volumes ?? []) {
      const type = Object.keys(v).find((k) => k !== 'name');
      if (!type || !RESTRICTED_VOLUMES.includes(type)) problems.push(`${at}: volume ${v.name} of type ${type}`);
    }
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      const own = c.securityContext ?? {};
      const effective = (field: string) => own[field] ?? pod.securityContext?.[field];
      const container = `${at} container ${c.name}`;
      if (own.privileged) problems.push(`${container}: privileged`);
      if (own.allowPrivilegeEscalation !== false) problems.push(`${container}: allowPrivilegeEscalation is not false`);
      if (effective('runAsNonRoot') !== true) problems.push(`${container}: runAsNonRoot is not true`);
      if (effective('runAsUser') === 0) problems.push(`${container}: runAsUser 0`);
      if (!['RuntimeDefault', 'Localhost'].includes(effective('seccompProfile')?.type)) problems.push(`${container}: seccompProfile is not RuntimeDefault or Localhost`);
      if (!(own.capabilities?.drop ?? []).includes('ALL')) problems.push(`${container}: capabilities do not drop ALL`);
      for (const cap of own.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') problems.push(`${container}: adds capability ${cap}`);
      for (const p of c.ports ?? []) if (p.hostPort) problems.push(`${container}: hostPort ${p.hostPort}`);
    }
  }
  return problems;
}

/**
 * Apps whose Argo CD Application is missing where the declaration enables
 * them, or present where it disables them. Read from the declaration itself,
 * not from the model: a migration has no Application of its own (it rides with
 * the app it migrates).
 */
export function applicationProblems(spec: PlatformSpec, rendered: RenderedPlatform): string[] {
  const problems: string[] = [];
  for (const env of spec.environments) {
    const applications = new Set(environmentObjects(rendered)
      .filter((o) => o.environment === env.name && o.manifest.kind === 'Application' && o.file.startsWith('argocd/'))
      .map((o) => o.manifest.metadata.name));
    for (const app of spec.apps) {
      const enabled = env.apps?.[app.name]?.enabled !== false;
      const ownApplication = app.workload.kind !== 'migration';
      if (enabled && ownApplication && !applications.has(app.name)) problems.push(`${env.name}: app ${app.name} is enabled and has no Application`);
      if (!enabled && applications.has(app.name)) problems.push(`${env.name}: app ${app.name} is disabled and has an Application`);
      if (!ownApplication && applications.has(app.name)) problems.push(`${env.name}: migration ${app.name} has an Application of its own`);
    }
  }
  return problems;
}

/** The environment's Terraform, as written to dist/<env>/terraform/cdk.tf.json. */
export function terraformOf(rendered: RenderedPlatform, env: string): string {
  const text = rendered.files.get(`${env}/terraform/cdk.tf.json`);
  if (text === undefined) throw new Error(`dist/${env}/terraform/cdk.tf.json is not rendered`);
  return text;
}

/** The environment's own objects of a kind. */
export function objectsOf(rendered: RenderedPlatform, env: string, kind: string): RenderedObject[] {
  return environmentObjects(rendered).filter((o) => o.environment === env && o.manifest.kind === kind);
}

const annotation = (o: RenderedObject, key: string): string | undefined =>
  (o.manifest.metadata.annotations as Record<string, string> | undefined)?.[key];
const WORKLOAD_IDENTITY = 'iam.gke.io/gcp-service-account';

/** The email Google gives a `google_service_account`: `<account_id>@<project>.iam.gserviceaccount.com`. */
function emailOf(account: TfResource): string {
  return `${account.config.account_id}@${account.config.project}.iam.gserviceaccount.com`;
}

/**
 * Kubernetes ServiceAccounts whose Workload Identity annotation names no
 * service account the environment's Terraform creates in its project, or
 * whose Google account does not let exactly that Kubernetes ServiceAccount impersonate it.
 */
export function workloadIdentityProblems(rendered: RenderedPlatform, env: string): string[] {
  const tf = terraformOf(rendered, env);
  const project = rendered.resolved.environments.find((e) => e.name === env)!.gcpProject;
  const pool = resources(tf, 'google_container_cluster')[0]?.config.workload_identity_config?.workload_pool;
  const problems: string[] = [];
  for (const ksa of objectsOf(rendered, env, 'ServiceAccount')) {
    const email = annotation(ksa, WORKLOAD_IDENTITY);
    if (email === undefined) continue;
    const accounts = resources(tf, 'google_service_account').filter((a) => emailOf(a) === email);
    if (accounts.length !== 1 || accounts[0].config.project !== project) {
      problems.push(`${where(ksa)}: names ${email}, which the Terraform creates ${accounts.length} times in project ${project}`);
      continue;
    }
    const member = `serviceAccount:${pool}[${ksa.manifest.metadata.namespace}/${ksa.manifest.metadata.name}]`;
    const bindings = resources(tf, 'google_service_account_iam_member')
      .filter((b) => referenced(tf, b.config.service_account_id).resource.address === accounts[0].address)
      .map((b) => `${b.config.role} ${b.config.member}`);
    if (JSON.stringify(bindings) !== JSON.stringify([`roles/iam.workloadIdentityUser ${member}`])) {
      problems.push(`${where(ksa)}: ${email} may be impersonated by [${bindings.join(', ')}], not exactly by ${member}`);
    }
  }
  return problems;
}

/**
 * ExternalSecrets whose remote key is not a Secret Manager secret that the
 * environment's Terraform declares, in the project their SecretStore reads,
 * readable by exactly the Google account of that store's ServiceAccount.
 */
export function externalSecretProblems(rendered: RenderedPlatform, env: string): string[] {
  const tf = terraformOf(rendered, env);
  const problems: string[] = [];
  const inNamespace = (kind: string, name: string, namespace: unknown) => objectsOf(rendered, env, kind)
    .find((o) => o.manifest.metadata.name === name && o.manifest.metadata.namespace === namespace);
  for (const es of objectsOf(rendered, env, 'ExternalSecret')) {
    const spec = (es.manifest as Json).spec;
    const store = inNamespace('SecretStore', spec.secretStoreRef.name, es.manifest.metadata.namespace);
    if (!store) {
      problems.push(`${where(es)}: its SecretStore ${spec.secretStoreRef.name} is not rendered`);
      continue;
    }
    const gcpsm = (store.manifest as Json).spec.provider.gcpsm;
    const ksa = inNamespace('ServiceAccount', gcpsm.auth.workloadIdentity.serviceAccountRef.name, es.manifest.metadata.namespace);
    const email = ksa && annotation(ksa, WORKLOAD_IDENTITY);
    const account = resources(tf, 'google_service_account').find((a) => emailOf(a) === email);
    for (const { remoteRef } of spec.data) {
      const secrets = resources(tf, 'google_secret_manager_secret').filter((s) => s.config.secret_id === remoteRef.key);
      if (secrets.length !== 1 || secrets[0].config.project !== gcpsm.projectID) {
        problems.push(`${where(es)}: ${remoteRef.key} is declared ${secrets.length} times in the Terraform of project ${gcpsm.projectID}`);
        continue;
      }
      const readers = resources(tf, 'google_secret_manager_secret_iam_member')
        .filter((b) => referenced(tf, b.config.secret_id).resource.address === secrets[0].address)
        .map((b) => `${b.config.role} ${referenced(tf, b.config.member).resource.address}`);
      if (!account || JSON.stringify(readers) !== JSON.stringify([`roles/secretmanager.secretAccessor ${account.address}`])) {
        problems.push(`${where(es)}: ${remoteRef.key} is readable by [${readers.join(', ')}], not exactly by the store's account ${email}`);
      }
    }
  }
  return problems;
}

/** Argo CD destinations (Applications, AppProjects, the cluster registration) that are not the cluster the Terraform builds. */
export function destinationProblems(rendered: RenderedPlatform, env: string): string[] {
  const clusters = resources(terraformOf(rendered, env), 'google_container_cluster');
  if (clusters.length !== 1) return [`${env}: the Terraform builds ${clusters.length} clusters`];
  const cluster = clusters[0].config.name;
  const named = [
    ...objectsOf(rendered, env, 'Application').map((o) => ({ o, names: [(o.manifest as Json).spec.destination.name] })),
    ...objectsOf(rendered, env, 'AppProject').map((o) => ({ o, names: (o.manifest as Json).spec.destinations.map((d: Json) => d.name) })),
    ...objectsOf(rendered, env, 'Secret').filter((o) => (o.manifest.metadata.labels as Json)?.['argocd.argoproj.io/secret-type'] === 'cluster')
      .map((o) => ({ o, names: [(o.manifest as Json).stringData.name] })),
  ];
  return named.flatMap(({ o, names }) => names.filter((n: string) => n !== cluster).map((n: string) => `${where(o)}: names cluster ${n}, the Terraform builds ${cluster}`));
}

/** Ingresses whose static address or certificate the Terraform does not create, or whose certificate does not cover their hosts. */
export function ingressProblems(rendered: RenderedPlatform, env: string): string[] {
  const tf = terraformOf(rendered, env);
  const problems: string[] = [];
  for (const ingress of objectsOf(rendered, env, 'Ingress')) {
    const address = annotation(ingress, 'kubernetes.io/ingress.global-static-ip-name');
    const certificate = annotation(ingress, 'ingress.gcp.kubernetes.io/pre-shared-cert');
    if (resources(tf, 'google_compute_global_address').filter((r) => r.config.name === address).length !== 1) problems.push(`${where(ingress)}: address ${address} is not created`);
    const certificates = resources(tf, 'google_compute_managed_ssl_certificate').filter((r) => r.config.name === certificate);
    const hosts = ((ingress.manifest as Json).spec.rules as { host: string }[]).map((r) => r.host);
    if (certificates.length !== 1) {
      problems.push(`${where(ingress)}: certificate ${certificate} is not created`);
    } else if (JSON.stringify(certificates[0].config.managed.domains) !== JSON.stringify(hosts)) {
      problems.push(`${where(ingress)}: certificate ${certificate} does not cover ${hosts.join(', ')}`);
    }
  }
  return problems;
}
