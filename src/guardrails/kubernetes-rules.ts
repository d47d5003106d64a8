import { DIST_DIR } from '../model';
import { CLUSTER_SCOPED, ContainerAt, PodTemplate, containers, podTemplate, selects } from './pods';
import type { CheckedObject, Finding, Rule, RuleContext } from './types';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * The platform rules on rendered Kubernetes objects. Each has a stable id (used
 * in exemptions), a severity, the environments it applies to, why it exists,
 * how to fix it in our declarations, and its equivalents in kube-linter,
 * Polaris and Kyverno.
 */

type PodCheck = (template: PodTemplate, object: CheckedObject, context: RuleContext) => Finding[];

/** A rule on every pod template (Deployment, CronJob, Job, Pod, Rollout, …). */
function podRule(rule: Omit<Rule, 'check'>, check: PodCheck): Rule {
  return {
    ...rule,
    check(object, context) {
      const template = podTemplate(object.manifest);
      return template ? check(template, object, context) : [];
    },
  };
}

/** A rule on every container (init containers included) of every pod template. */
function containerRule(rule: Omit<Rule, 'check'>, check: (c: ContainerAt, template: PodTemplate, context: RuleContext) => Finding[]): Rule {
  return podRule(rule, (template, _object, context) => containers(template).flatMap((c) => check(c, template, context)));
}

/** The effective value of a security setting: the container's, else the pod's. */
function effective(c: ContainerAt, template: PodTemplate, field: string): { value: unknown; path: string } {
  const own = c.container.securityContext?.[field];
  if (own !== undefined) return { value: own, path: `${c.path}.securityContext.${field}` };
  const pod = template.spec?.securityContext?.[field];
  return { value: pod, path: pod !== undefined ? `${template.specPath}.securityContext.${field}` : `${c.path}.securityContext.${field}` };
}

const ns = (o: CheckedObject) => (o.manifest.metadata?.namespace as string | undefined);
const name = (o: CheckedObject) => String(o.manifest.metadata?.name);

/** The HorizontalPodAutoscaler that scales a workload, if any. */
function autoscalerOf(object: CheckedObject, context: RuleContext): any {
  return context.objectsIn('HorizontalPodAutoscaler', ns(object))
    .find((h) => {
      const target = (h.manifest.spec as any)?.scaleTargetRef;
      return target?.kind === object.manifest.kind && target?.name === name(object);
    })
    ?.manifest;
}

/** The replicas a workload runs at least: the autoscaler's minimum, else spec.replicas (default 1). */
function minimumReplicas(object: CheckedObject, context: RuleContext): { replicas: number; path: string } {
  const hpa = autoscalerOf(object, context);
  if (hpa) return { replicas: Number(hpa.spec?.minReplicas ?? 1), path: `HorizontalPodAutoscaler ${hpa.metadata?.name}: spec.minReplicas` };
  return { replicas: Number((object.manifest.spec as any)?.replicas ?? 1), path: 'spec.replicas' };
}

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

/** The directories (relative to the environment) that an environment's Applications sync, with each one's project. */
interface SyncedDir { readonly dir: string; readonly recurse: boolean; readonly application: string; readonly project?: ProjectKinds }
const syncedDirs = new WeakMap<readonly CheckedObject[], SyncedDir[]>();

