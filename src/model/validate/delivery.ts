import { AppSpec, CanaryStep, Delivery } from '../app';
import { DELIVERY_OPTIONS } from '../fields';
import type { Location } from './location';
import { checkBoolean, checkValue } from './typed';
import { DURATION, isNonNegativeInt, isString } from './values';
import { DEFAULT_ROLLING_UPDATE } from '../resolve/defaults';

/** A delivery strategy (an app's, or an environment's override of it) that the app's workload can run. */
export function validateDelivery(at: Location, delivery: Delivery | undefined, app: AppSpec): void {
  if (delivery === undefined) return;
  if (!(delivery instanceof Delivery)) {
    at.issue('must be a Delivery', delivery, 'use Delivery.rollingUpdate(), Delivery.canary({ steps }) or Delivery.blueGreen()');
    return;
  }
  // The options as declared: a misspelt one (maxSurg) would otherwise be ignored.
  if (delivery.declared) at.unknownFields(delivery.declared, DELIVERY_OPTIONS[delivery.kind]);
  if (!app.workload?.isLongRunning) {
    at.issue(`does not apply to a ${app.workload?.kind}`, delivery.kind, 'remove it');
    return;
  }
  if (delivery.kind !== 'rolling-update' && app.workload.kind !== 'service') {
    const why = delivery.kind === 'canary' ? 'traffic reaches the canary through the app\'s Service' : 'the preview Service shows the new version before promotion';
    at.issue(`is a ${delivery.kind}, which needs a service (${why})`, delivery.kind, 'use Delivery.rollingUpdate() for a worker');
  }
  if (delivery.kind !== 'rolling-update') {
    checkValue(at.field('rollbackWindow'), delivery.rollbackWindow, (v) => v === undefined || isNonNegativeInt(v),
      'must be a whole number of versions, at least 0', 'write e.g. rollbackWindow: 3, or 0 to run every rollback through the steps');
  }
  if (delivery.kind === 'rolling-update') validateRollingUpdate(at, delivery);
  if (delivery.kind === 'canary') validateCanary(at, delivery);
  if (delivery.kind === 'blue-green') {
    checkValue(at.field('scaleDownDelaySeconds'), delivery.scaleDownDelaySeconds, (v) => v === undefined || isNonNegativeInt(v), 'must be a whole number of seconds', 'write e.g. 30');
    checkBoolean(at.field('autoPromote'), delivery.autoPromote, 'write autoPromote: true, or omit it');
  }
}

const surgeOk = (v: unknown) => (Number.isInteger(v) && (v as number) >= 0) || (typeof v === 'string' && /^(100|[1-9]?\d)%$/.test(v));

function validateRollingUpdate(at: Location, delivery: Delivery): void {
  const maxSurge = delivery.maxSurge ?? DEFAULT_ROLLING_UPDATE.maxSurge;
  const maxUnavailable = delivery.maxUnavailable ?? DEFAULT_ROLLING_UPDATE.maxUnavailable;
  if (!surgeOk(maxSurge)) at.field('maxSurge').issue('is not a whole number or a percentage', maxSurge, 'write e.g. 1 or "25%"');
  if (!surgeOk(maxUnavailable)) at.field('maxUnavailable').issue('is not a whole number or a percentage', maxUnavailable, 'write e.g. 0 or "25%"');
  if ((maxSurge === 0 || maxSurge === '0%') && (maxUnavailable === 0 || maxUnavailable === '0%')) {
    at.issue('allows neither an extra nor a missing pod, so a rollout can never progress', { maxSurge, maxUnavailable }, 'set maxSurge >= 1 or maxUnavailable >= 1');
  }
}

function validateCanary(at: Location, delivery: Delivery): void {
  const steps = Array.isArray(delivery.steps) ? delivery.steps : [];
  if (steps.length === 0) {
    at.field('steps').issue('has no steps', delivery.steps, 'list steps, e.g. [CanaryStep.weight(10), CanaryStep.pause("5m"), CanaryStep.weight(50), CanaryStep.pause("10m")]');
  }
  let last = 0;
  steps.forEach((step, i) => {
    const where = at.field(`steps[${i}]`);
    if (!(step instanceof CanaryStep)) {
      where.issue('must be a CanaryStep', step, 'use CanaryStep.weight(n), CanaryStep.pause(duration) or CanaryStep.pauseUntilPromoted()');
    } else if (step.weight !== undefined) {
      if (!Number.isInteger(step.weight) || step.weight < 1 || step.weight > 100) where.issue('must be a percentage from 1 to 100', step.weight, 'write e.g. CanaryStep.weight(20)');
      else if (step.weight < last) where.issue(`goes down from ${last}%; a canary only grows (abort to go back)`, step.weight, 'order the weights from small to large');
      else last = step.weight;
    } else if (step.pauseDuration !== undefined && !DURATION.test(step.pauseDuration)) {
      where.issue('is not a duration', step.pauseDuration, 'write e.g. "30s", "5m" or "1h"');
    }
  });
  const a = delivery.analysis;
  if (a === undefined) return;
  const where = at.field('analysis');
  if (!isString(a.query) || a.query.trim() === '') where.field('query').issue('must be a PromQL query', a.query, 'write a query that returns one number');
  if (!isString(a.successCondition) || !a.successCondition.includes('result')) where.field('successCondition').issue('must be a condition on result', a.successCondition, 'write e.g. "result[0] >= 0.99"');
  if (a.interval !== undefined && (!isString(a.interval) || !DURATION.test(a.interval))) where.field('interval').issue('is not a duration', a.interval, 'write e.g. "1m"');
  if (a.failureLimit !== undefined && !(Number.isInteger(a.failureLimit) && a.failureLimit >= 0)) where.field('failureLimit').issue('must be a whole number of at least 0', a.failureLimit, 'write e.g. 2');
  if (a.initialDelay !== undefined && (!isString(a.initialDelay) || !DURATION.test(a.initialDelay))) where.field('initialDelay').issue('is not a duration', a.initialDelay, 'write e.g. "2m"');
  checkValue(where.field('inconclusiveLimit'), a.inconclusiveLimit, (v) => v === undefined || isNonNegativeInt(v), 'must be a whole number of at least 0', 'write e.g. 3');
}
