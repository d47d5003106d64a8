import { parseArgs } from 'util';

/** A command line that cannot be run; the message says why. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A command's flags: `--name value` (or `--name=value`) for a string, `--name` for a boolean; `multiple` lets a string repeat. */
export type Flags = Readonly<Record<string, { readonly type: 'string' | 'boolean'; readonly multiple?: boolean }>>;

/** The values parsed for {@link Flags}: a string (every one given, for `multiple`) or a boolean per flag given. */
export type FlagValues<F extends Flags> = {
  readonly [K in keyof F]?: F[K]['type'] extends 'string' ? (F[K] extends { readonly multiple: true } ? string[] : string) : boolean
};

/**
 * Parses a command line with `node:util`'s `parseArgs`, and says what is wrong
 * with it the way our commands say it: `unknown argument "--verbos"`,
 * `--base needs a value`, `--exit-code takes no value (received "1")`.
 * Positional arguments are refused unless `positionals` is set.
 */
export function parseFlags<F extends Flags>(
  argv: readonly string[], flags: F, options: { readonly positionals?: boolean } = {},
): { readonly values: FlagValues<F>; readonly positionals: readonly string[] } {
  // Not strict: every token is checked below, so that each problem gets our message.
  const { values, positionals, tokens } = parseArgs({ args: [...argv], options: flags, strict: false, allowPositionals: true, tokens: true });
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind === 'option' && !flags[token.name]?.multiple) {
      if (seen.has(token.name)) throw new UsageError(`${token.rawName} is given twice`);
      seen.add(token.name);
    }
    if (token.kind === 'positional' && !options.positionals) throw new UsageError(`unknown argument ${JSON.stringify(token.value)}`);
    if (token.kind !== 'option') continue;
    const flag = Object.prototype.hasOwnProperty.call(flags, token.name) ? flags[token.name] : undefined;
    if (!flag) throw new UsageError(`unknown argument ${JSON.stringify(argv[token.index])}`);
    if (flag.type === 'boolean' && token.value !== undefined) throw new UsageError(`${token.rawName} takes no value (received ${JSON.stringify(token.value)})`);
    if (flag.type === 'string' && (!token.value || (!token.inlineValue && token.value.startsWith('--')))) throw new UsageError(`${token.rawName} needs a value`);
  }
  return { values: values as FlagValues<F>, positionals };
}
