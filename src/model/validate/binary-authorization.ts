import type { AppSpec } from '../app';
import { BinaryAuthorization, EnvironmentSpec } from '../environment';
import type { ValidationIssue } from '../errors';
import type { DeclarationIndex } from './declarations';
import { Report } from './location';
import { isString } from './values';
import { ARTIFACT_REGISTRY_IMAGE } from '../resolve/environment';

/**
 * `cluster.binaryAuthorization`: one of the BinaryAuthorization values; when
 * enforced, every app deployed here pulls from an Artifact Registry
 * repository, the only app images the policy admits (an image from elsewhere
 * would be refused at admission, after the merge).
 */
export function validateBinaryAuthorization(env: EnvironmentSpec, index: DeclarationIndex, deployed: readonly AppSpec[]): ValidationIssue[] {
  const report = new Report();
  const declared: unknown = env.cluster?.binaryAuthorization;
  if (declared === undefined) return report.issues;
  const at = report.at('cluster.binaryAuthorization', { environment: env.name, file: index.fileOf(env) });
  if (!(declared instanceof BinaryAuthorization)) {
    at.issue('must be a BinaryAuthorization value', declared, 'write BinaryAuthorization.ENFORCE, BinaryAuthorization.AUDIT or BinaryAuthorization.DISABLED');
    return report.issues;
  }
  if (declared !== BinaryAuthorization.ENFORCE) return report.issues;
  for (const app of deployed) {
    if (isString(app.image) && !ARTIFACT_REGISTRY_IMAGE.test(app.image)) {
      report.at(`apps.${app.name}.image`, { environment: env.name, file: index.fileOf(app) }).issue(
        `is not in an Artifact Registry repository, so the enforced Binary Authorization policy of ${env.name} would refuse it`,
        app.image,
        'push the image to the organisation\'s Artifact Registry (<location>-docker.pkg.dev/<project>/<repository>/...), or set cluster.binaryAuthorization to BinaryAuthorization.AUDIT',
      );
    }
  }
  return report.issues;
}
