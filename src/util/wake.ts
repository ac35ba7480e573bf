/**
 * A coalescing wake-up: the waiting primitive of the file dispatcher.
 *
 * @module
 */

/**
 * Lets one waiter sleep until something happens (a watch event, a timer, an
 * abort). Notifications are latched and coalesced: a {@linkcode notify} while
 * nobody waits makes the next {@linkcode wait} return at once, and any number
 * of notifications before that count as one.
 *
 * @example
 * ```ts
 * const wake = new Wake();
 * setTimeout(() => wake.notify(), 10);
 * await wake.wait(); // returns after the timer fires
 * ```
 */
export class Wake {
  #pending = false;
  #resolve: (() => void) | undefined;

  /** Wakes the waiter, or the next one when nobody waits. */
  notify(): void {
    const resolve = this.#resolve;
    if (resolve) {
      this.#resolve = undefined;
      resolve();
    } else {
      this.#pending = true;
    }
  }

  /**
   * Resolves at the next notification, or at once when one arrived since the
   * last wait.
   *
   * @throws {Error} when another wait is still pending.
   */
  wait(): Promise<void> {
    if (this.#resolve) {
      throw new Error("Cannot wait: another wait is pending");
    }
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#resolve = resolve);
  }
}
