import * as path from 'path';
import { appSourcesIn, renderCodeOwners } from '../delivery/codeowners';
import { DeclaredIn, PlatformSpec, PlatformValidationError, resolvePlatform } from '../model';
import { Repository, TransactionError } from '../synth';
import type { Console } from './synth';

/** Where CODEOWNERS lives, relative to the repository root. */
export const CODEOWNERS_FILE = '.github/CODEOWNERS';

export interface CodeOwnersOptions {
  readonly platform: PlatformSpec;
  /** The repository root. */
  readonly root: string;
  /** Which file declares each part, named in problems. @default - each one's sourceFile */
  readonly declaredIn?: DeclaredIn;
}

/**
 * `npm run codeowners`: writes .github/CODEOWNERS from the model, in a
 * transaction under the repository's lock (like every command that writes).
 * Returns the exit code.
 */
export function runCodeOwners(options: CodeOwnersOptions, out: Console = console): number {
  let content: string;
  try {
    content = renderCodeOwners(resolvePlatform(options.platform, { declaredIn: options.declaredIn }), { appSource: appSourcesIn(options.root) });
  } catch (err) {
    if (!(err instanceof PlatformValidationError)) throw err;
    out.error(`${err.message}\nNothing was written.`);
    return 1;
  }
  const shown = path.relative(process.cwd(), path.join(options.root, CODEOWNERS_FILE)) || CODEOWNERS_FILE;
  try {
    const repository = Repository.open(options.root, { purpose: 'codeowners', onWait: (m) => out.error(m), onNotice: (m) => out.error(m) });
    try {
      const { filesWritten } = repository.write({ files: new Map([[CODEOWNERS_FILE, content]]) });
      out.log(filesWritten.length > 0 ? `Wrote ${shown}` : `${shown} is up to date`);
    } finally {
      repository.close();
    }
  } catch (err) {
    if (!(err instanceof TransactionError)) throw err;
    out.error(err.message);
    return 1;
  }
  return 0;
}
