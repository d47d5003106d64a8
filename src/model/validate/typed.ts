import type { Location } from './location';
import { isString } from './values';

/**
 * Reports `value` unless `ok(value)`. A number or boolean written as a
 * string (`replicas: '2'`, `spot: 'true'`) says that it is a string and how to
 * write it, since "must be a whole number" alone does not show the quotes.
 */
export function checkValue(at: Location, value: unknown, ok: (v: unknown) => boolean, message: string, fix: string): void {
  if (ok(value)) return;
  const field = at.path.slice(at.path.lastIndexOf('.') + 1);
  if (isString(value) && /^-?\d+(\.\d+)?$/.test(value.trim()) && ok(Number(value))) {
    at.issue(`${message}, but is a string`, value, `write it as a number, without quotes: ${field}: ${value.trim()}`);
  } else if (isString(value) && /^(true|false)$/.test(value.trim()) && ok(value.trim() === 'true')) {
    at.issue(`${message}, but is a string`, value, `write it without quotes: ${field}: ${value.trim()}`);
  } else {
    at.issue(message, value, fix);
  }
}

/** An optional boolean. */
export function checkBoolean(at: Location, value: unknown, fix: string): void {
  if (value === undefined) return;
  checkValue(at, value, (v) => typeof v === 'boolean', 'must be true or false', fix);
}
