/**
 * A {@linkcode Dispatcher} decorator that bounds how many dispatches run at
 * once: the token budget of parallel runs.
 *
 * @module
 */
import pLimit, { type LimitFunction } from "p-limit";
import type { DispatchContext, Dispatcher } from "./dispatcher.ts";

/** A shared concurrency limit for dispatches. */
export type DispatchGate = LimitFunction;

/**
 * Creates a gate admitting `capacity` dispatches at once.
 *
 * @throws {RangeError} when `capacity` is not a positive integer (a gate of
 * zero would deadlock every dispatch).
 */
export function dispatchGate(capacity: number): DispatchGate {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(
      `Cannot create a dispatch gate of capacity ${capacity}: expected a positive integer`,
    );
  }
  return pLimit(capacity);
}

/** Wraps `inner` so every dispatch first passes `gate`. */
export class GatedDispatcher implements Dispatcher {
  readonly #inner: Dispatcher;
  readonly #gate: DispatchGate;

  /** Creates a gated dispatcher. */
  constructor(inner: Dispatcher, gate: DispatchGate) {
    this.#inner = inner;
    this.#gate = gate;
  }

  /** Dispatches through the inner dispatcher once the gate admits it. */
  dispatch(context: DispatchContext): Promise<unknown> {
    return this.#gate(() => this.#inner.dispatch(context));
  }
}
