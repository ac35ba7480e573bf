/**
 * The batch extension of the {@linkcode Dispatcher} interface: dispatch N
 * contexts at once and wait for all of them. The single-dispatch interface is
 * unchanged; a batch-capable dispatcher implements both.
 *
 * @module
 */
import type { DispatchContext, Dispatcher } from "./dispatcher.ts";

/** Which part of a run a batch belongs to. */
export type BatchPhase = "triage" | "investigation" | "single";

/** Options of one batch. */
export interface BatchOptions {
  /** The run phase the batch belongs to. */
  readonly phase: BatchPhase;
  /**
   * The briefing (markdown) shared by every slot of the batch; written to
   * `briefing.md` before the batch's first signal.
   */
  readonly briefing?: string;
}

/** Options of contexts offered to a rolling batch. */
export interface OfferOptions {
  /** The run phase the contexts belong to. */
  readonly phase: BatchPhase;
  /**
   * Builds the briefing (markdown) when the contexts open a new batch; not
   * called when they join the batch in flight.
   */
  readonly briefing?: () => Promise<string> | string;
}

/** A dispatcher that can also dispatch a whole batch. */
export interface BatchDispatcher extends Dispatcher {
  /**
   * Dispatches every context and waits for all of them. One slot's failure
   * never stops the others; results come back in input order, each a value
   * (the artifact payload) or the slot's error.
   */
  dispatchBatch(
    contexts: readonly DispatchContext[],
    options: BatchOptions,
  ): Promise<PromiseSettledResult<unknown>[]>;
  /**
   * Offers contexts to the agents at once, joining the batch in flight when
   * it has room, so that no agent waits for a whole batch to finish. One
   * promise per context, in input order: the artifact payload or the slot's
   * error.
   */
  offer?(
    contexts: readonly DispatchContext[],
    options: OfferOptions,
  ): Promise<unknown>[];
}

/** Returns true when `dispatcher` can dispatch batches. */
export function isBatchDispatcher(
  dispatcher: Dispatcher,
): dispatcher is BatchDispatcher {
  return typeof (dispatcher as Partial<BatchDispatcher>).dispatchBatch ===
    "function";
}
