/**
 * Test waits with a deadline: a wait that never ends fails the test with a
 * message naming what it waited for, instead of hanging the suite. Waits on
 * the code under test use fake time (`src/util/fake_time.ts`) or its events;
 * these helpers bound them in real time.
 *
 * @module
 */

/** Real-time deadline of a test wait unless told otherwise, in ms. */
export const DEFAULT_DEADLINE_MS = 10_000;

/** Options of {@linkcode waitFor}. */
export interface WaitForOptions {
  /**
   * Real milliseconds after which the wait fails.
   *
   * @default {DEFAULT_DEADLINE_MS}
   */
  readonly deadlineMs?: number;
  /**
   * Real milliseconds between two probes; 0 yields one event-loop turn
   * (enough for work inside the test's process). Use more for files written
   * by another process.
   *
   * @default {0}
   */
  readonly intervalMs?: number;
}

/**
 * Resolves with what `wait` resolves with, or rejects with
 * `Gave up waiting until <what> after <ms> ms` once `deadlineMs` of real time
 * passed. A function is called at once; its promise is bounded.
 *
 * @example
 * ```ts
 * const event = await withDeadline(queue.next(), "the next event");
 * ```
 */
export function withDeadline<T>(
  wait: Promise<T> | (() => Promise<T>),
  what: string,
  deadlineMs: number = DEFAULT_DEADLINE_MS,
): Promise<T> {
  const promise = typeof wait === "function" ? wait() : wait;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(`Gave up waiting until ${what} after ${deadlineMs} ms`),
        ),
      deadlineMs,
    );
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** `T` without its falsy values. */
export type Truthy<T> = Exclude<T, false | 0 | "" | null | undefined>;

/**
 * Probes `condition` until it returns a truthy value and resolves with it;
 * rejects with `Gave up waiting until <what> after <ms> ms` (and the last
 * probe's error, if it threw) once the deadline passed.
 *
 * @example
 * ```ts
 * const pid = await waitFor(() => pidFrom(stderr()), "the responder starts");
 * ```
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  what: string,
  options: WaitForOptions = {},
): Promise<Truthy<T>> {
  const { deadlineMs = DEFAULT_DEADLINE_MS, intervalMs = 0 } = options;
  const giveUpAt = performance.now() + deadlineMs;
  while (true) {
    const value = await condition();
    if (value) return value as Truthy<T>;
    if (performance.now() >= giveUpAt) {
      throw new Error(`Gave up waiting until ${what} after ${deadlineMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
