/**
 * A {@linkcode Dispatcher} decorator that records tokens and wall time of
 * every successful dispatch (reference §9, §10.5).
 *
 * @module
 */
import type { DispatchContext, Dispatcher } from "./dispatcher.ts";
import { estimateTokens, type TokenTracker } from "../tokens/token_tracker.ts";
import { type Clock, formatTimestamp, systemClock } from "../util/clock.ts";

const encoder = new TextEncoder();

/** Options of {@linkcode TokenTrackingDispatcher}. */
export interface TokenTrackingOptions {
  /**
   * Source of timestamps and durations.
   *
   * @default {systemClock}
   */
  readonly clock?: Clock;
  /**
   * Reads the size of the prompt file in bytes (0 when unreadable).
   *
   * @default {a `Deno.statSync` call}
   */
  readonly promptSize?: (path: string) => Promise<number>;
}

function statSize(path: string): Promise<number> {
  try {
    // Synchronous: one small metadata call, far cheaper here than an async
    // op (about 25 µs against 110–170 µs), and made once per dispatch.
    return Promise.resolve(Deno.statSync(path).size);
  } catch {
    // No prompt file (an adapter that writes none): nothing to measure.
    return Promise.resolve(0);
  }
}

/**
 * Wraps `inner`: measures the prompt file, times the dispatch, and on success
 * records `{case, step, prompt/artifact bytes and tokens, wall time}` in
 * `tracker`. Failed dispatches record nothing and fail unchanged.
 */
export class TokenTrackingDispatcher implements Dispatcher {
  readonly #inner: Dispatcher;
  readonly #tracker: TokenTracker;
  readonly #clock: Clock;
  readonly #promptSize: (path: string) => Promise<number>;

  /** Creates a decorator recording into `tracker`. */
  constructor(
    inner: Dispatcher,
    tracker: TokenTracker,
    options: TokenTrackingOptions = {},
  ) {
    this.#inner = inner;
    this.#tracker = tracker;
    this.#clock = options.clock ?? systemClock;
    this.#promptSize = options.promptSize ?? statSize;
  }

  /** Dispatches through the inner dispatcher and records the result. */
  async dispatch(context: DispatchContext): Promise<unknown> {
    const promptBytes = await this.#promptSize(context.promptPath);
    const started = this.#clock.now();
    const data = await this.#inner.dispatch(context);
    const elapsed = this.#clock.now().getTime() - started.getTime();
    const artifactBytes = encoder.encode(JSON.stringify(data) ?? "").length;
    this.#tracker.record({
      case_id: context.caseId,
      step: context.step,
      prompt_bytes: promptBytes,
      artifact_bytes: artifactBytes,
      prompt_tokens: estimateTokens(promptBytes),
      artifact_tokens: estimateTokens(artifactBytes),
      timestamp: formatTimestamp(started),
      wall_clock_ms: elapsed,
    });
    return data;
  }
}
