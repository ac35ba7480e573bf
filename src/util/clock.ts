/**
 * The clock-and-timer seam: code that reads the time or waits takes a
 * {@linkcode Clock} (wall time) or a {@linkcode TimerClock} (wall time,
 * monotonic time and timers) so tests can control both. Production code never
 * calls `setTimeout`, `Date.now()` or `performance.now()` directly; tests pass
 * a `FakeTime` (`src/util/fake_time.ts`) and advance it instead of sleeping.
 *
 * @example Waiting through the seam
 * ```ts
 * import { delay, systemClock } from "./clock.ts";
 *
 * const started = systemClock.monotonic();
 * await delay(1, { clock: systemClock });
 * if (systemClock.monotonic() < started) throw new Error("went backwards");
 * ```
 *
 * @module
 */

/** A source of the current wall-clock time. */
export interface Clock {
  /** Current wall-clock time. */
  now(): Date;
}

/** An opaque handle returned by {@linkcode Timers.setTimeout}. */
export type TimerId = number;

/** Monotonic time and one-shot timers. */
export interface Timers {
  /**
   * Milliseconds on a monotonic scale (never goes backwards, unaffected by
   * wall-clock changes); only differences are meaningful.
   */
  monotonic(): number;
  /** Calls `callback` once after `ms` milliseconds (negative counts as 0). */
  setTimeout(callback: () => void, ms: number): TimerId;
  /** Cancels a timer; an unknown, fired or `undefined` id is ignored. */
  clearTimeout(id: TimerId | undefined): void;
}

/** Wall time, monotonic time and timers: what a waiting component takes. */
export interface TimerClock extends Clock, Timers {}

/** Longest delay the runtime's `setTimeout` accepts (about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The system clock and timers (real time). */
export const systemClock: TimerClock = {
  now: () => new Date(),
  monotonic: () => performance.now(),
  // Number(): the runtime's id is a number; the type may say `Timeout`.
  setTimeout: (callback, ms) =>
    Number(setTimeout(callback, Math.min(Math.max(ms, 0), MAX_TIMER_MS))),
  clearTimeout: (id) => clearTimeout(id),
};

/** Options of {@linkcode delay}. */
export interface DelayOptions {
  /** Rejects the wait with the signal's reason when aborted. */
  readonly signal?: AbortSignal;
  /**
   * Timers to wait on.
   *
   * @default {systemClock}
   */
  readonly clock?: Timers;
}

/**
 * Resolves after `ms` milliseconds on `options.clock`, or rejects with the
 * abort reason as soon as `options.signal` aborts (at once when it already
 * has). The timer is cleared on abort, so nothing is left pending.
 *
 * @example
 * ```ts
 * import { delay } from "./clock.ts";
 *
 * const controller = new AbortController();
 * const wait = delay(60_000, { signal: controller.signal });
 * controller.abort(new Error("Stopped"));
 * await wait.catch((error) => console.assert(error.message === "Stopped"));
 * ```
 */
export function delay(ms: number, options: DelayOptions = {}): Promise<void> {
  const { signal, clock = systemClock } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clock.clearTimeout(id);
      reject(signal!.reason);
    };
    const id = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

let lastSecond = Number.NaN;
let lastText = "";

/** Formats a date as UTC RFC 3339 with whole seconds (`2026-02-17T10:00:00Z`). */
export function formatTimestamp(date: Date): string {
  // Runs stamp many records within one second: format each second once.
  const second = Math.floor(date.getTime() / 1000);
  if (second !== lastSecond) {
    lastText = date.toISOString().replace(/\.\d{3}Z$/, "Z");
    lastSecond = second;
  }
  return lastText;
}
