/** The part of `fs-native-extensions` we use (the package ships no types). */
declare module 'fs-native-extensions' {
  /** Takes an exclusive (or, with `shared`, a shared) lock on an open file without waiting: false when another holds it. */
  export function tryLock(fd: number, offset?: number, length?: number, options?: { readonly shared?: boolean }): boolean;
  /** Releases a lock taken on `fd`. */
  export function unlock(fd: number, offset?: number, length?: number): void;
}
