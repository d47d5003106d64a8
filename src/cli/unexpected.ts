import { bundledRun } from '../synth';

/**
 * An unexpected error's stack, for the user to report or debug. From a
 * bundle (scripts/run.cjs), its lines point into the bundle: say how to see
 * TypeScript files and lines instead.
 */
export function describeUnexpected(err: unknown): string {
  const text = (err as Error)?.stack ?? String(err);
  return bundledRun() ? `${text}\n(Stack lines point into the bundle that scripts/run.cjs built. For TypeScript files and lines, run again with PLATFORM_RUN_TSX=1.)` : text;
}
