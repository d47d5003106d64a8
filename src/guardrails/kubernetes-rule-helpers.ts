/** How the Kubernetes rules (./kubernetes-rules.ts) reach pod templates and containers, and read an object's name and namespace. */
import { ContainerAt, PodTemplate, containers, podTemplate } from './pods';
import type { CheckedObject, Finding, Rule, RuleContext } from './types';

type PodCheck = (template: PodTemplate, object: CheckedObject, context: RuleContext) => Finding[];

/** A rule on every pod template (Deployment, CronJob, Job, Pod, Rollout, …). */
export function podRule(rule: Omit<Rule, 'check'>, check: PodCheck): Rule {
  return {
    ...rule,
    check(object, context) {
      const template = podTemplate(object.manifest);
      return template ? check(template, object, context) : [];
    },
  };
}

/** A rule on every container (init containers included) of every pod template. */
export function containerRule(rule: Omit<Rule, 'check'>, check: (c: ContainerAt, template: PodTemplate, context: RuleContext) => Finding[]): Rule {
  return podRule(rule, (template, _object, context) => containers(template).flatMap((c) => check(c, template, context)));
}

/** An object's namespace (undefined when it has none) and name. */
export const ns = (o: CheckedObject) => (o.manifest.metadata?.namespace as string | undefined);
export const name = (o: CheckedObject) => String(o.manifest.metadata?.name);
