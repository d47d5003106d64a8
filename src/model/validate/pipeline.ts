import type { ValidationIssue } from '../errors';
import type { DeclarationIndex } from './declarations';
import { Report } from './location';
import { isPlainRecord, isString } from './values';
import { githubRepository } from '../resolve/addons';

/** The repository's ids the pipeline's provider checks, and each environment's pipeline settings (`pipeline: { bootstrapped }`). */
export function validatePipeline(index: DeclarationIndex): ValidationIssue[] {
  const { spec } = index;
  const report = new Report();
  if (isPlainRecord(spec.pipeline)) {
    const file = index.fileOf(spec);
    const repo = isString(spec.pipeline.repository) ? spec.pipeline.repository : githubRepository(spec.gitops?.repoURL) ?? 'OWNER/REPO';
    const ids = [['repositoryId', '.id', 'the repository'], ['repositoryOwnerId', '.owner.id', 'the repository\'s owner']] as const;
    for (const [field, jq, what] of ids) {
      const value: unknown = spec.pipeline[field];
      const fix = `write the number \`gh api repos/${repo} --jq ${jq}\` prints`;
      if (value === undefined) {
        report.at(`pipeline.${field}`, { file }).missing(`is needed: the pipeline's identities admit tokens of ${what}'s numeric id, which a rename or a re-registered name does not carry`, fix);
      } else if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
        report.at(`pipeline.${field}`, { file }).issue(`is not ${what}'s numeric id`, value, fix);
      }
    }
  }
  for (const env of index.environments) {
    const at = (path: string) => report.at(path, { environment: env.name, file: index.fileOf(env) });
    const p = env.pipeline;
    if (p === undefined) continue;
    if (!isPlainRecord(p)) {
      at('pipeline').issue('must be an object', p, 'write e.g. pipeline: { bootstrapped: false } before the environment\'s first apply, or omit it');
      continue;
    }
    if (p.bootstrapped !== undefined && typeof p.bootstrapped !== 'boolean') {
      at('pipeline.bootstrapped').issue('must be true or false', p.bootstrapped,
        'write false until the environment\'s first apply by hand is done (docs/new-cluster.md), then remove it');
    }
    if (spec.pipeline === undefined) {
      at('pipeline').issue('has no effect: the platform declares no pipeline', p, 'remove it, or declare pipeline: {} in the platform');
    }
  }
  return report.issues;
}
