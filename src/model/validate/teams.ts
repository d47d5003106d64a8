import type { AppSpec } from '../app';
import type { ValidationIssue } from '../errors';
import { DNS1123_LABEL, EMAIL, RESERVED_NAMESPACES, editDistance, suggest } from '../names';
import { parseCpu, parseMemory } from '../quantity';
import type { QuotaSpec, TeamSpec } from '../team';
import type { DeclarationIndex } from './declarations';
import { Location, Report } from './location';
import { GITHUB_OWNER, exampleDomain, recordOr, isPositiveInt, isString, listOr } from './values';

/**
 * Each team: a unique name, an owners group, namespaces it alone owns, a
 * quota and a CODEOWNERS handle. `misnamed`: undeclared team names whose
 * team was renamed to a taken name, said by that duplicate.
 */
export function validateTeams(index: DeclarationIndex, misnamed: ReadonlyMap<string, TeamSpec> = new Map()): ValidationIssue[] {
  const report = new Report();
  const seen = new Set<string>();
  listOr(index.spec.teams).forEach((team, i) => {
    const file = index.fileOf(team);
    if (!isString(team?.name) || !DNS1123_LABEL.test(team.name) || team.name.length > 40) {
      report.at(`teams[${i}].name`, { file }).issue('must be a DNS label of at most 40 characters', team?.name, 'use lowercase letters, digits and "-", e.g. "payments"');
      return;
    }
    const at = report.at(`teams.${team.name}`, { file });
    if (seen.has(team.name)) {
      const meant = [...misnamed].find(([, t]) => t === team)?.[0];
      if (meant !== undefined) {
        const apps = [...index.apps.values()].filter((a) => a.team === meant).map((a) => `"${a.name}"`);
        at.issue(`is declared twice; did you mean "${meant}", which apps ${apps.join(', ')} still name?`, team.name, `name it "${meant}" again`);
      } else {
        at.issue('is declared twice', team.name, 'give each team a unique name, or merge the two declarations');
      }
      return;
    }
    seen.add(team.name);
    if (!isString(team.owners) || !EMAIL.test(team.owners)) {
      at.field('owners').issue('must be the email of a Google group', team.owners, `set it to the team's group, e.g. "${team.name}@${exampleDomain(index.spec)}"`);
    }
    const namespaces = team.namespaces ?? [team.name];
    if (!Array.isArray(namespaces) || namespaces.length === 0) {
      at.field('namespaces').issue('must list at least one namespace', team.namespaces, `omit it to get ["${team.name}"], or list namespaces`);
      return;
    }
    const own = new Set<string>();
    for (const ns of namespaces) {
      const owner = index.namespaceOwner.get(ns);
      if (!isString(ns) || !DNS1123_LABEL.test(ns) || ns.length > 50) {
        at.field('namespaces').issue('holds a name that is not a DNS label of at most 50 characters (preview environments prefix it)', ns, 'use lowercase letters, digits and "-"');
      } else if (RESERVED_NAMESPACES.includes(ns)) {
        at.field('namespaces').issue('holds a namespace reserved for the system', ns, `choose another name; reserved: ${RESERVED_NAMESPACES.join(', ')}`);
      } else if (owner !== undefined && owner !== team.name) {
        at.field('namespaces').issue(`holds namespace "${ns}", which team "${owner}" already owns`, ns, 'a namespace belongs to exactly one team: rename one of them');
      } else if (own.has(ns)) {
        at.field('namespaces').issue(`lists namespace "${ns}" twice`, ns, 'list each namespace once');
      }
      own.add(ns);
    }
    validateQuota(at.field('quota'), team.quota);
    if (team.codeOwners !== undefined && (!isString(team.codeOwners) || !GITHUB_OWNER.test(team.codeOwners))) {
      at.field('codeOwners').issue('is not a GitHub user or team handle', team.codeOwners, 'write e.g. "@acme/payments"');
    }
  });
  return report.issues;
}

