/** Telling a key lookup's promise (or any thenable) from the entry itself. Internal: not exported from the package. */

/** Whether a value is a promise or any other thenable, to be awaited rather than used as it is. */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null &&
    typeof (value as { then?: unknown }).then === 'function';
}

/** Applies `next` to a value or, once it settles, to a promise of it (synchronous steps stay synchronous). */
export function andThen<T, U>(value: T | PromiseLike<T>, next: (settled: T) => U | Promise<U>): U | Promise<U> {
  return isPromiseLike(value) ? Promise.resolve(value).then(next) : next(value);
}
