/** Pod security: the Pod Security Standards (baseline and restricted), and a read-only root file system. */
import { containerRule, podRule } from './kubernetes-rule-helpers';
import { ContainerAt, PodTemplate } from './pods';
import type { Finding, Rule } from './types';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** The effective value of a security setting: the container's, else the pod's. */
function effective(c: ContainerAt, template: PodTemplate, field: string): { value: unknown; path: string } {
  const own = c.container.securityContext?.[field];
  if (own !== undefined) return { value: own, path: `${c.path}.securityContext.${field}` };
  const pod = template.spec?.securityContext?.[field];
  return { value: pod, path: pod !== undefined ? `${template.specPath}.securityContext.${field}` : `${c.path}.securityContext.${field}` };
}

export const runAsNonRoot: Rule = containerRule({
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
});

export const noPrivilegeEscalation: Rule = containerRule({
  id: 'no-privilege-escalation',
  severity: 'error',
  scope: 'all',
  summary: 'containers must set allowPrivilegeEscalation: false',
  rationale: 'setuid binaries must not give a process more rights than it started with (Pod Security Standards, restricted)',
  fix: 'set securityContext.allowPrivilegeEscalation: false on the container',
  equivalents: ['kube-linter: privilege-escalation-container', 'Polaris: privilegeEscalationAllowed', 'Kyverno: disallow-privilege-escalation'],
}, (c) => (c.container.securityContext?.allowPrivilegeEscalation === false ? [] : [{ path: `${c.path}.securityContext.allowPrivilegeEscalation`, value: c.container.securityContext?.allowPrivilegeEscalation }]));

export const dropAllCapabilities: Rule = containerRule({
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
});

export const seccompRuntimeDefault: Rule = containerRule({
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
});

export const noHostNamespaces: Rule = podRule({
  id: 'no-host-namespaces',
  severity: 'error',
  scope: 'all',
  summary: 'pods must not share the node\'s network, PID or IPC namespace',
  rationale: 'host namespaces let a pod see and reach everything on the node (Pod Security Standards, baseline)',
  fix: 'remove hostNetwork, hostPID and hostIPC from the pod spec',
  equivalents: ['kube-linter: host-network, host-pid, host-ipc', 'Polaris: hostNetworkSet, hostPIDSet, hostIPCSet', 'Kyverno: disallow-host-namespaces'],
}, (t) => ['hostNetwork', 'hostPID', 'hostIPC'].filter((f) => t.spec?.[f] === true).map((f) => ({ path: `${t.specPath}.${f}`, value: true })));

export const noHostPath: Rule = podRule({
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
  .map(({ v, i }: any) => ({ path: `${t.specPath}.volumes[${i}].hostPath`, value: v.hostPath })));

export const noHostPorts: Rule = containerRule({
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
  .map(({ p, i }: any) => ({ path: `${c.path}.ports[${i}].hostPort`, value: p.hostPort })));

export const notPrivileged: Rule = containerRule({
  id: 'not-privileged',
  severity: 'error',
  scope: 'all',
  summary: 'containers must not run privileged',
  rationale: 'a privileged container is root on the node (Pod Security Standards, baseline)',
  fix: 'remove securityContext.privileged (or set it to false)',
  equivalents: ['kube-linter: privileged-container', 'Polaris: runAsPrivileged', 'Kyverno: disallow-privileged-containers'],
}, (c) => (c.container.securityContext?.privileged === true ? [{ path: `${c.path}.securityContext.privileged`, value: true }] : []));

export const readOnlyRootFilesystem: Rule = containerRule({
  id: 'read-only-root-filesystem',
  severity: 'error',
  scope: 'all',
  summary: 'containers must have a read-only root file system',
  rationale: 'an attacker cannot drop tools or change binaries in a read-only container; writable state belongs in volumes',
  fix: 'set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the app writes (the renderer mounts /tmp)',
  equivalents: ['kube-linter: no-read-only-root-fs', 'Polaris: notReadOnlyRootFilesystem', 'Kyverno: require-ro-rootfs'],
}, (c) => (c.container.securityContext?.readOnlyRootFilesystem === true ? [] : [{ path: `${c.path}.securityContext.readOnlyRootFilesystem`, value: c.container.securityContext?.readOnlyRootFilesystem }]));
