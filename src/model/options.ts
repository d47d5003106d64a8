/**
 * A factory's required options object, or a TypeError thrown where the
 * declaration calls it (the loader names that file and line): every other
 * problem of the options is reported with the rest when the platform resolves.
 */
export function optionsObject<T>(factory: string, options: T, example: string): T {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${factory}() takes an options object, e.g. ${factory}(${example}) (received ${options === null ? 'null' : Array.isArray(options) ? 'a list' : typeof options})`);
  }
  return options;
}
