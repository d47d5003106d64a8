/**
 * Cron schedules and time zones, checked by the rules the systems that run
 * them use, so that a schedule the API server or Argo CD would refuse fails
 * at synth:
 * - a CronJob's schedule: kubernetes `pkg/apis/batch/validation/validation.go`
 *   (`validateScheduleFormat`: robfig/cron v3 `ParseStandard`, five fields or a
 *   descriptor, and no `TZ=`/`CRON_TZ=`), its time zone `validateTimeZone`
 *   (IANA names, loaded with Go's `time.LoadLocation`, never `Local`);
 * - an Argo CD sync window: argo-cd `pkg/apis/application/v1alpha1` parses it with
 *   robfig/cron's parser for minute, hour, day of month, month and day of week
 *   (no descriptors); its time zone with `time.LoadLocation`.
 */
import { editDistance } from '../names';
import type { Location } from './location';
import { isString } from './values';

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

/** robfig/cron v3's bounds (`parser.go`): day of week 0-6 from Sunday; months and days may be named. */
const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day of week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

/** robfig/cron's descriptors, which `ParseStandard` accepts and Argo CD's window parser does not. */
const DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
/** `@every <Go duration>`. */
const EVERY = /^@every\s+((\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+)$/;

const EXAMPLE = 'write minute hour day-of-month month day-of-week, e.g. "0 2 * * *" for 02:00 daily';

/** Why `schedule` is not a cron schedule the consumer accepts; undefined when it is one. */
export function cronProblem(schedule: string, options: { readonly descriptors: boolean }): string | undefined {
  const text = schedule.trim();
  if (text.includes('TZ')) return 'holds TZ= or CRON_TZ=, which the API server refuses';
  if (text.startsWith('@')) {
    if (!options.descriptors) return 'is a descriptor, which Argo CD\'s sync windows do not accept';
    return DESCRIPTORS.includes(text) || EVERY.test(text) ? undefined : `is not one of the descriptors ${DESCRIPTORS.join(', ')} or @every <duration>`;
  }
  const parts = text.split(/\s+/);
  if (parts.length !== 5 || text === '') return 'is not a five-field cron expression';
  for (const [i, part] of parts.entries()) {
    for (const item of part.split(',')) {
      const problem = rangeProblem(item, FIELDS[i]);
      if (problem) return `${FIELDS[i].name} ${JSON.stringify(item)}: ${problem}`;
    }
  }
  return undefined;
}

/** robfig/cron's `getRange`: `*` or `?`, a value, or a range, each with an optional positive step. */
function rangeProblem(item: string, field: CronField): string | undefined {
  const [range, step, extra] = item.split('/');
  if (extra !== undefined) return 'has more than one "/"';
  let low = field.min;
  let high = field.max;
  if (range !== '*' && range !== '?') {
    const [a, b, more] = range.split('-');
    if (more !== undefined) return 'has more than one "-"';
    const first = valueOf(a, field);
    if (first === undefined) return `${JSON.stringify(a)} is not a number${field.names ? ' or a name' : ''}`;
    low = first;
    high = first;
    if (b !== undefined) {
      const last = valueOf(b, field);
      if (last === undefined) return `${JSON.stringify(b)} is not a number${field.names ? ' or a name' : ''}`;
      high = last;
    } else if (step !== undefined) {
      high = field.max;
    }
  }
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) return 'the step must be a positive number';
  if (low < field.min) return `${low} is below the minimum ${field.min}`;
  if (high > field.max) return `${high} is above the maximum ${field.max}`;
  if (low > high) return `the range starts at ${low}, after its end ${high}`;
  return undefined;
}

function valueOf(text: string, field: CronField): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  return named >= 0 ? named + (field.name === 'month' ? 1 : 0) : undefined;
}

/** Reports a schedule its consumer would refuse: `descriptors` for a CronJob (`@daily`), not for an Argo CD sync window. */
export function validateSchedule(at: Location, schedule: unknown, options: { readonly descriptors: boolean }): void {
  const problem = isString(schedule) ? cronProblem(schedule, options) : 'is not a five-field cron expression';
  if (problem) at.issue(problem === 'is not a five-field cron expression' ? problem : `is not a valid cron schedule: ${problem}`, schedule, EXAMPLE);
}

/** `Intl.supportedValuesOf('timeZone')` (ES2022, Node 18+; our TypeScript lib setting predates it). */
function ianaZones(): string[] {
  return (Intl as unknown as { supportedValuesOf(key: 'timeZone'): string[] }).supportedValuesOf('timeZone');
}

/** What `Intl` knows, looked up once: canonical IANA names by lower case. */
let canonical: Map<string, string> | undefined;

/**
 * Why `zone` is not an IANA time zone name as Go's `time.LoadLocation`
 * reads it (case-sensitive file names of the tz database; `Local` refused by
 * the API server); undefined when it is one. Node's ICU holds the same tz
 * database, aliases included.
 */
export function timeZoneProblem(zone: string): string | undefined {
  if (zone === '' || zone.toLowerCase() === 'local') return 'must name an IANA time zone, not the server\'s local one';
  canonical ??= new Map(ianaZones().map((z) => [z.toLowerCase(), z]));
  const known = canonical.get(zone.toLowerCase());
  if (known !== undefined && known !== zone) return `is not spelt as the tz database spells it ("${known}")`;
  if (known === undefined && !acceptedByIntl(zone)) return 'is not an IANA time zone';
  if (known === undefined && zone.split('/').some((part) => !/^[A-Z]/.test(part) && !/^(UTC|GMT|UCT|Etc)/.test(part))) {
    return 'is not spelt as the tz database spells it';
  }
  return undefined;
}

function acceptedByIntl(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Reports a time zone that is not an IANA name. */
export function validateTimeZone(at: Location, zone: unknown): void {
  if (zone === undefined) return;
  const problem = isString(zone) ? timeZoneProblem(zone) : 'must be an IANA time zone name';
  if (!problem) return;
  const close = isString(zone) ? closestZone(zone) : undefined;
  at.issue(problem, zone, close ? `write "${close}"` : 'write an IANA name, e.g. "Europe/Paris" or "Etc/UTC"');
}

function closestZone(zone: string): string | undefined {
  canonical ??= new Map(ianaZones().map((z) => [z.toLowerCase(), z]));
  const exact = canonical.get(zone.toLowerCase());
  if (exact) return exact;
  const lower = zone.toLowerCase();
  let best: { zone: string; d: number } | undefined;
  for (const [key, value] of canonical) {
    if (Math.abs(lower.length - key.length) > 2) continue;
    const d = editDistance(lower, key);
    if (d <= 2 && (!best || d < best.d)) best = { zone: value, d };
  }
  return best?.zone;
}
