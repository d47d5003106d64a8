/**
 * Imported first by every entry point that reads or writes the repository
 * (before the platform's modules read the release files): takes the
 * repository's lock, finishes or discards what an interrupted command left,
 * and holds the lock until the command is done. So a command reads its
 * sources after any interrupted write is finished, and nothing changes them
 * while it runs; the command's own holds (runSynth, runCheck, ...) join this
 * one.
 */
import * as path from 'path';
import { Repository, TransactionError } from '../synth';

/** Entry points by file name, as the command that waits for them names them. */
const COMMANDS: Readonly<Record<string, { readonly name: string; readonly readOnly: boolean }>> = {
  'main': { name: 'synth', readOnly: false },
  'promote': { name: 'promote', readOnly: false },
  'codeowners': { name: 'codeowners', readOnly: false },
  'check-all': { name: 'check', readOnly: true },
  'check-drift': { name: 'check:drift', readOnly: true },
  'check': { name: 'check:guardrails', readOnly: true },
};

const at = process.argv.findIndex((arg, i) => i > 0 && /\.[cm]?[jt]s$/.test(arg) && path.basename(arg).replace(/\.[cm]?[jt]s$/, '') in COMMANDS);
const command = at >= 0 ? COMMANDS[path.basename(process.argv[at]).replace(/\.[cm]?[jt]s$/, '')] : { name: path.basename(process.argv[1] ?? 'command'), readOnly: false };
const purpose = [command.name, ...(at >= 0 ? process.argv.slice(at + 1) : [])].join(' ');

let repository: Repository | undefined;
try {
  repository = Repository.open(path.resolve(__dirname, '..', '..'), {
    purpose,
    readOnly: command.readOnly,
    onWait: (message) => console.error(message),
    onNotice: (message) => console.error(message),
  });
} catch (err) {
  if (!(err instanceof TransactionError)) throw err;
  console.error(command.readOnly ? `${err.message}\nThe check did not run.` : err.message);
  process.exit(1);
}
// Released when the work is done (the event loop is empty), or at an explicit exit.
process.once('beforeExit', () => repository?.close());
process.once('exit', () => repository?.close());
