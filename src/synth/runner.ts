/**
 * What scripts/run.cjs tells a program it runs from a bundle, on `globalThis`
 * under {@link RUNNER}.
 */
export interface BundledRun {
  /** The runner itself: a worker thread asks it for its own bundle (`bundleModules`). */
  readonly file: string;
  /** SHA-256 of every file the program's bundle was built from, by absolute path. */
  readonly hashes: Readonly<Record<string, string>>;
}

const RUNNER = Symbol.for('platform-definition/run');

/** How scripts/run.cjs started this program; undefined when it runs from source (tsx, jest). */
export function bundledRun(): BundledRun | undefined {
  return (globalThis as Record<symbol, BundledRun | undefined>)[RUNNER];
}
