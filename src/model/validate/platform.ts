import type { ExemptionSpec } from '../app';
import type { ValidationIssue } from '../errors';
import { PLATFORM } from '../fields';
import { DNS1123_LABEL, DNS_NAME, EMAIL } from '../names';
import type { DeclarationIndex } from './declarations';
import { Location, Report } from './location';
import { GITHUB_OWNER, exampleDomain, isString, listOr } from './values';

/** The platform's own fields: organisation, owners, GitOps repository, object exemptions; and that teams and environments exist. */
export function validatePlatform(index: DeclarationIndex): ValidationIssue[] {
  const { spec } = index;
  const report = new Report();
  const file = index.fileOf(spec);
  const at = (path: string) => report.at(path, { file });
  const org = spec.organization ?? { name: '', domain: '' };
  if (!isString(org.name) || !DNS1123_LABEL.test(org.name) || org.name.length > 20) {
    at('organization.name').issue('must be a DNS label of at most 20 characters (it prefixes cluster names)', org.name, 'use lowercase letters, digits and "-", e.g. "acme"');
  }
  if (!isString(org.domain) || !DNS_NAME.test(org.domain)) {
    at('organization.domain').issue('must be a DNS name (it prefixes our label keys)', org.domain, 'use the organisation\'s domain, e.g. "acme.dev"');
  }
  if (spec.platformCodeOwners !== undefined && (!isString(spec.platformCodeOwners) || !GITHUB_OWNER.test(spec.platformCodeOwners))) {
    at('platformCodeOwners').issue('is not a GitHub user or team handle', spec.platformCodeOwners, 'write e.g. "@acme/platform"');
  }
  if (spec.rbacSecurityGroup !== undefined && (!isString(spec.rbacSecurityGroup) || !/^gke-security-groups@/.test(spec.rbacSecurityGroup))) {
    at('rbacSecurityGroup').issue('must be a group named gke-security-groups@<your domain> (GKE requires that name)', spec.rbacSecurityGroup, 'omit it for gke-security-groups@<organization domain>');
  }
  if (!isString(spec.platformOwners) || !EMAIL.test(spec.platformOwners)) {
    at('platformOwners').issue('must be the Google group email of the platform team', spec.platformOwners, `set it to e.g. "platform-team@${exampleDomain(spec)}"`);
  }
  if (!isString(spec.gitops?.repoURL) || !/^(https:\/\/|ssh:\/\/|git@)\S+$/.test(spec.gitops.repoURL)) {
    at('gitops.repoURL').issue('must be the URL Argo CD clones this repository from', spec.gitops?.repoURL, 'set it to e.g. "https://github.com/acme/platform.git"');
  }
  at('').unknownFields(spec, PLATFORM);
  if (listOr(spec.teams).length === 0) {
    at('teams').issue('no team is declared', spec.teams, 'declare at least one team; every app belongs to one');
  }
  if (listOr(spec.environments).length === 0) {
    at('environments').issue('no environment is declared', spec.environments, 'declare at least one environment in environments/ and list it in the platform');
  }
  listOr(spec.exemptions).forEach((e, i) => {
    validateExemption(at(`exemptions[${i}]`), e);
    if (!isString(e?.kind) || !/^[A-Za-z]+$/.test(e.kind) || !isString(e?.name) || e.name.length === 0) {
      at(`exemptions[${i}]`).issue('must name the kind and name of the objects it exempts', { kind: e?.kind, name: e?.name }, 'set kind (e.g. "Secret") and name (a trailing * matches any suffix)');
    }
  });
  return report.issues;
}

/** An exemption names a rule, gives a real reason and, if it expires, a date. Rule ids are checked by the guardrails. */
export function validateExemption(at: Location, e: ExemptionSpec, environments?: readonly unknown[]): void {
  if (!isString(e?.rule) || !/^[a-z0-9-]+$/.test(e.rule)) {
    at.field('rule').issue('must be a guardrail rule id', e?.rule, 'copy the rule id from the violation, e.g. "read-only-root-filesystem"');
  }
  if (!isString(e?.reason) || e.reason.trim().length < 10) {
    at.field('reason').issue('must say why the rule cannot be met (at least 10 characters)', e?.reason, 'write the reason a reviewer needs, e.g. "vendor image writes to /var/cache; tracked in OPS-123"');
  }
  if (e?.expires !== undefined && (!isString(e.expires) || !/^\d{4}-\d{2}-\d{2}$/.test(e.expires) || Number.isNaN(Date.parse(`${e.expires}T00:00:00Z`)))) {
    at.field('expires').issue('is not a date YYYY-MM-DD', e.expires, 'write e.g. "2027-03-31", or omit it');
  }
  for (const env of listOr(e?.environments)) {
    if (environments && !environments.includes(env)) {
      at.field('environments').issue('names an environment that is not declared', env, `use one of ${JSON.stringify(environments)}`);
    }
  }
}
