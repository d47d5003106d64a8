/**
 * A YAML emitter for the JSON our manifests are made of, byte for byte what
 * `yaml`'s `stringify(value, YAML_OPTIONS)` writes, and the one place where
 * the engine does a library's work itself.
 *
 * Why, measured (synthetic 1,000 apps x 3 environments, 20,267 objects,
 * 2-core VM, 2026-12-07): yaml's stringify takes 3.0-3.4 s of CPU for all
 * objects (about 150 us each), this emitter 0.1 s; a whole render (3 runs
 * each) 6.1-6.5 s of CPU with yaml alone, 4.4-4.5 s with this. In
 * `npm run bench -- --sizes 1000`, an object of the re-synth cost 1/1.54 of
 * a plain cdk8s-plus-27 object with yaml alone (CPU 1/1.90), 1/2.67 with
 * this (CPU 1/2.81); issue #16 asks for 1/3 (docs/performance.md).
 *
 * The switch: PLATFORM_YAML=library writes every document with yaml's own
 * stringify (same bytes; `PLATFORM_YAML=library npm run check` proves it on
 * dist/). Tests compare the two on every object of the example and of a
 * synthetic platform and on random documents.
 *
 * Each rule below mirrors one in yaml 2.x's stringify/stringifyString.js,
 * stringifyPair.js and stringifyCollection.js: block style, 2-space indent,
 * sequences indented under their key, no line folding, YAML 1.2 core schema,
 * no anchors. The subset: a non-empty plain object at the top; plain
 * objects, arrays, booleans, safe integers and strings below it. Outside it
 * (null, undefined, other numbers, class instances, control characters,
 * keys that would need quotes, strings yaml would write with keep-chomping
 * or quotes over several lines, strings with a whitespace-only line),
 * fastYaml returns undefined and the caller uses yaml.
 */

/** Which emitter writes rendered YAML: this module, or yaml's stringify (`PLATFORM_YAML=library`). */
export const YAML_EMITTER: 'fast' | 'library' = process.env.PLATFORM_YAML === 'library' ? 'library' : 'fast';


/** Thrown inside the emitter when a value is outside the subset. */
class OutsideSubset extends Error {}
const OUTSIDE = new OutsideSubset('outside the fast YAML subset');

/**
 * Plain scalars that the YAML 1.2 core schema would read as something other
 * than a string (null, bool, int, float); yaml quotes such strings. The same
 * expressions as yaml's `schema/core` tags (checked by a test).
 */
export const CORE_SCHEMA_NON_STRING: readonly RegExp[] = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];

/** Characters yaml always writes double-quoted (stringifyString). */
const CONTROL_CHARACTERS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
/** What a plain scalar may not contain or start/end with (plainString). */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** Lines that a YAML 1.1 reader would take for a directive or document marker (yaml quotes such top-level keys). */
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
/** Block scalars cannot end in a whitespace-only line (blockString). */
const TRAILING_WHITESPACE_LINE = /\n[\t ]+$/;
const BLOCK_END_NEWLINES = /(^|(?<!\n))\n+(?!\n|$)/g;
/** A line of only spaces or tabs. */
const WHITESPACE_LINE = /^[ \t]+$/m;
/** yaml writes a key longer than this as an explicit `? key`. */
const MAX_IMPLICIT_KEY = 1024;

