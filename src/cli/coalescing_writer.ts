/**
 * A text writer that gathers small writes into few large ones: a run of
 * 10,000 cases prints 10,000 progress lines, and on a pipe each `writeSync`
 * is a system call. Text is held at most `maxDelayMs` (checked at each write,
 * and by a timer while the program waits) and at most `maxBytes`; `flush()`
 * writes the rest at once.
 *
 * @module
 */
import { systemClock, type TimerId, type Timers } from "../util/clock.ts";

/** Options of {@linkcode CoalescingWriter}. */
export interface CoalescingWriterOptions {
  /**
   * Longest time text is held before it is written, in ms.
   *
   * @default {25}
   */
  readonly maxDelayMs?: number;
  /**
   * Held text (in UTF-16 code units) that makes a write happen at once.
   *
   * @default {16_384}
   */
  readonly maxBytes?: number;
  /**
   * Monotonic time and the timer that writes held text while the program
   * waits.
   *
   * @default {systemClock}
   */
  readonly clock?: Timers;
}

/**
 * Gathers text for `write`, a function that writes it all (such as a
 * `writeSync` loop on standard error).
 *
 * @example Usage
 * ```ts
 * import { CoalescingWriter } from "./coalescing_writer.ts";
 * import assert from "node:assert/strict";
 *
 * const written: string[] = [];
 * const writer = new CoalescingWriter((text) => written.push(text));
 * writer.write("a\n");
 * writer.write("b\n");
 * writer.flush();
 * assert.deepEqual(written, ["a\nb\n"]);
 * ```
 */
export class CoalescingWriter {
  readonly #write: (text: string) => void;
  readonly #clock: Timers;
  readonly #maxDelayMs: number;
  readonly #maxBytes: number;
  #held: string[] = [];
  #heldSize = 0;
  /** When the oldest held text arrived. */
  #since = 0;
  #timer: TimerId | undefined;

  /**
   * Creates a writer in front of `write`.
   *
   * @throws {RangeError} when `maxDelayMs` or `maxBytes` is negative or not
   * a number.
   */
  constructor(
    write: (text: string) => void,
    options: CoalescingWriterOptions = {},
  ) {
    const maxDelayMs = options.maxDelayMs ?? 25;
    const maxBytes = options.maxBytes ?? 16_384;
    for (
      const [name, value] of [["maxDelayMs", maxDelayMs], [
        "maxBytes",
        maxBytes,
      ]] as const
    ) {
      if (!Number.isFinite(value) || value < 0) {
        throw new RangeError(
          `Cannot create a coalescing writer with ${name} = ${value}: expected a finite number ≥ 0`,
        );
      }
    }
    this.#write = write;
    this.#clock = options.clock ?? systemClock;
    this.#maxDelayMs = maxDelayMs;
    this.#maxBytes = maxBytes;
  }

  /** Holds `text`, or writes it with what is held when it is time. */
  write(text: string): void {
    if (text === "") return;
    const now = this.#clock.monotonic();
    if (this.#held.length === 0) this.#since = now;
    this.#held.push(text);
    this.#heldSize += text.length;
    if (
      this.#heldSize >= this.#maxBytes || now - this.#since >= this.#maxDelayMs
    ) {
      this.flush();
      return;
    }
    if (this.#timer === undefined) {
      this.#timer = this.#clock.setTimeout(() => {
        this.#timer = undefined;
        this.flush();
      }, this.#maxDelayMs);
      // Held text never keeps the process alive on its own: the program
      // flushes before it exits.
      if (this.#clock === systemClock) Deno.unrefTimer(this.#timer);
    }
  }

  /** Writes everything held now. */
  flush(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#held.length === 0) return;
    const text = this.#held.join("");
    this.#held = [];
    this.#heldSize = 0;
    this.#write(text);
  }
}
