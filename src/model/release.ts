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
  /** The parsed JSON: `{ "apps": { "<app>": { "tag": "...", "digest": "sha256:..." } }, "addons": { "<add-on>": { "version": "..." } } }` (`addons` optional). */
  readonly content: unknown;
}

/** Declares an environment's release file from its parsed JSON. */
export function releaseFile(file: string, content: unknown): ReleaseFile {
  return { file, content };
}
