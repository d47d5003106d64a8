/**
 * An unexpected error's stack, for the user to report or debug. Under tsx
 * (every task), its lines name TypeScript files and lines.
 */
export function describeUnexpected(err: unknown): string {
  return (err as Error)?.stack ?? String(err);
}
