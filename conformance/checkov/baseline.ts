import * as fs from 'fs';
import { parse } from 'yaml';

/** A failed check, located in the rendered tree: `file` is relative to `dist/<environment>/`. */
export interface Finding {
  readonly environment: string;
  readonly file: string;
  readonly checkId: string;
  readonly checkName: string;
  /** `google_container_cluster.gke_cluster`, `Deployment.orders.orders-api` (kind.namespace.name). */
  readonly resource: string;
}

/** One accepted failure: which check, on what, where, and why we accept it. */
export interface BaselineEntry {
  readonly check: string;
  /** The resource; `*` matches any run of characters. */
  readonly resource: string;
  /** The environments it is accepted in. @default - every rendered environment (it must fail in each) */
  readonly environments?: readonly string[];
  /** The file, relative to `dist/<environment>/`; `*` matches any run of characters. @default - any file */
  readonly file?: string;
  /** Why we accept it: what the check wants, what we do instead, and why. */
  readonly reason: string;
  /** Temporary: the finding should be fixed (by `owner`); the entry goes when it is. @default false */
  readonly todo?: boolean;
  /** Who fixes a `todo` entry, e.g. `src/k8s (renderer)`. */
  readonly owner?: string;
}

export interface Baseline {
  readonly file: string;
  readonly entries: readonly BaselineEntry[];
}

/** A baseline entry that no longer matches a failure in one of its environments. */
export interface StaleEntry {
  readonly index: number;
  readonly entry: BaselineEntry;
  readonly environment: string;
}

export interface Comparison {
  /** Failures no entry accepts: the run fails. */
  readonly unaccepted: Finding[];
  readonly accepted: Array<{ finding: Finding; index: number }>;
  /** Entries that match nothing in an environment they apply to: the run fails, so a fixed finding leaves the baseline. */
  readonly stale: StaleEntry[];
}

const ENTRY_KEYS = new Set(['check', 'resource', 'environments', 'file', 'reason', 'todo', 'owner']);
const CHECK_ID = /^CKV2?_[A-Z0-9]+_\d+$/;

export class BaselineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BaselineError';
  }
}

/** Reads and validates a baseline file (`accepted:` list); every problem is reported at once. */
export function loadBaseline(file: string): Baseline {
  let doc: unknown;
  try {
    doc = parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new BaselineError(`${file}: cannot read: ${(err as Error).message}`);
  }
  return { file, entries: validateBaseline(doc, file) };
}

export function validateBaseline(doc: unknown, file: string): BaselineEntry[] {
  const accepted = (doc as { accepted?: unknown } | null)?.accepted;
  if (!Array.isArray(accepted)) throw new BaselineError(`${file}: expected a top-level "accepted:" list of entries`);
  const problems: string[] = [];
  accepted.forEach((raw, i) => {
    const at = `${file}: accepted[${i}]`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push(`${at}: expected a mapping with check, resource and reason`);
      return;
    }
    const e = raw as Record<string, unknown>;
    for (const key of Object.keys(e)) if (!ENTRY_KEYS.has(key)) problems.push(`${at}: unknown key "${key}" (known: ${[...ENTRY_KEYS].join(', ')})`);
    if (typeof e.check !== 'string' || !CHECK_ID.test(e.check)) problems.push(`${at}.check: ${JSON.stringify(e.check)} is not a checkov check id such as CKV_GCP_12`);
    if (typeof e.resource !== 'string' || e.resource === '') problems.push(`${at}.resource: expected the resource checkov names, e.g. google_container_cluster.gke_cluster`);
    if (typeof e.reason !== 'string' || e.reason.trim().length < 40) {
      problems.push(`${at}.reason: say what the check wants, what we do instead and why (at least a sentence); received ${JSON.stringify(e.reason)}`);
    }
    if (e.environments !== undefined && (!Array.isArray(e.environments) || e.environments.length === 0 || !e.environments.every((x) => typeof x === 'string'))) {
      problems.push(`${at}.environments: expected a non-empty list of environment names, or no key for every environment`);
    }
    if (e.file !== undefined && (typeof e.file !== 'string' || e.file === '')) problems.push(`${at}.file: expected a path relative to dist/<environment>/`);
    if (e.todo !== undefined && typeof e.todo !== 'boolean') problems.push(`${at}.todo: expected true or false`);
    if (e.todo === true && (typeof e.owner !== 'string' || e.owner === '')) problems.push(`${at}.owner: a todo entry names who fixes it`);
  });
  if (problems.length > 0) throw new BaselineError(problems.join('\n'));
  return accepted as BaselineEntry[];
}

/**
 * Sorts every finding into accepted (the first entry that matches) or
 * unaccepted, and lists each entry that matches nothing in one of its
 * environments (an entry without `environments` applies to every environment in `environments`).
 */
export function compare(findings: readonly Finding[], entries: readonly BaselineEntry[], environments: readonly string[]): Comparison {
  const unaccepted: Finding[] = [];
  const accepted: Array<{ finding: Finding; index: number }> = [];
  const used = new Set<string>();
  for (const finding of findings) {
    const index = entries.findIndex((e) => matches(e, finding));
    if (index < 0) {
      unaccepted.push(finding);
    } else {
      accepted.push({ finding, index });
      used.add(`${index}\0${finding.environment}`);
    }
  }
  const stale: StaleEntry[] = [];
  entries.forEach((entry, index) => {
    for (const environment of entry.environments ?? environments) {
      if (!used.has(`${index}\0${environment}`)) stale.push({ index, entry, environment });
    }
  });
  return { unaccepted, accepted, stale };
}

function matches(entry: BaselineEntry, finding: Finding): boolean {
  return entry.check === finding.checkId
    && glob(entry.resource).test(finding.resource)
    && (entry.environments === undefined || entry.environments.includes(finding.environment))
    && (entry.file === undefined || glob(entry.file).test(finding.file));
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}
