import type { ValidationIssue } from '../errors';
import type { DeclarationIndex } from './declarations';
import { Report } from './location';
import { isPlainRecord } from './values';

/** Each environment's pipeline settings (`pipeline: { bootstrapped }`). */
export function validatePipeline(index: DeclarationIndex): ValidationIssue[] {
  const { spec } = index;
  const report = new Report();
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
