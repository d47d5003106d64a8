import { k8s } from './imports';
import type { ResolvedApp, ResolvedEnvironment, ResolvedProbe } from '../model';
import { SECRET_KEY } from './crds';
import { selectorLabels } from './labels';

/** User and group every container runs as (the distroless `nonroot` user). */
export const RUN_AS_USER = 65532;

const TMP_VOLUME = 'tmp';
const CONFIG_VOLUME = 'config';
const SECRETS_VOLUME = 'secrets';

/**
 * The pod template of an app: Pod Security Standards *restricted* by default
 * (non-root, no privilege escalation, all capabilities dropped, seccomp
 * RuntimeDefault), a read-only root filesystem with a writable `/tmp`,
 * requests and limits as declared, probes as declared, config mounted
 * read-only, secrets from the Secrets External Secrets writes.
 */
export function podSpec(env: ResolvedEnvironment, app: ResolvedApp): k8s.PodSpec {
  const volumes: k8s.Volume[] = [{ name: TMP_VOLUME, emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }];
  const mounts: k8s.VolumeMount[] = [{ name: TMP_VOLUME, mountPath: '/tmp' }];
  if (app.configMapName) {
    volumes.push({ name: CONFIG_VOLUME, configMap: { name: app.configMapName } });
    mounts.push({ name: CONFIG_VOLUME, mountPath: app.configMountPath, readOnly: true });
  }
  // Secrets read as files: one projected volume (no subPath), so a rotated value reaches the file without a restart.
  const files = app.secrets.filter((s) => s.file !== undefined).sort((a, b) => a.file!.localeCompare(b.file!));
  if (files.length > 0) {
    volumes.push({
      name: SECRETS_VOLUME,
      projected: { sources: files.map((s) => ({ secret: { name: s.kubernetesSecretName, items: [{ key: SECRET_KEY, path: s.file! }] } })) },
    });
    mounts.push({ name: SECRETS_VOLUME, mountPath: app.secretsMountPath, readOnly: true });
  }
  const longRunning = app.kind === 'service' || app.kind === 'worker';
  const container: k8s.Container = {
    name: app.name,
    image: app.image,
    imagePullPolicy: 'IfNotPresent',
    command: app.command ? [...app.command] : undefined,
    args: app.args ? [...app.args] : undefined,
    ports: app.ports.length > 0
      ? app.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol }))
      : undefined,
    env: environmentVariables(app),
    resources: {
      requests: { cpu: k8s.Quantity.fromString(app.resources.cpuRequest), memory: k8s.Quantity.fromString(app.resources.memoryRequest) },
      limits: { cpu: k8s.Quantity.fromString(app.resources.cpuLimit), memory: k8s.Quantity.fromString(app.resources.memoryLimit) },
    },
    readinessProbe: probe(app.probes.readiness),
    livenessProbe: probe(app.probes.liveness),
    startupProbe: probe(app.probes.startup),
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: RUN_AS_USER,
      runAsGroup: RUN_AS_USER,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: mounts,
  };
  return {
    serviceAccountName: app.serviceAccountName,
    // Workload Identity goes through the GKE metadata server; no pod needs the Kubernetes API token.
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: RUN_AS_USER,
      runAsGroup: RUN_AS_USER,
      fsGroup: RUN_AS_USER,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [container],
    volumes,
    restartPolicy: longRunning ? 'Always' : 'Never',
    terminationGracePeriodSeconds: app.terminationGracePeriodSeconds,
    topologySpreadConstraints: longRunning ? topologySpread(env, app) : undefined,
  };
}

/** Plain variables first, then secrets, each sorted by name. */
function environmentVariables(app: ResolvedApp): k8s.EnvVar[] | undefined {
  const vars: k8s.EnvVar[] = app.env.map((e) => ({ name: e.name, value: e.value }));
  for (const s of app.secrets.filter((x) => x.envVar !== undefined).sort((a, b) => a.envVar!.localeCompare(b.envVar!))) {
    vars.push({ name: s.envVar!, valueFrom: { secretKeyRef: { name: s.kubernetesSecretName, key: SECRET_KEY } } });
  }
  return vars.length > 0 ? vars : undefined;
}

/**
 * Spread replicas across zones (a zone outage takes at most a share) and
 * nodes. Production refuses to schedule an unbalanced pod; elsewhere it is a
 * preference, so a small dev cluster still schedules.
 */
function topologySpread(env: ResolvedEnvironment, app: ResolvedApp): k8s.TopologySpreadConstraint[] {
  const selector = { matchLabels: selectorLabels(app) };
  return [
    {
      maxSkew: 1,
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: env.tier.isProduction ? 'DoNotSchedule' : 'ScheduleAnyway',
      labelSelector: selector,
    },
    { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector },
  ];
}

function probe(p: ResolvedProbe | undefined): k8s.Probe | undefined {
  if (!p) return undefined;
  const { initialDelaySeconds, periodSeconds, timeoutSeconds, failureThreshold } = p;
  const timing = { initialDelaySeconds, periodSeconds, timeoutSeconds, failureThreshold };
  switch (p.type) {
    case 'http':
      return { httpGet: { path: p.path, port: k8s.IntOrString.fromString(p.port) }, ...timing };
    case 'tcp':
      return { tcpSocket: { port: k8s.IntOrString.fromString(p.port) }, ...timing };
    case 'exec':
      return { exec: { command: [...p.command] }, ...timing };
  }
}
