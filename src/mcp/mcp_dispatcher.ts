/**
 * The MCP transport's {@linkcode Dispatcher}: a queue of pending steps that
 * workers pull (`get_next_step`) and answer (`submit_artifact`). Steps travel
 * as data (prompt text and JSON Schema); nothing touches the disk.
 *
 * Leases: a step handed to a worker is leased for `leaseMs`. When the lease
 * expires before an accepted submission, the step goes back to the front of
 * the queue and is offered again under a new dispatch id; a late submission
 * under the old id is refused with an error naming the new one. Exactly one
 * submission is accepted per step, hence per dispatch id. An invalid
 * submission is refused with the validation error (the same validation as a
 * file artifact) and the step stays open, its lease renewed, for a corrected
 * one.
 *
 * @module
 */
import type {
  BatchDispatcher,
  BatchOptions,
} from "../transport/batch_dispatcher.ts";
import { DispatchError } from "../transport/dispatch_error.ts";
import { DispatchIds } from "../transport/dispatch_ids.ts";
import type { DispatchContext, Dispatcher } from "../transport/dispatcher.ts";
import type { JsonSchema } from "../pipeline/artifact_json_schemas.ts";
import type { PipelineStep } from "../pipeline/step.ts";
import { systemClock, type TimerClock } from "../util/clock.ts";

/** A step as a worker receives it. */
export interface OfferedStep {
  /** Id of this offer; submit the artifact under it. */
  readonly dispatch_id: number;
  /** Scenario case id, e.g. `C1`. */
  readonly case_id: string;
  /** Pipeline step, e.g. `F0_RECALL`. */
  readonly step: PipelineStep;
  /** The full prompt text. */
  readonly prompt: string;
  /** JSON Schema of the artifact's data. */
  readonly schema: JsonSchema;
  /** The briefing of the step's batch, when the run has one. */
  readonly briefing?: string;
}

/** What a submission got. */
export type SubmitResult =
  | { readonly accepted: true }
  | { readonly accepted: false; readonly errors: readonly string[] };

/** What one worker has done, as {@linkcode McpDispatcher.status} reports it. */
export interface WorkerStatus {
  readonly worker_id: string;
  /** When the worker last called a tool (RFC 3339). */
  readonly last_seen: string;
  /** Steps of this worker that were accepted. */
  readonly steps: number;
  /** Steps this worker holds a lease on now. */
  readonly in_flight: number;
}

/** The queue's state. */
export interface QueueStatus {
  /** Steps waiting for a worker. */
  readonly queued: number;
  /** Steps leased to a worker. */
  readonly in_flight: number;
  /** Steps accepted so far. */
  readonly steps_done: number;
  /** Leases that expired (steps offered again). */
  readonly expired: number;
  /** Every worker seen, by first appearance. */
  readonly workers: readonly WorkerStatus[];
}

/** Options of {@linkcode McpDispatcher}. */
export interface McpDispatcherOptions {
  /**
   * How long a worker holds a step before it is offered again, in
   * milliseconds.
   *
   * @default {600000}
   */
  readonly leaseMs?: number;
  /**
   * Time and timers (leases, waits).
   *
   * @default {systemClock}
   */
  readonly clock?: TimerClock;
  /**
   * Dispatch ids (one per offer).
   *
   * @default {new DispatchIds()}
   */
  readonly ids?: DispatchIds;
  /**
   * Wraps the single-step dispatcher each batch slot goes through (token
   * tracking, the token gate).
   *
   * @default {the identity}
   */
  readonly wrapSlot?: (slot: Dispatcher) => Dispatcher;
}

/** Options of {@linkcode McpDispatcher.next}. */
export interface NextStepOptions {
  /**
   * Name of the asking worker.
   *
   * @default {"anonymous"}
   */
  readonly workerId?: string;
  /**
   * How long to wait for a step when none is queued, in milliseconds.
   *
   * @default {0}
   */
  readonly waitMs?: number;
  /** Stops waiting (the client went away). */
  readonly signal?: AbortSignal;
}

/** Default lease: ten minutes, long enough for a thorough agent step. */
export const DEFAULT_LEASE_MS = 600_000;

interface Pending {
  readonly context: DispatchContext;
  readonly briefing?: string;
  readonly resolve: (data: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** Current offer, while leased. */
  lease?: { dispatchId: number; workerId: string; timer: number };
  settled: boolean;
}

type IdState =
  | { readonly kind: "leased"; readonly pending: Pending }
  | { readonly kind: "expired"; readonly at: string; readonly pending: Pending }
  | { readonly kind: "accepted"; readonly workerId: string }
  | { readonly kind: "cancelled" };

interface Waiter {
  readonly workerId: string;
  readonly resolve: (step: OfferedStep | undefined) => void;
}

interface Worker {
  lastSeen: Date;
  steps: number;
}

/**
 * Dispatches steps to MCP workers. `dispatch()` resolves with the first
 * accepted submission's payload; {@linkcode next} and {@linkcode submit} are
 * what the tools call; {@linkcode close} ends the run for waiting workers.
 */
export class McpDispatcher implements BatchDispatcher {
  readonly #leaseMs: number;
  readonly #clock: TimerClock;
  readonly #ids: DispatchIds;
  readonly #slot: Dispatcher;
  readonly #queue: Pending[] = [];
  readonly #byId = new Map<number, IdState>();
  readonly #waiters: Waiter[] = [];
  readonly #workers = new Map<string, Worker>();
  #briefing: string | undefined;
  #stepsDone = 0;
  #expired = 0;
  #closed = false;

