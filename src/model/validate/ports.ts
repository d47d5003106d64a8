import { AppSpec, Probe } from '../app';
import { asText } from '../errors';
import { DNS1123_LABEL, PORT_NAME, suggest } from '../names';
import type { Location } from './location';
import { PROMETHEUS_DURATION, isPositiveInt, isString } from './values';

/** Ports: unique IANA service names, unprivileged unique numbers, TCP or UDP; a service has at least one. */
export function validatePorts(at: Location, app: AppSpec): void {
  const ports = app.ports ?? [];
  const names = new Set<string>();
  const numbers = new Set<string>();
  ports.forEach((p, i) => {
    const item = at.item(i);
    if (!isString(p?.name) || !PORT_NAME.test(p.name) || p.name.length > 15 || !/[a-z]/.test(p.name)) {
      item.field('name').issue('must be at most 15 lowercase letters, digits and "-", with at least one letter', p?.name, 'name it e.g. "http" or "grpc"');
    } else if (names.has(p.name)) {
      item.field('name').issue('clashes with another port of the same name', p.name, 'give each port a unique name');
    }
    names.add(p?.name);
    if (!Number.isInteger(p?.port)) {
      item.field('port').issue('must be a whole number', p?.port, 'write the port as a number, e.g. port: 8080 (not "8080")');
    } else if (p.port < 1 || p.port > 65535) {
      item.field('port').issue('is out of range', p?.port, 'use a port number from 1 to 65535 (above 1024: containers run as non-root)');
    } else if (p.port < 1024) {
      item.field('port').issue('is a privileged port, which a non-root container cannot bind', p.port, 'listen on a port above 1024 (e.g. 8080); the Service still exposes port 80');
    }
    const key = `${p?.port}/${p?.protocol ?? 'TCP'}`;
    if (numbers.has(key)) {
      item.field('port').issue('clashes with another port of the app', p?.port, 'give each port a unique number');
    }
    numbers.add(key);
    if (p?.protocol !== undefined && p.protocol !== 'TCP' && p.protocol !== 'UDP') {
      item.field('protocol').issue('must be TCP or UDP', p.protocol, 'omit it for TCP');
    }
  });
  if (app.workload?.kind === 'service' && ports.length === 0) {
    at.issue('is empty, but a service needs at least one port', app.ports, 'declare the port the server listens on, e.g. [{ name: "http", port: 8080 }], or make it a Workload.worker()');
  }
}

function portNames(app: AppSpec): string[] {
  return (app.ports ?? []).map((p) => p.name);
}

/** Readiness and liveness for long-running workloads, none for jobs; each names a declared port, path or command. */
export function validateProbes(at: Location, app: AppSpec): void {
  const probes = app.probes ?? {};
  for (const which of ['readiness', 'liveness', 'startup'] as const) {
    const probe = probes[which];
    const where = at.field(which);
    if (probe === undefined) {
      if (app.workload?.isLongRunning && which !== 'startup') {
        where.missing(`is missing; every ${app.workload.kind} needs a ${which} probe`, `add e.g. ${which}: Probe.http("/healthz", "http") (or Probe.exec([...]) for a worker without a port)`);
      }
      continue;
    }
    if (!(probe instanceof Probe)) {
      where.issue('must be a Probe', probe, 'use Probe.http(path, port), Probe.tcp(port) or Probe.exec(command)');
      continue;
    }
    if (!app.workload?.isLongRunning) {
      where.issue(`does not apply to a ${app.workload?.kind}: a job runs to completion`, probe.check.type, 'remove the probe');
    }
    if (probe.check.type !== 'exec' && !portNames(app).includes(probe.check.port)) {
      where.field('port').issue('names a port the app does not declare', probe.check.port, `use one of the app's ports (${suggest(probe.check.port, portNames(app))})`);
    }
    if (probe.check.type === 'http' && (!isString(probe.check.path) || !probe.check.path.startsWith('/'))) {
      where.field('path').issue('must be an absolute HTTP path', probe.check.path, 'write e.g. "/healthz"');
    }
    if (probe.check.type === 'exec' && (!Array.isArray(probe.check.command) || probe.check.command.length === 0)) {
      where.field('command').issue('must be a non-empty command', probe.check.command, 'write e.g. ["/bin/healthcheck"]');
    }
    for (const [key, value] of Object.entries(probe.timing ?? {})) {
      if (!isPositiveInt(value) && !(key === 'initialDelaySeconds' && value === 0)) {
        where.field(key).issue('must be a positive whole number of seconds', value, `set e.g. ${key}: 5`);
      }
    }
  }
}

/** Metrics are scraped from a declared port of a service or worker, at an HTTP path, at a Prometheus interval. */
export function validateMetrics(at: Location, app: AppSpec): void {
  const m = app.metrics;
  if (m === undefined) return;
  if (m === null || typeof m !== 'object') {
    at.issue('must be an object', m, 'write metrics: { port: "metrics" }, or omit it');
    return;
  }
  if (!app.workload?.isLongRunning) {
    at.issue(`does not apply to a ${app.workload?.kind}: only services and workers are scraped`, m, 'remove it');
  }
  if (!isString(m.port) || !portNames(app).includes(m.port)) {
    at.field('port').issue('names a port the app does not declare', m.port, `declare the port in ports, or use one of the app's ports (${suggest(asText(m.port), portNames(app))})`);
  }
  if (m.path !== undefined && (!isString(m.path) || !m.path.startsWith('/'))) {
    at.field('path').issue('must be an absolute HTTP path', m.path, 'write e.g. "/metrics"');
  }
  if (m.interval !== undefined && (!isString(m.interval) || m.interval === '' || !PROMETHEUS_DURATION.test(m.interval))) {
    at.field('interval').issue('is not a Prometheus duration', m.interval, 'write e.g. "30s" or "1m"');
  }
}

/** Callers admitted by namespace: a namespace name each, and ports of the app. */
export function validateCalledFrom(at: Location, app: AppSpec): void {
  if (app.calledFrom === undefined) return;
  if (!Array.isArray(app.calledFrom)) {
    at.issue('must be a list', app.calledFrom, 'write calledFrom: [{ namespace: "argo-rollouts" }], or omit it');
    return;
  }
  const names = portNames(app);
  app.calledFrom.forEach((c, i) => {
    const item = at.item(i);
    if (!isString(c?.namespace) || !DNS1123_LABEL.test(c.namespace)) {
      item.field('namespace').issue('is not a namespace name', c?.namespace, 'write the namespace the callers run in, e.g. "argo-rollouts"');
    }
    if (c?.ports === undefined) return;
    if (!Array.isArray(c.ports) || c.ports.length === 0) {
      item.field('ports').issue('must be a non-empty list of port names', c.ports, `name ports of the app (${JSON.stringify(names)}), or omit ports to admit all of them`);
      return;
    }
    (c.ports as readonly unknown[]).forEach((p, j) => {
      if (!names.includes(p as string)) item.field('ports').item(j).issue('is not a port of the app', p, `use one of ${JSON.stringify(names)} (${suggest(asText(p), names)})`);
    });
  });
  if (names.length === 0 && app.calledFrom.length > 0) {
    at.issue('admits callers, but the app has no port', app.calledFrom, 'declare the port they call, or remove calledFrom');
  }
}