function syncedDirsOf(context: RuleContext): SyncedDir[] {
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
    found = [];
    for (const a of applications) {
      const spec = (a.manifest.spec ?? {}) as any;
      const path = spec?.source?.path;
      const prefix = `${DIST_DIR}/${a.environment}/`;
      if (typeof path !== 'string' || !path.startsWith(prefix)) continue;
      const recurse = spec.source.directory?.recurse === true;
      found.push({ dir: path.slice(prefix.length), recurse, application: name(a), project: projects.get(spec.project) });
    }
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

/** The apps whose pods each app directory (`apps/<app>`) runs: each pod template's (a migration's too) name label. Indexed once per environment. */
const podAppsByDir = new WeakMap<readonly CheckedObject[], Map<string, Set<string>>>();

function podAppsOf(context: RuleContext): Map<string, Set<string>> {
  let found = podAppsByDir.get(context.environmentObjects);
  if (!found) {
    found = new Map();
    for (const o of context.environmentObjects) {
      const dir = /^(apps\/[^/]+)\//.exec(o.file)?.[1];
      const app = ((o.manifest.metadata as any)?.labels ?? {})['app.kubernetes.io/name'];
      if (!dir || typeof app !== 'string' || !podTemplate(o.manifest)) continue;
      const set = found.get(dir) ?? new Set<string>();
      set.add(app);
      found.set(dir, set);
    }
    podAppsByDir.set(context.environmentObjects, found);
  }
  return found;
}

const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH)/i;
const SECRET_VALUE = [
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: 'a PEM private key' },
  { pattern: /\bAKIA[0-9A-Z]{16}\b/, what: 'an AWS access key id' },
  { pattern: /"private_key"\s*:\s*"-----BEGIN/, what: 'a Google service account key' },
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/, what: 'a GitHub token' },
  { pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/, what: 'a Slack token' },
  { pattern: /\bAIza[0-9A-Za-z_-]{35}\b/, what: 'a Google API key' },
  // Quantifiers are bounded: an unbounded prefix backtracks quadratically on long values.
  { pattern: /\b[a-z][a-z0-9+.-]{0,20}:\/\/[^\s/:@]{1,128}:[^\s/@]{1,256}@/i, what: 'a URL with a password' },
];
// A value starting with `$` is Argo CD's reference to a key of its Secrets (`token: $slack-token`), not a secret:
// argo-cd docs/operator-manual/notifications/services/slack.md, docs/operator-manual/user-management/index.md ("$<key>").
const CONFIG_SECRET_LINE = /^[ \t]{0,32}["']?[\w.-]{0,64}(password|passwd|secret|token|api_?key|private_?key)["']?[ \t]{0,8}[:=][ \t]{0,8}["']?(?!\$)([^"'\s#]{6,})/im;

/** Whether an env value with a secret-sounding name is a literal secret (not empty, not a path or a reference). */
/**
 * The largest object the API server can store: it writes each object in one
 * etcd request, and etcd refuses requests over its `--max-request-bytes`,
 * 1.5 MiB by default ("etcdserver: request is too large"): go.etcd.io/etcd/
 * server/v3@v3.6.4 embed/config.go `DefaultMaxRequestBytes = 1.5 * 1024 * 1024`.
 * The API server accepts JSON bodies up to twice that (k8s.io/apiserver@v0.34.4
 * pkg/server/config.go `MaxRequestBodyBytes`, "converted to proto when
 * persisted in etcd"); we measure compact JSON, which is never smaller than
 * the stored protobuf of a built-in kind and equals the JSON stored for a
 * custom resource, before the server's own fields (managedFields) are added.
 */
const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;
/**
 * ConfigMap and Secret data: k8s.io/kubernetes@v1.34.4 pkg/apis/core/types.go
 * `MaxSecretSize = 1 * 1024 * 1024`, applied by validation/validation.go's
 * ValidateConfigMap (the bytes of data and binaryData values) and
 * ValidateSecret (the bytes of data values; stringData is merged into data first).
 */
const MAX_DATA_BYTES = 1024 * 1024;

/** e.g. `5,242,912 bytes (5.00 MiB)`. */
function bytes(n: number): string {
  return `${n.toLocaleString('en-US')} bytes (${(n / 1024 / 1024).toFixed(2)} MiB)`;
}

/** The bytes ValidateConfigMap or ValidateSecret count (see {@link MAX_DATA_BYTES}). */
function dataBytes(manifest: Record<string, unknown>): number {
  const values = (field: string) => Object.entries((manifest[field] ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === 'string') as [string, string][];
  const decoded = (v: string) => Buffer.from(v, 'base64').length;
  if (manifest.kind === 'ConfigMap') {
    return values('data').reduce((n, [, v]) => n + Buffer.byteLength(v), 0) + values('binaryData').reduce((n, [, v]) => n + decoded(v), 0);
  }
  const stringData = new Map(values('stringData'));
  return values('data').filter(([k]) => !stringData.has(k)).reduce((n, [, v]) => n + decoded(v), 0)
    + [...stringData.values()].reduce((n, v) => n + Buffer.byteLength(v), 0);
}

function looksLiteralSecret(value: string): boolean {
  return value.length >= 6 && !value.startsWith('/') && !/^\$\(.+\)$/.test(value) && !/^(true|false|enabled|disabled|none|null)$/i.test(value)
    && !/^https?:\/\/[^@]*$/.test(value) && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(value);
}

function secretInText(text: string): string | undefined {
  return SECRET_VALUE.find((s) => s.pattern.test(text))?.what;
}

export const KUBERNETES_RULES: readonly Rule[] = [
  containerRule({
    id: 'run-as-non-root',
    severity: 'error',
    scope: 'all',
    summary: 'containers must run as a non-root user (runAsNonRoot: true, runAsUser not 0)',
    rationale: 'a process that escapes its container as root owns the node (Pod Security Standards, restricted)',
    fix: 'the renderer sets this for every app; remove the override in your escape hatch, or exempt the app with a reason',
    equivalents: ['kube-linter: run-as-non-root', 'Polaris: runAsRootAllowed', 'Kyverno: require-run-as-nonroot'],
  }, (c, t) => {
    const nonRoot = effective(c, t, 'runAsNonRoot');
    const user = effective(c, t, 'runAsUser');
    const out: Finding[] = [];
    if (nonRoot.value !== true) out.push({ path: nonRoot.path, value: nonRoot.value, message: 'runAsNonRoot is not true' });
    if (user.value === 0) out.push({ path: user.path, value: 0, message: 'runs as uid 0 (root)' });
    return out;
  }),
  containerRule({
    id: 'no-privilege-escalation',
    severity: 'error',
    scope: 'all',
    summary: 'containers must set allowPrivilegeEscalation: false',
    rationale: 'setuid binaries must not give a process more rights than it started with (Pod Security Standards, restricted)',
    fix: 'set securityContext.allowPrivilegeEscalation: false on the container',
    equivalents: ['kube-linter: privilege-escalation-container', 'Polaris: privilegeEscalationAllowed', 'Kyverno: disallow-privilege-escalation'],
  }, (c) => (c.container.securityContext?.allowPrivilegeEscalation === false ? [] : [{ path: `${c.path}.securityContext.allowPrivilegeEscalation`, value: c.container.securityContext?.allowPrivilegeEscalation }])),
  containerRule({
    id: 'drop-all-capabilities',
    severity: 'error',
    scope: 'all',
    summary: 'containers must drop ALL capabilities and add back at most NET_BIND_SERVICE',
    rationale: 'Linux capabilities are root powers a web service never needs (Pod Security Standards, restricted)',
    fix: 'set securityContext.capabilities: { drop: ["ALL"] } and add nothing but NET_BIND_SERVICE',
    equivalents: ['kube-linter: drop-net-raw-capability', 'Polaris: insecureCapabilities, dangerousCapabilities', 'Kyverno: require-drop-all, disallow-capabilities-strict'],
  }, (c) => {
    const caps = c.container.securityContext?.capabilities;
    const out: Finding[] = [];
    if (!Array.isArray(caps?.drop) || !caps.drop.includes('ALL')) out.push({ path: `${c.path}.securityContext.capabilities.drop`, value: caps?.drop });
    const added = (Array.isArray(caps?.add) ? caps.add : []).filter((a: unknown) => a !== 'NET_BIND_SERVICE');
    if (added.length > 0) out.push({ path: `${c.path}.securityContext.capabilities.add`, value: added, message: 'adds capabilities' });
    return out;
  }),
  containerRule({
    id: 'seccomp-runtime-default',
    severity: 'error',
    scope: 'all',
    summary: 'pods or containers must use the RuntimeDefault (or a Localhost) seccomp profile',
    rationale: 'seccomp blocks the system calls most kernel exploits need (Pod Security Standards, restricted)',
    fix: 'set securityContext.seccompProfile.type: RuntimeDefault on the pod',
    equivalents: ['Kyverno: restrict-seccomp-strict', 'Polaris: (pod security) seccomp', 'kube-linter: (none; PSA restricted)'],
  }, (c, t) => {
    const profile = effective(c, t, 'seccompProfile');
    const type = (profile.value as any)?.type;
    return type === 'RuntimeDefault' || type === 'Localhost' ? [] : [{ path: `${profile.path}.type`, value: type }];
  }),
  podRule({
    id: 'no-host-namespaces',
    severity: 'error',
    scope: 'all',
    summary: 'pods must not share the node\'s network, PID or IPC namespace',
    rationale: 'host namespaces let a pod see and reach everything on the node (Pod Security Standards, baseline)',
    fix: 'remove hostNetwork, hostPID and hostIPC from the pod spec',
    equivalents: ['kube-linter: host-network, host-pid, host-ipc', 'Polaris: hostNetworkSet, hostPIDSet, hostIPCSet', 'Kyverno: disallow-host-namespaces'],
  }, (t) => ['hostNetwork', 'hostPID', 'hostIPC'].filter((f) => t.spec?.[f] === true).map((f) => ({ path: `${t.specPath}.${f}`, value: true }))),
  podRule({
    id: 'no-host-path',
    severity: 'error',
    scope: 'all',
    summary: 'pods must not mount hostPath volumes',
    rationale: 'a hostPath mount reads or writes the node\'s file system (Pod Security Standards, baseline)',
    fix: 'use an emptyDir, a ConfigMap or a PersistentVolumeClaim instead',
    equivalents: ['kube-linter: host-mounts (sensitive-host-mounts)', 'Polaris: hostPathSet', 'Kyverno: disallow-host-path'],
  }, (t) => (Array.isArray(t.spec?.volumes) ? t.spec.volumes : [])
    .map((v: any, i: number) => ({ v, i }))
    .filter(({ v }: any) => v?.hostPath)
    .map(({ v, i }: any) => ({ path: `${t.specPath}.volumes[${i}].hostPath`, value: v.hostPath }))),
  containerRule({
    id: 'no-host-ports',
    severity: 'error',
    scope: 'all',
    summary: 'containers must not bind host ports',
    rationale: 'a host port bypasses Services and NetworkPolicies and pins pods to nodes (Pod Security Standards, baseline)',
    fix: 'remove hostPort; expose the app through its Service',
    equivalents: ['kube-linter: host-port (privileged-ports)', 'Polaris: hostPortSet', 'Kyverno: disallow-host-ports'],
  }, (c) => (Array.isArray(c.container.ports) ? c.container.ports : [])
    .map((p: any, i: number) => ({ p, i }))
    .filter(({ p }: any) => p?.hostPort)
    .map(({ p, i }: any) => ({ path: `${c.path}.ports[${i}].hostPort`, value: p.hostPort }))),
  containerRule({
    id: 'not-privileged',
    severity: 'error',
    scope: 'all',
    summary: 'containers must not run privileged',
    rationale: 'a privileged container is root on the node (Pod Security Standards, baseline)',
    fix: 'remove securityContext.privileged (or set it to false)',
    equivalents: ['kube-linter: privileged-container', 'Polaris: runAsPrivileged', 'Kyverno: disallow-privileged-containers'],
  }, (c) => (c.container.securityContext?.privileged === true ? [{ path: `${c.path}.securityContext.privileged`, value: true }] : [])),
  containerRule({
    id: 'read-only-root-filesystem',
    severity: 'error',
    scope: 'all',
    summary: 'containers must have a read-only root file system',
    rationale: 'an attacker cannot drop tools or change binaries in a read-only container; writable state belongs in volumes',
    fix: 'set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the app writes (the renderer mounts /tmp)',
    equivalents: ['kube-linter: no-read-only-root-fs', 'Polaris: notReadOnlyRootFilesystem', 'Kyverno: require-ro-rootfs'],
  }, (c) => (c.container.securityContext?.readOnlyRootFilesystem === true ? [] : [{ path: `${c.path}.securityContext.readOnlyRootFilesystem`, value: c.container.securityContext?.readOnlyRootFilesystem }])),
  containerRule({
    id: 'image-tag-pinned',
    severity: 'error',
    scope: 'all',
    summary: 'images must name a tag that is not latest',
    rationale: 'an unpinned image changes under you: a rollback or a rescheduled pod could run another build',
    fix: 'set the app\'s version in environments/releases/<env>.json to a real tag, e.g. "2.14.0"',
    equivalents: ['kube-linter: latest-tag', 'Polaris: tagNotSpecified', 'Kyverno: disallow-latest-tag'],
  }, (c) => {
    const image = String(c.container.image ?? '');
    const withoutDigest = image.split('@')[0];
    const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
    const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : undefined;
    if (tag === undefined) return [{ path: `${c.path}.image`, value: c.container.image, message: 'has no tag' }];
    if (tag === 'latest') return [{ path: `${c.path}.image`, value: image, message: 'uses the latest tag' }];
    return [];
  }),
  containerRule({
    id: 'image-digest-in-production',
    severity: 'error',
    scope: 'production',
    summary: 'production images must be pinned to a digest',
    rationale: 'a tag can be pushed again; a digest is the exact image that was tested in staging',
    fix: 'add "digest": "sha256:…" next to the tag in environments/releases/prod.json (npm run promote copies it)',
    equivalents: ['Kyverno: require-image-digest', 'kube-linter: (none)', 'Polaris: (none)'],
  }, (c) => (/@sha256:[a-f0-9]{64}$/.test(String(c.container.image ?? '')) ? [] : [{ path: `${c.path}.image`, value: c.container.image }])),
  containerRule({
    id: 'resources-requests-limits',
    severity: 'error',
    scope: 'all',
    summary: 'containers must set CPU and memory requests and limits',
    rationale: 'requests let the scheduler place pods and quotas hold; limits stop one pod starving its node',
    fix: 'set resources (cpuRequest, cpuLimit, memoryRequest, memoryLimit) in the app\'s declaration',
    equivalents: ['kube-linter: unset-cpu-requirements, unset-memory-requirements', 'Polaris: cpuRequestsMissing, cpuLimitsMissing, memoryRequestsMissing, memoryLimitsMissing', 'Kyverno: require-requests-limits'],
  }, (c) => ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']
    .filter((field) => {
      const [group, key] = field.split('.');
      return c.container.resources?.[group]?.[key] === undefined;
    })
    .map((field) => ({ path: `${c.path}.resources.${field}`, value: undefined, message: `${field} is not set` }))),
  podRule({
    id: 'readiness-liveness-probes',
    severity: 'error',
    scope: 'all',
    summary: 'long-running containers must have readiness and liveness probes',
    rationale: 'without readiness a rollout sends traffic to pods that are not ready; without liveness a hung pod is never restarted',
    fix: 'declare probes: { readiness: Probe.http(...), liveness: Probe.http(...) } on the app',
    equivalents: ['kube-linter: no-readiness-probe, no-liveness-probe', 'Polaris: readinessProbeMissing, livenessProbeMissing', 'Kyverno: require-pod-probes'],
  }, (t) => (t.longRunning
    ? containers(t).filter((c) => !c.init).flatMap((c) => ['readinessProbe', 'livenessProbe']
      .filter((p) => !c.container[p])
      .map((p) => ({ path: `${c.path}.${p}`, value: undefined, message: `${p} is missing` })))
    : [])),
  {
    id: 'no-secret-data',
    severity: 'error',
    scope: 'all',
    summary: 'no Secret with data may be committed: secrets come from Secret Manager through External Secrets',
    rationale: 'anything in Git is readable by everyone with repository access, forever (history keeps it)',
    fix: 'declare secrets: [{ name, envVar }] on the app and put the value in GCP Secret Manager',
    equivalents: ['kube-linter: (none; GitOps secret management)', 'Polaris: (none)', 'Kyverno: (none; use policy on Secret creation)'],
    check(object) {
      if (object.manifest.kind !== 'Secret') return [];
      return ['data', 'stringData']
        .filter((f) => object.manifest[f] && Object.keys(object.manifest[f] as object).length > 0)
        .map((f) => ({ path: f, value: Object.keys(object.manifest[f] as object), message: `carries ${f}` }));
    },
  },
  {
    id: 'no-secret-looking-values',
    severity: 'error',
    scope: 'all',
    summary: 'environment variables and ConfigMaps must not hold secret-looking values',
    rationale: 'a password in an env var or a ConfigMap is a secret in Git',
    fix: 'move the value to GCP Secret Manager and reference it with secrets: [{ name, envVar }]',
    equivalents: ['kube-linter: env-var-secret', 'Polaris: (none)', 'Kyverno: secrets-not-from-env-vars (related)'],
    check(object) {
      const out: Finding[] = [];
      const template = podTemplate(object.manifest);
      if (template) {
        for (const c of containers(template)) {
          (Array.isArray(c.container.env) ? c.container.env : []).forEach((e: any, i: number) => {
            if (typeof e?.value !== 'string') return;
            const found = secretInText(e.value);
            if (found) {out.push({ path: `${c.path}.env[${i}].value`, value: `${e.name}=<redacted>`, message: `looks like ${found}` });} else if (SECRET_NAME.test(String(e.name)) && looksLiteralSecret(e.value)) {
              out.push({ path: `${c.path}.env[${i}].value`, value: `${e.name}=<redacted>`, message: `${e.name} holds a literal value` });
            }
          });
        }
      }
      if (object.manifest.kind === 'ConfigMap') {
        for (const [key, value] of Object.entries((object.manifest.data as Record<string, unknown>) ?? {})) {
          if (typeof value !== 'string') continue;
          const found = secretInText(value);
          if (found) {out.push({ path: `data.${key}`, value: '<redacted>', message: `looks like ${found}` });} else if (CONFIG_SECRET_LINE.test(value) || (SECRET_NAME.test(key) && looksLiteralSecret(value))) {
            out.push({ path: `data.${key}`, value: '<redacted>', message: 'holds what looks like a password or token' });
          }
        }
      }
      return out;
    },
  },
  podRule({
    id: 'pods-network-isolated',
    severity: 'error',
    scope: 'all',
    summary: 'every pod must be selected by a NetworkPolicy in its namespace',
    rationale: 'a pod no policy selects accepts traffic from anywhere in the cluster',
    fix: 'render the team\'s namespace (default-deny) in the same environment, or add a NetworkPolicy that selects the pods',
    equivalents: ['kube-linter: non-isolated-pod', 'Kyverno: require-netpol (add-networkpolicy)', 'Polaris: (none)'],
  }, (t, object, context) => {
    const namespace = ns(object);
    const covered = context.objectsIn('NetworkPolicy', namespace).some((p) => selects((p.manifest.spec as any)?.podSelector ?? {}, t.labels));
    return covered ? [] : [{ path: `${t.specPath.replace(/\.spec$/, '')}.metadata.labels`, value: t.labels, message: `no NetworkPolicy in namespace ${namespace} selects these pods` }];
  }),
  {
    id: 'no-default-namespace',
    severity: 'error',
    scope: 'all',
    summary: 'namespaced objects must name a namespace other than default',
    rationale: 'default has no quota, no network policy and no owner',
    fix: 'give the object the app\'s namespace (objects from escape hatches get it automatically from the chart)',
    equivalents: ['kube-linter: use-namespace', 'Kyverno: disallow-default-namespace', 'Polaris: (none)'],
    check(object) {
      const kind = String(object.manifest.kind);
      if (CLUSTER_SCOPED.has(kind)) return [];
      const namespace = ns(object);
      if (namespace === undefined || namespace === '') return [{ path: 'metadata.namespace', value: namespace, message: 'has no namespace' }];
      return namespace === 'default' ? [{ path: 'metadata.namespace', value: 'default' }] : [];
    },
  },
  {
    id: 'production-replicas',
    severity: 'error',
    scope: 'production',
    summary: 'production workloads must run at least two replicas',
    rationale: 'one replica means downtime at every rollout, node upgrade and zone failure',
    fix: 'set replicas >= 2 or autoscaling.minReplicas >= 2 for the app in environments/prod.ts',
    equivalents: ['kube-linter: minimum-three-replicas (we require two)', 'Polaris: (deploymentMissingReplicas)', 'Kyverno: require-multiple-replicas'],
    check(object, context) {
      if (!['Deployment', 'StatefulSet', 'Rollout'].includes(String(object.manifest.kind))) return [];
      const { replicas, path } = minimumReplicas(object, context);
      return replicas >= 2 ? [] : [{ path, value: replicas }];
    },
  },
  {
    id: 'production-disruption-budget',
    severity: 'error',
    scope: 'production',
    summary: 'production workloads must have a PodDisruptionBudget that still allows a voluntary disruption',
    rationale: 'without a budget a node drain can take every replica at once; a budget that allows nothing blocks node upgrades',
    fix: 'keep maxUnavailable >= 1 for the app (the renderer adds the budget), and at least two replicas',
    equivalents: ['Polaris: missingPodDisruptionBudget', 'kube-linter: pdb-max-unavailable, pdb-min-available', 'Kyverno: require-pdb'],
    check(object, context) {
      if (!['Deployment', 'StatefulSet', 'Rollout'].includes(String(object.manifest.kind))) return [];
      const template = podTemplate(object.manifest)!;
      const pdb = context.objectsIn('PodDisruptionBudget', ns(object)).find((p) => selects((p.manifest.spec as any)?.selector, template.labels));
      if (!pdb) return [{ path: 'spec.template.metadata.labels', value: template.labels, message: 'no PodDisruptionBudget selects these pods' }];
      const spec = pdb.manifest.spec as any;
      const { replicas } = minimumReplicas(object, context);
      const asCount = (v: unknown) => (typeof v === 'string' && v.endsWith('%') ? Math.floor((Number(v.slice(0, -1)) / 100) * replicas) : Number(v));
      if (spec?.maxUnavailable !== undefined && asCount(spec.maxUnavailable) < 1) {
        return [{ path: `PodDisruptionBudget ${name(pdb)}: spec.maxUnavailable`, value: spec.maxUnavailable, message: 'allows no disruption' }];
      }
      if (spec?.minAvailable !== undefined && asCount(spec.minAvailable) >= replicas) {
        return [{ path: `PodDisruptionBudget ${name(pdb)}: spec.minAvailable`, value: spec.minAvailable, message: `allows no disruption with ${replicas} replicas` }];
      }
      return [];
    },
  },
  {
    id: 'production-zone-spread',
    severity: 'error',
    scope: 'production',
    summary: 'production workloads must spread their replicas across zones',
    rationale: 'replicas packed into one zone all go down with it',
    fix: 'keep the renderer\'s topologySpreadConstraints on topology.kubernetes.io/zone',
    equivalents: ['Polaris: topologySpreadConstraint', 'kube-linter: no-anti-affinity', 'Kyverno: require-topologyspreadconstraints (community)'],
    check(object) {
      if (!['Deployment', 'StatefulSet', 'Rollout'].includes(String(object.manifest.kind))) return [];
      const spec = podTemplate(object.manifest)!.spec;
      const spread = (Array.isArray(spec?.topologySpreadConstraints) ? spec.topologySpreadConstraints : []).some((c: any) => c?.topologyKey === 'topology.kubernetes.io/zone');
      const anti = JSON.stringify(spec?.affinity?.podAntiAffinity ?? {}).includes('topology.kubernetes.io/zone');
      return spread || anti ? [] : [{ path: 'spec.template.spec.topologySpreadConstraints', value: spec?.topologySpreadConstraints }];
    },
  },
  {
    id: 'service-selects-pods',
    severity: 'error',
    scope: 'all',
    summary: 'a Service must select the pods of a workload in its namespace',
    rationale: 'a Service that selects nothing silently drops all traffic',
    fix: 'make the Service\'s selector match the workload\'s pod labels (app.kubernetes.io/name: <app>)',
    equivalents: ['kube-linter: dangling-service', 'Polaris: (none)', 'Kyverno: (none)'],
    check(object, context) {
      if (object.manifest.kind !== 'Service') return [];
      const spec = object.manifest.spec as any;
      if (spec?.type === 'ExternalName' || !spec?.selector) return [];
      const matched = context.workloadsIn(ns(object)).some(({ template }) => selects(spec.selector, template.labels));
      return matched ? [] : [{ path: 'spec.selector', value: spec.selector, message: 'selects no pods' }];
    },
  },
  {
    id: 'rollout-canary-gets-traffic',
    severity: 'error',
    scope: 'all',
    summary: 'a canary Rollout without traffic routing must not name a stable Service',
    rationale: 'without trafficRouting, Argo Rollouts narrows the stable Service to the stable pods; the Ingress and callers use it, '
      + 'so the canary gets no traffic and its steps and analysis gate nothing (a canaryService alone is harmless: only that extra Service is narrowed)',
    fix: 'drop stableService (one Service over both sets of pods: the canary\'s share of pods is its share of traffic), or add trafficRouting',
    equivalents: ['kube-linter: (none)', 'Polaris: (none)', 'Kyverno: (none)'],
    check(object) {
      if (object.manifest.kind !== 'Rollout') return [];
      const canary = (object.manifest.spec as any)?.strategy?.canary;
      if (!canary || canary.trafficRouting || canary.stableService === undefined) return [];
      return [{ path: 'spec.strategy.canary.stableService', value: canary.stableService, message: 'names a stableService without trafficRouting: the canary would get no traffic' }];
    },
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
      const synced = syncedDirsOf(context).find((d) => d.dir === dir || (d.recurse && dir.startsWith(`${d.dir}/`)));
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
  },
  {
    id: 'secret-store-own-service-account',
    severity: 'error',
    scope: 'all',
    summary: 'a SecretStore must authenticate as the ServiceAccount of its own app',
    rationale: 'a store that names another app\'s ServiceAccount (the migration\'s, say) reads every secret that app may read, the database admin password included',
    fix: 'name the ServiceAccount of the app the SecretStore belongs to in serviceAccountRef (the renderer does)',
    equivalents: ['kube-linter: (none)', 'Polaris: (none)', 'Kyverno: (none; ESO has no such check either)'],
    check(object, context) {
      if (object.manifest.kind !== 'SecretStore' || !String(object.manifest.apiVersion).startsWith('external-secrets.io/')) return [];
      const owner = ((object.manifest.metadata as any)?.labels ?? {})['app.kubernetes.io/name'];
      const providers = (object.manifest.spec as any)?.provider ?? {};
      const out: Finding[] = [];
      for (const [provider, config] of Object.entries(providers)) {
        for (const [auth, settings] of Object.entries((config as any)?.auth ?? {})) {
          const ref = (settings as any)?.serviceAccountRef?.name;
          if (ref === undefined) continue;
          const path = `spec.provider.${provider}.auth.${auth}.serviceAccountRef.name`;
          const account = context.objectsIn('ServiceAccount', ns(object)).find((sa) => name(sa) === ref);
          const accountApp = ((account?.manifest.metadata as any)?.labels ?? {})['app.kubernetes.io/name'];
          if (!account) out.push({ path, value: ref, message: 'names a ServiceAccount that is not rendered in its namespace' });
          else if (accountApp !== owner) out.push({ path, value: ref, message: `names the ServiceAccount of ${accountApp ? `app ${accountApp}` : 'no app'}, not of ${owner ? `app ${owner}` : 'its own app'}` });
        }
      }
      return out;
    },
  },
  {
    id: 'network-policy-own-pods',
    severity: 'error',
    scope: 'all',
    summary: 'a NetworkPolicy in an app\'s directory must select that directory\'s own pods by app name',
    rationale: 'network policies add up: one in an app\'s directory that selects every pod of the namespace (or another app\'s) would reopen what the '
      + 'namespace\'s default deny, owned by the platform, closes; team projects must admit NetworkPolicy for the app\'s own policy',
    fix: 'select the app\'s pods: spec.podSelector.matchLabels["app.kubernetes.io/name"] = <app> (the renderer does)',
    equivalents: ['kube-linter: (none)', 'Polaris: (none)', 'Kyverno: (custom policy on NetworkPolicy.spec.podSelector)'],
    check(object, context) {
      if (object.manifest.kind !== 'NetworkPolicy') return [];
      const dir = /^(apps\/[^/]+)\//.exec(object.file)?.[1];
      if (!dir) return [];
      const own = podAppsOf(context).get(dir) ?? new Set<string>();
      const selected = (object.manifest.spec as any)?.podSelector?.matchLabels?.['app.kubernetes.io/name'];
      if (typeof selected === 'string' && own.has(selected)) return [];
      return [{
        path: 'spec.podSelector.matchLabels.app.kubernetes.io/name',
        value: selected,
        message: `must name an app of ${dir}/ (${[...own].sort().join(', ') || 'none rendered'}), so that the policy opens no other pod`,
      }];
    },
  },
  {
    id: 'object-size-limit',
    severity: 'error',
    scope: 'all',
    summary: 'an object must fit in one etcd request (1.5 MiB as JSON), and a ConfigMap\'s or Secret\'s data in 1 MiB',
    rationale: 'the API server refuses a larger object (etcd\'s request limit) or larger ConfigMap or Secret data (validation): the sync fails in the cluster, after the merge',
    fix: 'keep large data out of objects: ship it in the image or fetch it at start-up, split a large ConfigMap, and keep environment variables small',
    equivalents: ['kube-linter: (none)', 'Polaris: (none)', 'Kyverno: (none; the API server refuses the object)'],
    check(object) {
      const out: Finding[] = [];
      const size = Buffer.byteLength(JSON.stringify(object.manifest));
      if (size > MAX_OBJECT_BYTES) {
        out.push({ path: '', value: size, message: `is ${bytes(size)} as JSON, over the API server's limit of ${bytes(MAX_OBJECT_BYTES)} per object (etcd's request limit)` });
      }
      if (object.manifest.kind === 'ConfigMap' || object.manifest.kind === 'Secret') {
        const data = dataBytes(object.manifest);
        if (data > MAX_DATA_BYTES) {
          out.push({ path: 'data', value: data, message: `holds ${bytes(data)} of data, over the API server's limit of ${bytes(MAX_DATA_BYTES)} for a ${object.manifest.kind}` });
        }
      }
      return out;
    },
  },
];