  /**
   * Creates an empty queue.
   *
   * @throws {RangeError} when `leaseMs` is not a positive number.
   */
  constructor(options: McpDispatcherOptions = {}) {
    const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    if (!(leaseMs > 0) || !Number.isFinite(leaseMs)) {
      throw new RangeError(
        `Cannot create an MCP dispatcher with leaseMs = ${leaseMs}: expected a positive number of milliseconds`,
      );
    }
    this.#leaseMs = leaseMs;
    this.#clock = options.clock ?? systemClock;
    this.#ids = options.ids ?? new DispatchIds();
    const single: Dispatcher = {
      dispatch: (context) => this.#enqueue(context, this.#briefing),
    };
    this.#slot = options.wrapSlot ? options.wrapSlot(single) : single;
  }

  /** The latest batch's briefing, if any. */
  get briefing(): string | undefined {
    return this.#briefing;
  }

  /** True once {@linkcode close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Queues `context` and resolves with the accepted submission's data. */
  dispatch(context: DispatchContext): Promise<unknown> {
    return this.#slot.dispatch(context);
  }

  /** Queues every context with the batch's briefing; settles each slot. */
  dispatchBatch(
    contexts: readonly DispatchContext[],
    options: BatchOptions,
  ): Promise<PromiseSettledResult<unknown>[]> {
    if (options.briefing !== undefined) this.#briefing = options.briefing;
    return Promise.allSettled(contexts.map((c) => this.#slot.dispatch(c)));
  }

  /**
   * Leases the oldest waiting step to `workerId`, waiting up to `waitMs` for
   * one. Resolves `undefined` when none came in time, `"done"` once the run
   * is closed and nothing is left.
   */
  async next(
    options: NextStepOptions = {},
  ): Promise<OfferedStep | "done" | undefined> {
    const workerId = options.workerId ?? "anonymous";
    this.#seen(workerId);
    const ready = this.#queue.shift();
    if (ready !== undefined) return this.#lease(ready, workerId);
    if (this.#closed) return "done";
    const waitMs = options.waitMs ?? 0;
    if (waitMs <= 0 || options.signal?.aborted) return undefined;
    const step = await new Promise<OfferedStep | undefined>((resolve) => {
      const waiter: Waiter = {
        workerId,
        resolve: (step) => {
          this.#clock.clearTimeout(timer);
          options.signal?.removeEventListener("abort", giveUp);
          resolve(step);
        },
      };
      const giveUp = () => {
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        waiter.resolve(undefined);
      };
      const timer = this.#clock.setTimeout(giveUp, waitMs);
      options.signal?.addEventListener("abort", giveUp, { once: true });
      this.#waiters.push(waiter);
    });
    this.#seen(workerId);
    if (step === undefined && this.#closed) return "done";
    return step;
  }

  /**
   * Submits `data` for `dispatchId` (by `workerId`, default the lease's
   * holder): validates it like a file artifact and, when valid, resolves the
   * dispatch. Refusals say why.
   */
  submit(
    dispatchId: number,
    data: unknown,
    workerId?: string,
  ): SubmitResult {
    if (workerId !== undefined) this.#seen(workerId);
    const state = this.#byId.get(dispatchId);
    if (state === undefined) {
      return refuse(
        `Cannot accept dispatch_id ${dispatchId}: no step was offered under it; expected a dispatch_id from get_next_step`,
      );
    }
    if (state.kind === "accepted") {
      return refuse(
        `Cannot accept dispatch_id ${dispatchId}: a submission was already accepted for it (worker '${state.workerId}'); exactly one is accepted per dispatch id`,
      );
    }
    if (state.kind === "cancelled") {
      return refuse(
        `Cannot accept dispatch_id ${dispatchId}: the step was cancelled (the run stopped)`,
      );
    }
    if (state.kind === "expired") {
      const again = state.pending.lease?.dispatchId;
      const where = state.pending.settled
        ? "it has been answered since"
        : again === undefined
        ? "it waits to be offered again"
        : `it was offered again as dispatch_id ${again}`;
      return refuse(
        `Cannot accept dispatch_id ${dispatchId}: its lease expired at ${state.at} and the step was re-offered (${where}); this late submission is refused`,
      );
    }
    const pending = state.pending;
    try {
      pending.context.validate?.(data);
    } catch (error) {
      this.#renew(pending);
      return refuse(error instanceof Error ? error.message : String(error));
    }
    this.#clock.clearTimeout(pending.lease!.timer);
    // Without a worker id, the step counts for the worker holding the lease.
    const by = workerId ?? pending.lease!.workerId;
    this.#byId.set(dispatchId, { kind: "accepted", workerId: by });
    pending.settled = true;
    pending.lease = undefined;
    this.#stepsDone += 1;
    this.#seen(by);
    this.#workers.get(by)!.steps += 1;
    pending.resolve(data);
    return { accepted: true };
  }

  /** The queue's counts and every worker's last sighting. */
  status(): QueueStatus {
    const leasedBy = new Map<string, number>();
    let inFlight = 0;
    for (const state of this.#byId.values()) {
      if (state.kind !== "leased") continue;
      inFlight += 1;
      const id = state.pending.lease!.workerId;
      leasedBy.set(id, (leasedBy.get(id) ?? 0) + 1);
    }
    return {
      queued: this.#queue.length,
      in_flight: inFlight,
      steps_done: this.#stepsDone,
      expired: this.#expired,
      workers: [...this.#workers].map(([id, w]) => ({
        worker_id: id,
        last_seen: w.lastSeen.toISOString(),
        steps: w.steps,
        in_flight: leasedBy.get(id) ?? 0,
      })),
    };
  }

  /**
   * Stops the run's steps: every queued or leased step fails its dispatch
   * (`aborted`), and the queue is closed.
   */
  cancelAll(): void {
    const pending = new Set(this.#queue);
    for (const state of this.#byId.values()) {
      if (state.kind === "leased") pending.add(state.pending);
    }
    for (const p of pending) this.#cancel(p);
    this.close();
  }

  /** Ends the run: waiting and later `next()` calls get `"done"`. */
  close(): void {
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(undefined);
  }

  #seen(workerId: string): void {
    const worker = this.#workers.get(workerId);
    if (worker) worker.lastSeen = this.#clock.now();
    else this.#workers.set(workerId, { lastSeen: this.#clock.now(), steps: 0 });
  }

  #enqueue(context: DispatchContext, briefing?: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const pending: Pending = {
        context,
        briefing,
        resolve,
        reject,
        settled: false,
      };
      const signal = context.signal;
      if (signal?.aborted) {
        reject(aborted(context));
        return;
      }
      signal?.addEventListener("abort", () => this.#cancel(pending), {
        once: true,
      });
      this.#offer(pending, false);
    });
  }

  /** Hands `pending` to a waiting worker, or queues it (`first`: at the front). */
  #offer(pending: Pending, first: boolean): void {
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      waiter.resolve(this.#lease(pending, waiter.workerId));
    } else if (first) {
      this.#queue.unshift(pending);
    } else {
      this.#queue.push(pending);
    }
  }

  #lease(pending: Pending, workerId: string): OfferedStep {
    const dispatchId = this.#ids.next();
    const timer = this.#clock.setTimeout(
      () => this.#expire(pending, dispatchId),
      this.#leaseMs,
    );
    pending.lease = { dispatchId, workerId, timer };
    this.#byId.set(dispatchId, { kind: "leased", pending });
    const { context, briefing } = pending;
    return {
      dispatch_id: dispatchId,
      case_id: context.caseId,
      step: context.step,
      prompt: context.prompt,
      schema: context.schema,
      ...(briefing === undefined ? {} : { briefing }),
    };
  }

  #renew(pending: Pending): void {
    const lease = pending.lease!;
    this.#clock.clearTimeout(lease.timer);
    lease.timer = this.#clock.setTimeout(
      () => this.#expire(pending, lease.dispatchId),
      this.#leaseMs,
    );
  }

  #expire(pending: Pending, dispatchId: number): void {
    if (pending.settled || pending.lease?.dispatchId !== dispatchId) return;
    this.#byId.set(dispatchId, {
      kind: "expired",
      at: this.#clock.now().toISOString(),
      pending,
    });
    pending.lease = undefined;
    this.#expired += 1;
    this.#offer(pending, true);
  }

  #cancel(pending: Pending): void {
    if (pending.settled) return;
    pending.settled = true;
    const at = this.#queue.indexOf(pending);
    if (at >= 0) this.#queue.splice(at, 1);
    if (pending.lease) {
      this.#clock.clearTimeout(pending.lease.timer);
      this.#byId.set(pending.lease.dispatchId, { kind: "cancelled" });
      pending.lease = undefined;
    }
    pending.reject(aborted(pending.context));
  }
}

function refuse(message: string): SubmitResult {
  return { accepted: false, errors: [message] };
}

function aborted(context: DispatchContext): DispatchError {
  return new DispatchError(
    "aborted",
    `Dispatch of ${context.caseId} ${context.step} over MCP was aborted`,
    { cause: context.signal?.reason },
  );
}
