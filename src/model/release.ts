/** Which version of one app runs in an environment. */
export interface ReleaseEntry {
  /** Image tag, e.g. `2.14.0`. Never `latest`. */
  readonly tag: string;
  /** Image digest, `sha256:<64 hex>`. Required in production. */
  readonly digest?: string;
}

/** Which version of one add-on's chart runs in an environment. */
export interface AddonReleaseEntry {
  /** The exact chart version, e.g. `9.2.4`. */
  readonly version: string;
}

/**
 * A version found bad, with why: `promote` refuses to ship it to any
 * environment (and `--all` lists it), while what runs keeps rendering until a
 * person changes it. Matched by digest when both have one, else by tag.
 */
export interface BadVersion {
  /** Image tag. */
  readonly tag: string;
  /** Image digest, when known. @default - any image with this tag */
  readonly digest?: string;
  /** What was found, for whoever tries to promote it next (an incident id helps). */
  readonly reason: string;
}

/**
 * An environment's release state: one small machine-editable JSON file per
 * environment (`environments/releases/<env>.json`), so that a person, a CI job
 * or a bot can change which version runs without editing code, and rolling
 * back is reverting that change.
 *
 * The content is kept as parsed and checked when the platform resolves, so that
 * a malformed file is reported with every other problem, naming the file.
 */
export interface ReleaseFile {
  /** The path of the file, quoted in errors, e.g. `environments/releases/prod.json`. */
  readonly file: string;
  /**
   * The parsed JSON: `{ "apps": { "<app>": { "tag": "...", "digest": "sha256:..." } } }`, and optionally
   * `"addons": { "<add-on>": { "version": "..." } }` and
   * `"bad": { "<app>": [{ "tag": "...", "digest": "sha256:...", "reason": "..." }] }` (see {@link BadVersion}).
   */
  readonly content: unknown;
}

/** Declares an environment's release file from its parsed JSON. */
export function releaseFile(file: string, content: unknown): ReleaseFile {
  return { file, content };
}
