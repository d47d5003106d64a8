import type { ResolvedPlatform } from '../model';

/** Where each environment's pipeline settings go, relative to the environment directory: beside the Terraform they apply to. */
export const PIPELINE_FILE = 'terraform/pipeline.json';

/**
 * What the generated Terraform workflows need of one environment, written by
 * the synth into `dist/<env>/terraform/pipeline.json`: projenrc reads these
 * files to generate `.github/workflows/` (so `npx projen` never runs the
 * engine or the declarations), and the workflows read them at run time.
 * Terraform reads only `*.tf.json`, so the file is not configuration to it.
 */
export interface PipelineSettings {
  readonly environment: string;
  /** Position in promotion order, from 0: the order of the apply jobs. */
  readonly order: number;
  readonly tier: string;
  readonly production: boolean;
  /** `owner/name`: the repository whose workflows may authenticate. */
  readonly repository: string;
  readonly terraformVersion: string;
  /** Cron expression (UTC) of the drift check. */
  readonly driftSchedule: string;
  readonly project: string;
  readonly projectNumber: string;
  readonly region: string;
  readonly stateBucket: string;
  /** Repository path of the environment's Terraform, e.g. `dist/prod/terraform`. */
  readonly terraformDir: string;
  /** The Workload Identity provider the workflows' auth step names. */
  readonly workloadIdentityProvider: string;
  /** Plans (pull requests, drift): reads only. */
  readonly planServiceAccount: string;
  /** Applies: only from the GitHub environment named like the environment. */
  readonly applyServiceAccount: string;
}

/** Each environment's pipeline settings, by path relative to `dist/`; none when the platform declares no pipeline. */
export function pipelineFiles(platform: ResolvedPlatform): Map<string, PipelineSettings> {
  const files = new Map<string, PipelineSettings>();
  const pipeline = platform.pipeline;
  if (!pipeline) return files;
  platform.environments.forEach((env, order) => {
    const p = env.pipeline;
    if (!p) return;
    files.set(`${env.name}/${PIPELINE_FILE}`, {
      environment: env.name,
      order,
      tier: env.tier.name,
      production: env.tier.isProduction,
      repository: pipeline.repository,
      terraformVersion: pipeline.terraformVersion,
      driftSchedule: pipeline.driftSchedule,
      project: env.gcpProject,
      projectNumber: p.projectNumber,
      region: env.region,
      stateBucket: env.stateBucket,
      terraformDir: `${env.path}/terraform`,
      workloadIdentityProvider: p.provider,
      planServiceAccount: p.plan.email,
      applyServiceAccount: p.apply.email,
    });
  });
  return files;
}
