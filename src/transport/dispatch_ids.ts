/**
 * A source of unique, increasing dispatch ids.
 *
 * @module
 */

/** Options of {@linkcode DispatchIds}. */
export interface DispatchIdsOptions {
  /**
   * The first id handed out. The default, the current time in microseconds
   * (whole milliseconds × 1000), keeps ids unique across runs too, so an agent
   * that remembers the `(signal path, dispatch_id)` pairs it has answered never
   * mistakes a new run's dispatch for an old one. It stays far below 2^53.
   *
   * @default {Date.now() * 1000}
   */
  readonly first?: number;
}

/**
 * Hands out dispatch ids `first`, `first + 1`, … . Share one instance between
 * dispatchers (and concurrent dispatches) so their ids never collide — unlike
 * the Go version, where each batch slot started again at 1 (reference §12
 * items 4 and 18).
 *
 * @example
 * ```ts
 * const ids = new DispatchIds({ first: 1 });
 * ids.next(); // 1
 * ids.next(); // 2
 * ```
 */
export class DispatchIds {
  #next: number;

  /**
   * Creates an id source.
   *
   * @throws {RangeError} when `first` is not a safe non-negative integer.
   */
  constructor(options: DispatchIdsOptions = {}) {
    const first = options.first ?? Date.now() * 1000;
    if (!Number.isSafeInteger(first) || first < 0) {
      throw new RangeError(
        `Cannot create dispatch ids starting at ${first}: expected a safe non-negative integer`,
      );
    }
    this.#next = first;
  }

  /**
   * Returns the next id.
   *
   * @throws {RangeError} when the ids would exceed `Number.MAX_SAFE_INTEGER`.
   */
  next(): number {
    const id = this.#next;
    if (id > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(
        `Cannot hand out dispatch id ${id}: expected at most ${Number.MAX_SAFE_INTEGER}`,
      );
    }
    this.#next = id + 1;
    return id;
  }
}
