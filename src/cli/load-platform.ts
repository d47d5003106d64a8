import * as fs from 'fs';
import * as path from 'path';
import type { AppExtension } from '../k8s';
// A value import: the model (the factories declarations call) is loaded before any declaration, so its frames are never taken for the user's.
import { DeclaredIn, PlatformSpec, describeValue } from '../model';
import { declaredInModules } from './declared-in';
import type { Console } from './synth';

/** What a platform module exports: the declaration and its escape hatches. */
export interface LoadedPlatform {
  readonly platform: PlatformSpec;
  /** Escape hatches by app name. @default {} */
  readonly extensions: Readonly<Record<string, AppExtension>>;
  /** Which file declares each app, team and environment, as loaded: problems name it. */
  readonly declaredIn: DeclaredIn;
}

/** The declaration could not be loaded; the message names the user's file and line and says what failed. */
export class PlatformLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlatformLoadError';
  }
}

/**
 * Loads the module that declares the platform (`src/platform.ts`, with the
 * apps, teams and environments it imports). Anything thrown while those
 * modules are evaluated (a misspelt factory, a missing file, a syntax error)
 * becomes a {@link PlatformLoadError} that names the user's file and line,
 * not a stack into node_modules.
 */
export function loadPlatform(modulePath: string): LoadedPlatform {
  // Modules loaded before the declaration are the engine's and the libraries': never the user's line.
  const loadedBefore = new Set(Object.keys(require.cache));
  let exports: Record<string, unknown>;
  try {
    // A require at run time, not an import: what the declaration throws while it loads is caught here.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exports = require(modulePath) as Record<string, unknown>;
  } catch (err) {
    throw new PlatformLoadError(`The platform declaration could not be loaded:\n${describeLoadFailure(err, modulePath, loadedBefore)}`);
  }
  const where = relative(modulePath);
  if (!isObject(exports.platform)) {
    throw new PlatformLoadError(`${where} must export the platform: export const platform: PlatformSpec = { ... } (received ${describeValue(exports.platform)})`);
  }
  const extensions = exports.extensions ?? {};
  if (!isObject(extensions)) {
    throw new PlatformLoadError(`${where}: extensions must be an object of escape hatches by app name (received ${describeValue(extensions)})`);
  }
  // The project is the directory above the declaring module's (src/platform.ts): files are named relative to it.
  const root = path.dirname(path.dirname(path.resolve(modulePath)));
  const modules = Object.values(require.cache).filter((m): m is NodeJS.Module => m !== undefined && !loadedBefore.has(m.filename));
  return {
    platform: exports.platform as unknown as PlatformSpec,
    extensions: extensions as Record<string, AppExtension>,
    declaredIn: declaredInModules(root, modules),
  };
}

/**
 * {@link loadPlatform} for an entry point: on failure, prints the message
 * (and `then`, e.g. "Nothing was written"), sets `process.exitCode` and
 * returns undefined.
 */
export function loadPlatformOrReport(
  modulePath: string,
  options: { readonly then?: string; readonly exitCode?: number; readonly out?: Console } = {},
): LoadedPlatform | undefined {
  try {
    return loadPlatform(modulePath);
  } catch (err) {
    if (!(err instanceof PlatformLoadError)) throw err;
    const out = options.out ?? console;
    out.error(err.message);
    if (options.then) out.error(options.then);
    process.exitCode = options.exitCode ?? 1;
    return undefined;
  }
}

/**
 * What failed while the declaration loaded, at the user's file and line: a
 * relative import of a file that does not exist, a syntax error, or a throw
 * (with the line of code). `loadedBefore`: files that are not the user's.
 */
export function describeLoadFailure(err: unknown, modulePath: string, loadedBefore: ReadonlySet<string> = new Set()): string {
  const e = err as (Error & { code?: string; requireStack?: string[] }) | undefined;
  if (e?.code === 'MODULE_NOT_FOUND' && Array.isArray(e.requireStack) && e.requireStack.length > 0) {
    const missing = /Cannot find module '([^']+)'/.exec(e.message)?.[1];
    if (missing) return missingImport(missing, e.requireStack[0]);
  }
  const json = brokenJson(e, loadedBefore);
  if (json) return json;
  // A syntax error, as tsx's esbuild transform reports it: "<file>:<line>:<column>: ERROR: <text>".
  const syntax = [...String(e?.message ?? '').matchAll(/^(.+?):(\d+):(\d+): ERROR: (.*)$/gm)];
  if (syntax.length > 0) {
    return syntax.map(([, file, line, column, text]) => at(file, Number(line), Number(column), `syntax error: ${text}`)).join('\n');
  }
  const text = e instanceof Error ? `${e.name}: ${readable(e.message)}` : `threw ${String(err)}`;
  const frame = userFrame(e instanceof Error ? e.stack : undefined, loadedBefore);
  if (!frame) return `  ${relative(modulePath)}: ${text}`;
  return at(frame.file, frame.line, frame.column, text);
}

