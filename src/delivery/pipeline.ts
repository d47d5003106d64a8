import type { ResolvedPlatform } from '../model';

/**
 * Where the pipeline settings go, relative to `dist/`: beside the
 * environments, not in any `<env>/terraform/`, whose changes are what the
 * workflows plan (adding an environment must not look like a change of the
 * others' Terraform).
 */
export const PIPELINE_FILE = 'pipeline.json';

/**
 * What the generated Terraform workflows need, written by the synth into
 * `dist/pipeline.json`: projenrc reads it to generate `.github/workflows/`
 * (so `npx projen` never runs the engine or the declarations), and the
 * workflows read it at run time.
 */
export interface PipelineSettings {
  /** `owner/name`: the repository whose workflows may authenticate. */
  readonly repository: string;
  readonly terraformVersion: string;
  /** Cron expression (UTC) of the drift check. */
  readonly driftSchedule: string;
  /** In promotion order: the order of the apply jobs. */
  readonly environments: readonly PipelineEnvironmentSettings[];
}

/** What the workflows need of one environment. */
export interface PipelineEnvironmentSettings {
  readonly environment: string;
  /** False until the environment's first apply by hand: the workflows skip it (docs/new-cluster.md). */
  readonly bootstrapped: boolean;
  readonly tier: string;
  readonly production: boolean;
  readonly project: string;
  readonly projectNumber: string;
  readonly region: string;
  readonly stateBucket: string;
  /** Repository path of the environment's Terraform, e.g. `dist/prod/terraform`. */
  readonly terraformDir: string;
  /** The Workload Identity provider the workflows' auth step names. */
  readonly workloadIdentityProvider: string;
  /** Plans (pull requests, drift, what to apply): reads only. */
  readonly planServiceAccount: string;
  /** Applies: only from the GitHub environment named like the environment. */
  readonly applyServiceAccount: string;
}

/** The pipeline settings; none when the platform declares no pipeline. */
export function pipelineSettings(platform: ResolvedPlatform): PipelineSettings | undefined {
  const pipeline = platform.pipeline;
  if (!pipeline) return undefined;
  const environments = platform.environments.flatMap((env): PipelineEnvironmentSettings[] => {
    const p = env.pipeline;
    if (!p) return [];
    return [{
      environment: env.name,
      bootstrapped: p.bootstrapped,
      tier: env.tier.name,
      production: env.tier.isProduction,
      project: env.gcpProject,
      projectNumber: p.projectNumber,
      region: env.region,
      stateBucket: env.stateBucket,
      terraformDir: `${env.path}/terraform`,
      workloadIdentityProvider: p.provider,
      planServiceAccount: p.plan.email,
      applyServiceAccount: p.apply.email,
    }];
  });
  return { repository: pipeline.repository, terraformVersion: pipeline.terraformVersion, driftSchedule: pipeline.driftSchedule, environments };
}
