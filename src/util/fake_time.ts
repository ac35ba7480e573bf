/**
 * A fake {@linkcode TimerClock} for tests, in the spirit of std's `FakeTime`:
 * time stands still until the test advances it, and timers fire in a
 * deterministic order. Nothing global is patched; pass the fake to the code
 * under test through its `clock` option.
 *
 * @module
 */

import type { TimerClock, TimerId } from "./clock.ts";

interface PendingTimer {
  readonly id: TimerId;
  readonly due: number;
  readonly callback: () => void;
}

/** Options of {@linkcode FakeTime}. */
export interface FakeTimeOptions {
  /**
   * Wall-clock start, as a date, an RFC 3339 string or epoch milliseconds.
   *
   * @default {"2026-02-17T10:00:00Z"}
   */
  readonly start?: Date | string | number;
}

/**
 * Controlled time: {@linkcode now} and {@linkcode monotonic} move only through
 * {@linkcode tick} and {@linkcode tickAsync}; timers due by then fire ordered by
 * due time, then by the order they were set (a timer set by a firing timer
 * fires in the same tick when it falls due within it).
 *
 * @example
 * ```ts
 * import { FakeTime } from "./fake_time.ts";
 * import { delay } from "./clock.ts";
 *
 * const time = new FakeTime();
 * let done = false;
 * delay(1_000, { clock: time }).then(() => done = true);
 * await time.tickAsync(999);
 * console.assert(!done);
 * await time.tickAsync(1);
 * console.assert(done);
 * ```
 */
export class FakeTime implements TimerClock {
  readonly #startWall: number;
  #elapsed = 0;
  #nextId = 1;
  #timers: PendingTimer[] = [];

  /** Starts the fake at `options.start`. */
  constructor(options: FakeTimeOptions = {}) {
    const start = new Date(options.start ?? "2026-02-17T10:00:00Z").getTime();
    if (Number.isNaN(start)) {
      throw new RangeError(
        `Cannot start fake time at "${options.start}": expected a valid date`,
      );
    }
    this.#startWall = start;
  }

  /** The fake wall-clock time. */
  now(): Date {
    return new Date(this.#startWall + this.#elapsed);
  }

  /** Milliseconds elapsed since the fake started. */
  monotonic(): number {
    return this.#elapsed;
  }

  /** Schedules `callback` at `ms` from the current fake time. */
  setTimeout(callback: () => void, ms: number): TimerId {
    const id = this.#nextId++;
    const due = this.#elapsed + Math.max(Number.isFinite(ms) ? ms : 0, 0);
    this.#timers.push({ id, due, callback });
    return id;
  }

  /** Cancels a pending timer; unknown ids are ignored. */
  clearTimeout(id: TimerId | undefined): void {
    this.#timers = this.#timers.filter((timer) => timer.id !== id);
  }

  /** How many timers are waiting to fire. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Fake milliseconds until the next timer, or `undefined` when none. */
  get nextTimerIn(): number | undefined {
    const next = this.#peek();
    return next === undefined ? undefined : next.due - this.#elapsed;
  }

  /**
   * Advances time by `ms` synchronously, firing due timers in order. Promise
   * callbacks they trigger run only after this returns; use
   * {@linkcode tickAsync} when the code under test awaits between timers.
   */
  tick(ms: number): void {
    const target = this.#target(ms);
    for (let next = this.#peek(); next && next.due <= target;) {
      this.#fire(next);
      next = this.#peek();
    }
    this.#elapsed = target;
  }

  /**
   * Advances time by `ms`, firing due timers in order and running pending
   * microtasks and one real event-loop turn before and after each, so code
   * that awaits between timers (promise chains, completed I/O callbacks) sees
   * each timer in sequence.
   */
  async tickAsync(ms: number): Promise<void> {
    const target = this.#target(ms);
    await this.runMicrotasks();
    for (let next = this.#peek(); next && next.due <= target;) {
      this.#fire(next);
      await this.runMicrotasks();
      next = this.#peek();
    }
    this.#elapsed = target;
  }

  /**
   * Lets every queued microtask run by yielding one real event-loop turn
   * (a real zero-delay timer). Does not advance fake time.
   */
  runMicrotasks(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, 0));
  }

  #target(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(
        `Cannot advance fake time by ${ms} ms: expected a finite number >= 0`,
      );
    }
    return this.#elapsed + ms;
  }

  #peek(): PendingTimer | undefined {
    let first: PendingTimer | undefined;
    for (const timer of this.#timers) {
      if (!first || timer.due < first.due) first = timer;
    }
    return first;
  }

  #fire(timer: PendingTimer): void {
    this.#timers = this.#timers.filter((t) => t !== timer);
    this.#elapsed = Math.max(this.#elapsed, timer.due);
    timer.callback();
  }
}
