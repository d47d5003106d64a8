import type { AppSpec, CallSpec } from '../app';
import { type ValidationIssue, asText } from '../errors';
import { suggest } from '../names';
import type { DeclarationIndex } from './declarations';
import { Location, Report } from './location';
import { isString, recordOr } from './values';

/**
 * What an app says of other apps: the services it calls (and their ports),
 * and for a migration, the app it runs before. `sound` holds the apps whose
 * own declaration has no problem: a reference to an app with problems is
 * checked only for existence, so that its problem is reported once, where it is.
 */
export function validateReferences(app: AppSpec, index: DeclarationIndex, sound: ReadonlySet<string>): ValidationIssue[] {
  const report = new Report();
  const at = report.at(`apps.${app.name}`, { file: index.fileOf(app) });
  const migration = app.workload?.migration;
  if (migration) {
    const where = at.field('workload').field('migrates');
    const target = index.apps.get(migration.migrates);
    if (!target) {
      where.issue('names an app that is not declared', migration.migrates, `name the app this migration runs before (${suggest(asText(migration.migrates), [...index.apps.keys()])})`);
    } else if (!sound.has(target.name)) {
      // its own problem is reported where it is declared
    } else if (!target.workload?.isLongRunning) {
      where.issue(`names a ${target.workload?.kind}; a migration runs before a service or worker`, migration.migrates, 'name a service or worker');
    } else if (target.team !== app.team || (target.namespace ?? '') !== (app.namespace ?? '')) {
      where.issue('names an app of another team or namespace; the migration rides in that app\'s Argo CD Application', migration.migrates, `give the migration the same team and namespace as "${target.name}"`);
    }
  }
  const called = new Set<string>();
  (Array.isArray(app.calls) ? app.calls : []).forEach((entry, i) => {
    const call = callOf(entry);
    const item = at.field(`calls[${i}]`);
    if (!call) {
      item.issue('must be an app name or { app, ports }', entry, 'write e.g. "catalog-api", or { app: "catalog-api", ports: ["http"] }');
      return;
    }
    const callee = call.app;
    const where = typeof entry === 'string' ? item : item.field('app');
    // A misspelt key (port, ports_) would silently widen the call to every port: the unknown-field check reports it.
    const target = index.apps.get(callee);
    if (!target) {
      where.issue('names an app that is not declared', callee, `call a declared app (${suggest(asText(callee), [...index.apps.keys()])})`);
    } else if (callee === app.name) {
      where.issue('names the app itself', callee, 'remove the entry; pods of one app can always reach each other');
    } else if (called.has(callee)) {
      where.issue(`calls "${callee}" a second time`, callee, 'list each app once, with every port it calls in one entry');
    } else if (!sound.has(callee)) {
      // its own problem is reported where it is declared
    } else if (target.workload?.kind !== 'service') {
      where.issue(`names "${callee}", which is a ${target.workload?.kind} and has no Service to call`, callee, 'only services can be called; remove the entry');
    } else if (call.ports !== undefined) {
      const names = (Array.isArray(target.ports) ? target.ports : []).map((p) => p?.name);
      if (!Array.isArray(call.ports) || call.ports.length === 0) {
        item.field('ports').issue('must be a non-empty list of port names', call.ports, `name ports of "${callee}" (${JSON.stringify(names)}), or omit ports to call all of them`);
      } else {
        call.ports.forEach((name, k) => {
          if (!names.includes(name)) {
            item.field('ports').item(k).issue(`is not a port of "${callee}"`, name, `use one of ${JSON.stringify(names)} (${suggest(String(name), names.filter(isString))})`);
          }
        });
      }
    }
    called.add(callee);
  });
  validateEgressNames(at, app, index);
  return report.issues;
}

/**
 * An egress name no environment declares is a mistake in the app (a typo, or
 * an app that belongs in calls): said once, in the app's file. A name some
 * environments declare and others do not is reported per environment.
 */
function validateEgressNames(at: Location, app: AppSpec, index: DeclarationIndex): void {
  if (!Array.isArray(app.egress)) return;
  const endpoints = [...new Set(index.environments.flatMap((env) => Object.keys(recordOr(env.endpoints))))];
  app.egress.forEach((name, i) => {
    if (!isString(name) || endpointDeclaredAnywhere(name, index)) return;
    const where = at.field('egress').item(i);
    if (index.apps.has(name)) {
      where.issue(`names "${name}", which is an app, not an endpoint (egress is for addresses outside the cluster)`, name, `call it instead: calls: ["${name}"]`);
    } else {
      const declare = `declare endpoints["${name}"] = { description, cidr, ports } in each environment that runs "${app.name}"`;
      where.issue(`names endpoint "${name}", which no environment declares`, name, endpoints.length > 0 ? `fix the name (${suggest(name, endpoints)}), or ${declare}` : declare);
    }
  });
}

/** Whether any environment declares the endpoint `name`. */
export function endpointDeclaredAnywhere(name: string, index: DeclarationIndex): boolean {
  return index.environments.some((env) => Object.prototype.hasOwnProperty.call(recordOr(env.endpoints), name));
}

/** A `calls` entry as `{ app, ports? }`; undefined when it is neither a name nor such an object. */
export function callOf(entry: unknown): CallSpec | undefined {
  if (isString(entry)) return { app: entry };
  if (entry && typeof entry === 'object' && !Array.isArray(entry) && isString((entry as CallSpec).app)) return entry as CallSpec;
  return undefined;
}
