import type { ValidationIssue } from '../errors';
import { FieldShape, unknownFields } from '../fields';

/** The environment a problem is in and the file that declares the value, when known. */
export interface Place {
  readonly environment?: string;
  readonly file?: string;
}

/**
 * Where a value sits in a declaration: its dotted path, environment and
 * declaring file. A problem is reported at a location, which adds it to the
 * report the location belongs to (one report per validator call).
 */
export class Location {
  constructor(private readonly report: ValidationIssue[], public readonly path: string, public readonly place: Place = {}) {}

  /** The location of a field of this value. */
  public field(name: string): Location {
    return new Location(this.report, this.path ? `${this.path}.${name}` : name, this.place);
  }

  /** The location of an item of this list. */
  public item(index: number): Location {
    return new Location(this.report, `${this.path}[${index}]`, this.place);
  }

  /** A problem with the value received here. */
  public issue(message: string, received: unknown, fix: string): void {
    this.report.push({ ...this.where(), path: this.path, message, received, fix });
  }

  /** A problem with no value to quote (a required field is missing). */
  public missing(message: string, fix: string): void {
    this.report.push({ ...this.where(), path: this.path, message, fix });
  }

  /** Reports each field of `value` that `shape` does not know: a misspelt setting would otherwise be ignored. */
  public unknownFields(value: unknown, shape: FieldShape): void {
    for (const f of unknownFields(value, shape, this.path)) {
      this.report.push({ ...this.where(), path: f.path, message: f.message, received: f.value, fix: f.fix });
    }
  }

  private where(): Place {
    const { environment, file } = this.place;
    return { ...(environment !== undefined ? { environment } : {}), ...(file !== undefined ? { file } : {}) };
  }
}

/** A validator's report: the problems found at the locations it hands out. */
export class Report {
  public readonly issues: ValidationIssue[] = [];

  /** A location in this report. */
  public at(path: string, place: Place = {}): Location {
    return new Location(this.issues, path, place);
  }
}