/** The YAML text of `value` (without header), or undefined when it is outside the subset. */
export function fastYaml(value: unknown): string | undefined {
  if (!isPlainObject(value) || Object.keys(value).length === 0) return undefined;
  try {
    return `${blockMap(value, '')}\n`;
  } catch (err) {
    if (err === OUTSIDE) return undefined;
    throw err;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A non-empty map at `indent`; the first line carries no indentation (the caller's position). */
function blockMap(map: Record<string, unknown>, indent: string): string {
  const valueIndent = `${indent}  `;
  let out = '';
  let first = true;
  for (const key of Object.keys(map)) {
    const value = map[key];
    if (value === undefined) throw OUTSIDE;
    out += first ? key : `\n${indent}${key}`;
    first = false;
    checkKey(key);
    if (typeof value === 'object' && value !== null) {
      const collection = node(value, valueIndent);
      // A non-empty collection starts on the next line; an empty one is `{}` / `[]` after the key.
      out += collection === '{}' || collection === '[]' ? `: ${collection}` : `:\n${valueIndent}${collection}`;
    } else {
      out += `: ${scalar(value, valueIndent)}`;
    }
  }
  return out;
}

/** A non-empty sequence at `indent`: `- item` lines. */
function blockSeq(seq: readonly unknown[], indent: string): string {
  const itemIndent = `${indent}  `;
  let out = '';
  for (let i = 0; i < seq.length; i++) {
    if (!(i in seq)) throw OUTSIDE;
    const item = seq[i];
    if (i > 0) out += `\n${indent}`;
    out += `- ${typeof item === 'object' && item !== null ? node(item, itemIndent) : scalar(item, itemIndent)}`;
  }
  return out;
}

/** A collection whose own items are at `indent`. */
function node(value: object, indent: string): string {
  if (Array.isArray(value)) return value.length === 0 ? '[]' : blockSeq(value, indent);
  if (!isPlainObject(value)) throw OUTSIDE;
  return Object.keys(value).length === 0 ? '{}' : blockMap(value, indent);
}

/** Keys already known to be written plain (keys repeat across objects: field names, label keys). Bounded. */
const PLAIN_KEYS = new Set<string>();
const MAX_PLAIN_KEYS = 10_000;

/** Keys are written plain, or not by this emitter. */
function checkKey(key: string): void {
  if (PLAIN_KEYS.has(key)) return;
  if (
    key.length > MAX_IMPLICIT_KEY
    || key.includes('\n')
    || CONTROL_CHARACTERS.test(key)
    || NOT_PLAIN.test(key)
    || DOCUMENT_MARKER.test(key)
    || isCoreNonString(key)
  ) {
    throw OUTSIDE;
  }
  if (PLAIN_KEYS.size < MAX_PLAIN_KEYS) PLAIN_KEYS.add(key);
}

function isCoreNonString(text: string): boolean {
  for (const re of CORE_SCHEMA_NON_STRING) if (re.test(text)) return true;
  return false;
}

/** A scalar value (not a key) whose block content, if any, is at `indent`. */
function scalar(value: unknown, indent: string): string {
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) throw OUTSIDE;
      return String(value);
    case 'string':
      return stringScalar(value, indent);
    default:
      throw OUTSIDE;
  }
}

/**
 * Most strings in a manifest (names, label values, images, enum values) are
 * letters, digits and `._/-`, starting with a letter. None of the rules
 * below can quote or block such a string, except the core schema's null and
 * bool words (the other non-string scalars start with a digit, a sign, a dot
 * or `~`): one test instead of a dozen.
 */
const SIMPLE_SCALAR = /^[A-Za-z][A-Za-z0-9._/-]*$/;
/** The strings {@link SIMPLE_SCALAR} admits that {@link CORE_SCHEMA_NON_STRING} matches (checked by a test). */
export const SIMPLE_CORE_WORDS: ReadonlySet<string> = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE']);

function stringScalar(value: string, indent: string): string {
  if (SIMPLE_SCALAR.test(value)) return SIMPLE_CORE_WORDS.has(value) ? quoted(value) : value;
  if (CONTROL_CHARACTERS.test(value)) throw OUTSIDE;
  const multiLine = value.includes('\n');
  // A multi-line string with a whitespace-only line: yaml.ts writes those (double-quoted, unlike yaml).
  if (multiLine && WHITESPACE_LINE.test(value)) throw OUTSIDE;
  if (NOT_PLAIN.test(value)) return multiLine ? blockLiteral(value, indent) : quoted(value);
  // (A value is never at the top level, so yaml does not treat document markers specially here.)
  if (multiLine) return blockLiteral(value, indent);
  return isCoreNonString(value) ? quoted(value) : value;
}

/** A single-line string yaml quotes: single quotes when it holds `"` and no `'`, else JSON's double quotes. */
function quoted(value: string): string {
  if (value.includes('"') && !value.includes('\'')) return `'${value}'`;
  return JSON.stringify(value);
}

/** A multi-line string as a literal block scalar (`|`, `|-`, `|2`...), as yaml's blockString writes it. */
function blockLiteral(text: string, indent: string): string {
  // yaml quotes such a string over several lines: not in the subset.
  if (TRAILING_WHITESPACE_LINE.test(text)) throw OUTSIDE;
  let value = text;
  // Chomping, from the whitespace at the end.
  let endStart = value.length;
  while (endStart > 0) {
    const ch = value[endStart - 1];
    if (ch !== '\n' && ch !== '\t' && ch !== ' ') break;
    endStart--;
  }
  let end = value.substring(endStart);
  const endNlPos = end.indexOf('\n');
  let chomp: string;
  if (endNlPos === -1) {
    chomp = '-';
  } else if (value === end || endNlPos !== end.length - 1) {
    // Keep-chomping (`|+`) changes how yaml writes what follows: not in the subset.
    throw OUTSIDE;
  } else {
    chomp = '';
  }
  if (end) {
    value = value.slice(0, -end.length);
    if (end[end.length - 1] === '\n') end = end.slice(0, -1);
    end = end.replace(BLOCK_END_NEWLINES, `$&${indent}`);
  }
  // Indentation indicator, from the whitespace at the start.
  let startWithSpace = false;
  let startEnd = 0;
  let startNlPos = -1;
  for (; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === ' ') startWithSpace = true;
    else if (ch === '\n') startNlPos = startEnd;
    else break;
  }
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  const header = (startWithSpace ? '2' : '') + chomp;
  return `|${header}\n${indent}${start}${value.replace(/\n+/g, `$&${indent}`)}${end}`;
}
