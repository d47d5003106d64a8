import { RenderedStack, renderCloud } from '../cloud';
import { ObjectSchemaValidator, runGuardrails } from '../guardrails/engine';
import type { GuardrailReport } from '../guardrails/types';
import type { ResolvedPlatform } from '../model';
import { toJson } from './json';

/** The Terraform stacks of every environment, checked and serialised. */
export interface CloudHalf {
  readonly stacks: readonly RenderedStack[];
  /** Each stack's `cdk.tf.json` content, in the order of `stacks`. */
  readonly json: readonly string[];
  readonly guardrails: GuardrailReport;
}

/** Renders and checks the Terraform stacks (Terraform rules): needs nothing of the Kubernetes half. */
export function renderCloudHalf(resolved: ResolvedPlatform, today: string): CloudHalf {
  const stacks = renderCloud(resolved);
  const guardrails = runGuardrails([], {
    platform: resolved,
    schema: NO_OBJECTS,
    today,
    stacks: stacks.map((s) => ({ environment: s.environment, file: s.file, source: `stack ${s.environment}`, json: s.json as never })),
  });
  return { stacks, json: stacks.map((s) => toJson(s.json)), guardrails };
}

/** The cloud half checks no Kubernetes objects: no schemas to compile. */
const NO_OBJECTS: ObjectSchemaValidator = { validate: () => [] };
