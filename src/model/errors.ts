/**
 * One problem found in a platform declaration.
 *
 * Every issue says where (environment, field path, file), what was received,
 * what is wrong and how to fix it, so that a user can act on it without
 * reading our source.
 */
export interface ValidationIssue {
  /** The environment the problem is in, when it is specific to one. */
  readonly environment?: string;
  /** Dotted path of the offending field, e.g. `apps.checkout-api.replicas`. */
  readonly path: string;
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** The value received (omitted when there is no value, e.g. a missing field). */
  readonly received?: unknown;
  /** How to fix it. */
  readonly fix: string;
  /** The file the value is declared in, when known. */
  readonly file?: string;
}

/** Formats one issue as a single line. */
export function formatIssue(issue: ValidationIssue): string {
  const where = issue.environment ? `${issue.path} in ${issue.environment}` : issue.path;
  const received = 'received' in issue ? ` (received ${describeValue(issue.received)})` : '';
  const file = issue.file ? ` [${issue.file}]` : '';
  return `${where}: ${issue.message}${received}; ${issue.fix}${file}`;
}

/** Renders a received value for an error message: short, quoted, never multi-line. */
export function describeValue(value: unknown): string {
  let text: string;
  if (value === undefined) {
    text = 'undefined';
  } else if (typeof value === 'string') {
    text = JSON.stringify(value);
  } else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = asText(value);
    }
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Thrown when a declaration is invalid. Carries every issue found, not just the first. */
export class PlatformValidationError extends Error {
  public readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[]) {
    const lines = issues.map((i) => `  - ${formatIssue(i)}`);
    super(`The platform declaration has ${issues.length} problem${issues.length === 1 ? '' : 's'}:\n${lines.join('\n')}`);
    this.name = 'PlatformValidationError';
    this.issues = issues;
  }
}

/** Collects issues over a whole declaration so that one run reports all of them. */
export class IssueCollector {
  private readonly found: ValidationIssue[] = [];

  public add(issue: ValidationIssue): void {
    this.found.push(issue);
  }

  public get issues(): readonly ValidationIssue[] {
    return this.found;
  }

  public get size(): number {
    return this.found.length;
  }

  /** Names `file` in the issues added since there were `since`, where they name none. */
  public inFile(since: number, file: string): void {
    for (let i = since; i < this.found.length; i++) {
      if (this.found[i].file === undefined) this.found[i] = { ...this.found[i], file };
    }
  }

  /** Throws a {@link PlatformValidationError} when any issue was collected. */
  public throwIfAny(): void {
    if (this.found.length > 0) {
      throw new PlatformValidationError(this.found);
    }
  }
}

/**
 * `String(value)` that never throws: a declaration written in plain
 * JavaScript can hold anything, e.g. an object whose `toString` is not a
 * function, which `String()` and template literals throw on.
 */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return '<unprintable>'; // e.g. a Proxy whose every read throws
    }
  }
}