/** A quota's quantities parse, and its pod count is a whole number. */
export function validateQuota(at: Location, quota: QuotaSpec | undefined): void {
  if (quota === undefined) return;
  for (const field of ['requestsCpu', 'limitsCpu'] as const) {
    if (quota[field] !== undefined && parseCpu(quota[field]) === undefined) {
      at.field(field).issue('is not a CPU quantity', quota[field], 'write cores ("4", "0.5") or millicores ("500m")');
    }
  }
  for (const field of ['requestsMemory', 'limitsMemory'] as const) {
    if (quota[field] !== undefined && parseMemory(quota[field]) === undefined) {
      at.field(field).issue('is not a memory quantity', quota[field], 'write e.g. "512Mi" or "8Gi"');
    }
  }
  if (quota.pods !== undefined && !isPositiveInt(quota.pods)) {
    at.field('pods').issue('must be a positive whole number', quota.pods, 'set e.g. pods: 50');
  }
}

/** Undeclared teams that several apps name, with those apps: one mistake (a renamed or misspelt team) each. */
export function undeclaredTeamsOfSeveralApps(index: DeclarationIndex): ReadonlyMap<string, readonly AppSpec[]> {
  const named = new Map<string, AppSpec[]>();
  for (const app of index.apps.values()) {
    if (isString(app.team) && !index.teams.has(app.team)) named.set(app.team, [...(named.get(app.team) ?? []), app]);
  }
  return new Map([...named].filter(([, apps]) => apps.length > 1));
}

/**
 * An undeclared team that several apps name is one problem: a team renamed
 * in its declaration (a declared team that no app names, the closest one) is
 * reported in the team's file; else in the first app's file, listing the others.
 */
export function validateTeamNames(index: DeclarationIndex, undeclared: ReadonlyMap<string, readonly AppSpec[]>): ValidationIssue[] {
  const report = new Report();
  const used = new Set([...index.apps.values()].map((a) => a.team));
  const unused = [...index.teams.keys()].filter((t) => !used.has(t));
  for (const [name, apps] of undeclared) {
    const overriding = index.environments.filter((env) => Object.prototype.hasOwnProperty.call(recordOr(env.teams), name));
    const files = apps.map((a) => index.fileOf(a) ?? `app ${a.name}`);
    const overrides = overriding.map((env) => index.fileOf(env) ?? `environment ${env.name}`);
    const also = overrides.length > 0 ? `, and rename teams["${name}"] in ${overrides.join(', ')}` : '';
    const names = apps.map((a) => `"${a.name}"`).join(', ');
    const renamedTo = [...unused].sort((a, b) => editDistance(name, a) - editDistance(name, b))[0];
    if (renamedTo !== undefined) {
      unused.splice(unused.indexOf(renamedTo), 1);
      report.at(`teams.${renamedTo}`, { file: index.fileOf(index.teams.get(renamedTo)!) }).issue(
        `no team "${name}" is declared, but apps ${names} name it, and no app names "${renamedTo}"; did you rename "${name}" to "${renamedTo}"?`,
        name,
        `set team: "${renamedTo}" in ${files.join(', ')}${also}, or name the team "${name}" again`,
      );
    } else {
      report.at(`apps.${apps[0].name}.team`, { file: files[0] }).issue(
        `names a team that is not declared, as do apps ${apps.slice(1).map((a) => `"${a.name}"`).join(', ')} (${files.slice(1).join(', ')})`,
        name,
        `use a declared team in each (${suggest(name, [...index.teams.keys()])}), or declare team "${name}"`,
      );
    }
  }
  return report.issues;
}

/**
 * Teams renamed to a name another team has: each undeclared name that apps
 * use, paired with the second declaration of a taken name that lists it
 * among its namespaces (or the only such pair).
 */
export function teamsRenamedToTakenNames(index: DeclarationIndex): ReadonlyMap<string, TeamSpec> {
  const duplicates = listOr(index.spec.teams).filter((t) => isString(t?.name) && index.teams.has(t.name) && index.teams.get(t.name) !== t);
  const undeclared = [...new Set([...index.apps.values()].map((a) => a.team).filter((t) => isString(t) && !index.teams.has(t)))];
  const pairs = new Map<string, TeamSpec>();
  for (const name of undeclared) {
    const listing = duplicates.find((t) => Array.isArray(t.namespaces) && t.namespaces.includes(name));
    const only = duplicates.length === 1 && undeclared.length === 1 ? duplicates[0] : undefined;
    if (listing ?? only) pairs.set(name, (listing ?? only)!);
  }
  return pairs;
}