/**
 * A JSON file (a release file) that does not parse, as Node's loader reports
 * it: "<file>: <what was expected> in JSON at position <n>". Said at the
 * file's line and column, with the module that imports it; and with it every
 * other JSON file of that directory that does not parse either (the other
 * release files), so that one run reports them all.
 */
function brokenJson(e: Error | undefined, loadedBefore: ReadonlySet<string>): string | undefined {
  if (!(e instanceof SyntaxError)) return undefined;
  const parsed = /^(\/.+?\.json): ([\s\S]*)$/.exec(e.message);
  if (!parsed) return undefined;
  const [, file, detail] = parsed;
  const importer = userFrame(e.stack, loadedBefore)?.file;
  const text = readJson(file);
  if (text === undefined) return undefined;
  const first = jsonProblem(file, text, detail, importer);
  const others = siblingsOf(file).flatMap((other) => {
    const content = readJson(other);
    if (content === undefined) return [];
    try {
      JSON.parse(content);
      return [];
    } catch (err) {
      return [jsonProblem(other, content, (err as Error).message, undefined)];
    }
  });
  return [first, ...others].join('\n');
}

/** A JSON file's text without its byte-order mark, or undefined when it cannot be read. */
function readJson(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

/** The other `*.json` files of the directory, in name order. */
function siblingsOf(file: string): string[] {
  try {
    return fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith('.json')).sort()
      .map((f) => path.join(path.dirname(file), f)).filter((f) => f !== file);
  } catch {
    return [];
  }
}

/** One JSON file's parse error ("<what was expected> in JSON at position <n>") at its line and column, with the fix. */
function jsonProblem(file: string, text: string, detail: string, importer: string | undefined): string {
  const position = /at position (\d+)/.exec(detail);
  let offset = position ? Number(position[1]) : text.length;
  // A missing comma or brace is missing after the value before: point there, not at the next line.
  if (/^Expected ',' /.test(detail)) while (offset > 0 && /\s/.test(text[offset - 1])) offset--;
  const before = text.slice(0, offset).split('\n');
  const what = detail.replace(/ in JSON at position \d+.*$/s, '').replace(/ \(line \d+ column \d+\)$/, '');
  const by = importer && importer !== file ? ` (it is imported by ${relative(importer)})` : '';
  return `${at(file, before.length, before[before.length - 1].length + 1, `invalid JSON: ${what}`)}\n    fix: correct ${relative(file)}${by}: `
    + 'property names and strings in double quotes, a comma between entries and none after the last';
}

/** `  file:line:column: text`, then the line of code with a caret under the column. */
function at(file: string, line: number, column: number, text: string): string {
  const out = [`  ${relative(file)}:${line}:${column}: ${text}`];
  const code = sourceLine(file, line);
  if (code !== undefined) {
    const gutter = String(line).padStart(6);
    out.push(`${gutter} | ${code}`, `${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, column - 1))}^`);
  }
  return out.join('\n');
}

function missingImport(request: string, importer: string): string {
  const line = lineOf(importer, request);
  const where = `${relative(importer)}${line ? `:${line}` : ''}`;
  if (request.startsWith('.')) {
    const wanted = relative(path.resolve(path.dirname(importer), request));
    return `  ${where}: imports "${request}", which does not exist\n    fix: create ${wanted}.ts, or correct the import in ${relative(importer)}`;
  }
  return `  ${where}: imports "${request}", which is not installed\n    fix: add it to the project's dependencies (.projenrc.ts), or correct the import in ${relative(importer)}`;
}

/** The first stack frame in a file of the user's: not a library's, not one loaded before the declaration. */
function userFrame(stack: string | undefined, loadedBefore: ReadonlySet<string>): { file: string; line: number; column: number } | undefined {
  const frames = [...(stack ?? '').matchAll(/^\s+at (?:.*? \()?(?:file:\/\/)?(\/[^():]+):(\d+):(\d+)\)?$/gm)]
    .map(([, file, line, column]) => ({ file, line: Number(line), column: Number(column) }))
    .filter((f) => !f.file.split(path.sep).includes('node_modules'));
  return frames.find((f) => !loadedBefore.has(f.file)) ?? frames[0];
}

/** esbuild names an imported module's binding `import_<module>`: `Workload.servce` reads better than `import_model.Workload.servce`. */
function readable(message: string): string {
  return message.replace(/\bimport_[A-Za-z0-9_$]+\./g, '');
}

function sourceLine(file: string, line: number): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').split('\n')[line - 1]?.replace(/\s+$/, '');
  } catch {
    return undefined;
  }
}

/** The line of `file` that imports `request`, if one plainly does. */
function lineOf(file: string, request: string): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const index = text.split('\n').findIndex((l) => l.includes(`'${request}'`) || l.includes(`"${request}"`));
  return index < 0 ? undefined : index + 1;
}

function relative(file: string): string {
  return path.relative(process.cwd(), file) || file;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
