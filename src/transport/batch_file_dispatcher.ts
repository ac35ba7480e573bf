/**
 * The batch file transport (reference §10.6): N signals at once, announced to
 * the agents by a live batch manifest and a shared briefing in the suite
 * directory.
 *
 * Unlike the Go version (reference §12 items 2–5), every slot goes through
 * one shared {@linkcode FileDispatcher}, so dispatch ids stay unique and each
 * signal ends `done` or `error`; the manifest is written live through one
 * serialized writer per batch (`claimed`, `done`, `error` per signal as they
 * happen, the slot's dispatch id and error message); batches never overlap,
 * so the live manifest always describes exactly one batch; and each finished
 * batch is archived under `batches/{id}/`.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import pLimit, { type LimitFunction } from "p-limit";
import {
  BATCH_PHASES,
  type BatchManifest,
  type BatchStatus,
  BRIEFING_FILE,
  MANIFEST_FILE,
  writeManifest,
} from "./batch_manifest.ts";
import type {
  BatchDispatcher,
  BatchOptions,
  BatchPhase,
  OfferOptions,
} from "./batch_dispatcher.ts";
import { DispatchError } from "./dispatch_error.ts";
import type { DispatchContext, Dispatcher } from "./dispatcher.ts";
import {
  FileDispatcher,
  type FileDispatcherOptions,
  type FileDispatchEvent,
} from "./file_dispatcher.ts";
import { ManifestWriter } from "./manifest_writer.ts";
import { SIGNAL_FILE } from "./signal.ts";
import { atomicWriteTextFile } from "../util/atomic_write.ts";
import { confinePath, PathConfinementError } from "../util/confine_path.ts";
import {
  formatTimestamp,
  systemClock,
  type TimerClock,
} from "../util/clock.ts";

/** Folder of the archived batches, in the suite directory. */
export const BATCHES_DIR = "batches";

/** Options of {@linkcode BatchFileDispatcher}. */
export interface BatchFileDispatcherOptions {
  /**
   * The suite directory: where `batch-manifest.json`, `briefing.md` and the
   * `batches/` archive go. Relative paths are resolved against the working
   * directory.
   */
  readonly suiteDir: string;
  /**
   * Options of the file dispatcher that runs every slot. Its `onEvent`
   * receives that dispatcher's events unchanged; `clock` defaults to this
   * dispatcher's.
   *
   * @default {{}}
   */
  readonly file?: FileDispatcherOptions;
  /**
   * Slots of a batch in flight at once.
   *
   * @default {Infinity}
   */
  readonly concurrency?: number;
  /**
   * Most signals one batch takes through {@linkcode BatchFileDispatcher.offer}
   * (entries of its manifest) before the next offer opens a new batch.
   *
   * @default {64}
   */
  readonly maxEntries?: number;
  /**
   * Wraps the dispatcher of each slot, e.g. with token tracking or a
   * semaphore, so a decorator sees every single dispatch rather than the
   * whole batch.
   *
   * @default {(slot) => slot}
   */
  readonly wrapSlot?: (slot: Dispatcher) => Dispatcher;
  /**
   * Time source of the manifest's timestamps.
   *
   * @default {systemClock}
   */
  readonly clock?: TimerClock;
  /**
   * Receives batch events and the slots' file events. Errors it throws are
   * ignored.
   */
  readonly onEvent?: (event: BatchFileDispatchEvent) => void;
}

/**
 * An event of a batch:
 *
 * - `batch-status`: the manifest reached disk with a new batch `status`; the
 *   first is `pending`, written before any signal (`path`: the manifest).
 * - `batch-archived`: the final manifest and the briefing were copied to the
 *   archive (`path`: the archive folder).
 * - `batch-write-error`: the manifest or the archive could not be written
 *   (`path`: the file or folder). A manifest that cannot be written fails
 *   the batch's waiting slots at once (agents read it, so no answer may
 *   come); an archive that cannot be written is only reported.
 */
export type BatchEvent =
  | {
    readonly kind: "batch-status";
    readonly batchId: number;
    readonly path: string;
    readonly status: BatchStatus;
  }
  | {
    readonly kind: "batch-archived";
    readonly batchId: number;
    readonly path: string;
  }
  | {
    readonly kind: "batch-write-error";
    readonly batchId: number;
    readonly path: string;
    readonly error: unknown;
  };

/** A file event of one slot: which batch, and the slot's index in it. */
export type BatchSlotEvent = FileDispatchEvent & {
  readonly batchId: number;
  readonly slot: number;
};

/** An event of {@linkcode BatchFileDispatcher}. */
export type BatchFileDispatchEvent = BatchEvent | BatchSlotEvent;

interface Slot {
  readonly index: number;
  readonly context: DispatchContext;
}

interface Batch {
  readonly id: number;
  readonly phase: BatchPhase;
  readonly briefing: string | undefined;
  readonly writer: ManifestWriter;
  /**
   * Aborted, with the `io` error every waiting slot fails with, once the
   * live manifest cannot be written.
   */
  readonly stop: AbortController;
  /** Bounds the slots of this batch in flight (`concurrency`). */
  readonly limit: LimitFunction;
  /** Entries of the manifest so far. */
  entries: number;
  /** Entries not finished yet. */
  unfinished: number;
  /** Takes no more entries (it finished, was dispatched whole, or is full). */
  closed: boolean;
  /** Resolves once every entry finished and the batch is archived. */
  readonly finished: PromiseWithResolvers<void>;
}

interface Route {
  readonly batch: Batch;
  readonly slot: Slot;
}

interface ResolvedOptions {
  readonly suiteDir: string;
  readonly concurrency: number;
  readonly maxEntries: number;
  readonly wrapSlot: (slot: Dispatcher) => Dispatcher;
  readonly clock: TimerClock;
  readonly onEvent?: (event: BatchFileDispatchEvent) => void;
  readonly onFileEvent?: (event: FileDispatchEvent) => void;
  /** The slots' confining directory, which the suite files stay in too. */
  readonly confineTo?: string;
}

function describe(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : String(value);
}

function invalidOption(
  name: string,
  value: unknown,
  expected: string,
  ErrorType: typeof TypeError | typeof RangeError = TypeError,
): never {
  throw new ErrorType(
    `Cannot create batch file dispatcher with '${name}' = ${
      describe(value)
    }: expected ${expected}`,
  );
}

function resolveOptions(options: BatchFileDispatcherOptions): ResolvedOptions {
  const {
    suiteDir,
    concurrency = Infinity,
    maxEntries = 64,
    wrapSlot,
    onEvent,
  } = options;
  if (typeof suiteDir !== "string" || suiteDir === "") {
    invalidOption("suiteDir", suiteDir, "a non-empty path");
  }
  if (
    typeof concurrency !== "number" ||
    !(Number.isInteger(concurrency) && concurrency >= 1 ||
      concurrency === Infinity)
  ) {
    invalidOption(
      "concurrency",
      concurrency,
      "a positive integer or Infinity",
      RangeError,
    );
  }
  if (
    typeof maxEntries !== "number" || !Number.isInteger(maxEntries) ||
    maxEntries < 1
  ) {
    invalidOption("maxEntries", maxEntries, "a positive integer", RangeError);
  }
  if (wrapSlot !== undefined && typeof wrapSlot !== "function") {
    invalidOption("wrapSlot", wrapSlot, "a function");
  }
  if (onEvent !== undefined && typeof onEvent !== "function") {
    invalidOption("onEvent", onEvent, "a function");
  }
  return {
    suiteDir: resolve(suiteDir),
    concurrency,
    maxEntries,
    wrapSlot: wrapSlot ?? ((slot) => slot),
    clock: options.clock ?? systemClock,
    onEvent,
    onFileEvent: options.file?.onEvent,
    confineTo: options.file?.confineTo,
  };
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message === "" ? String(error) : message;
}

function signalDirOf(context: DispatchContext): string {
  return dirname(resolve(context.artifactPath));
}

function validatePhase(phase: unknown): void {
  if (!(BATCH_PHASES as readonly unknown[]).includes(phase)) {
    throw new TypeError(
      `Cannot dispatch batch with phase ${
        describe(phase)
      }: expected "triage", "investigation" or "single"`,
    );
  }
}

function validateContexts(contexts: readonly DispatchContext[]): void {
  if (!Array.isArray(contexts) || contexts.length === 0) {
    throw new RangeError(
      "Cannot dispatch batch: expected at least one context",
    );
  }
  const seen = new Map<string, number>();
  contexts.forEach((context, index) => {
    const dir = signalDirOf(context);
    const first = seen.get(dir);
    if (first !== undefined) {
      throw new RangeError(
        `Cannot dispatch batch: contexts ${first} and ${index} share the signal directory '${dir}'; expected one context per directory`,
      );
    }
    seen.set(dir, index);
  });
}

function validateBatch(
  contexts: readonly DispatchContext[],
  options: BatchOptions,
): void {
  const { phase, briefing } = options ?? {};
  validatePhase(phase);
  if (briefing !== undefined && typeof briefing !== "string") {
    throw new TypeError(
      `Cannot dispatch batch with briefing ${
        describe(briefing)
      }: expected a string`,
    );
  }
  validateContexts(contexts);
}

function validateOffer(
  contexts: readonly DispatchContext[],
  options: OfferOptions,
): void {
  const { phase, briefing } = options ?? {};
  validatePhase(phase);
  if (briefing !== undefined && typeof briefing !== "function") {
    throw new TypeError(
      `Cannot offer batch with briefing ${
        describe(briefing)
      }: expected a function`,
    );
  }
  validateContexts(contexts);
}

/** How a batch of contexts is placed. */
interface Placement {
  readonly phase: BatchPhase;
  /** Builds the briefing of a new batch. */
  readonly briefing: () => Promise<string | undefined>;
  /** A batch of its own, which takes no later entries. */
  readonly exclusive: boolean;
}

/**
 * Dispatches batches of prompts through files (reference §10.6), and single
 * prompts as batches of one (phase `single`).
 *
 * A batch: writes the briefing (`briefing.md`, when given; else removes the
 * previous one), then the manifest (`batch-manifest.json`, `pending`, every
 * signal `pending` with dispatch id 0), then runs the slots — at most
 * `concurrency` at once, each through `wrapSlot` around a file dispatch:
 * post the signal (the manifest gets its dispatch id), wait for the
 * artifact. The manifest follows live: a slot becomes `claimed` when an agent
 * claims its signal (`claim.json`), then `done` or `error` (with the
 * message); the batch becomes `in_progress` at the first claimed or finished
 * slot and, once all finished, `done` (at least one slot done) or `error`.
 * Finally the manifest and briefing are archived in
 * `batches/{id as 4 digits}/`; the live files stay until the next batch.
 *
 * {@linkcode dispatchBatch} runs a batch of its own. {@linkcode offer} keeps
 * the agents busy: contexts offered while a batch of the same phase still has
 * entries in flight join it (appended to its manifest, which the agents
 * watch), up to `maxEntries` entries; a batch ends when its last entry
 * finishes. Batches never overlap (a new one waits for the previous one to
 * finish and be archived), so the live manifest always describes exactly one
 * batch.
 *
 * @example
 * ```ts ignore
 * const dispatcher = new BatchFileDispatcher({ suiteDir: "/run/1" });
 * const results = await dispatcher.dispatchBatch(contexts, {
 *   phase: "triage",
 *   briefing: "# Calibration Briefing — Batch 1\n",
 * });
 * for (const result of results) {
 *   if (result.status === "rejected") console.error(result.reason);
 * }
 * ```
 */
export class BatchFileDispatcher implements BatchDispatcher {
  readonly #options: ResolvedOptions;
  readonly #file: FileDispatcher;
  /** Batches started so far; the last batch's id. */
  #batchCount = 0;
  /** Settles when the contexts offered so far are placed in a batch. */
  #tail: Promise<void> = Promise.resolve();
  /** The last batch started (it may have finished). */
  #current: Batch | undefined;
  /** Routes of the dispatches in flight, by dispatch id. */
  readonly #byId = new Map<number, Route>();
  /** Routes of the dispatches being posted, by signal directory. */
  readonly #byDir = new Map<string, Route>();

  /**
   * Creates a batch file dispatcher.
   *
   * @throws {TypeError} when an option has the wrong type.
   * @throws {RangeError} when an option is out of range.
   */
  constructor(options: BatchFileDispatcherOptions) {
    this.#options = resolveOptions(options ?? {});
    this.#file = new FileDispatcher({
      clock: this.#options.clock,
      ...options.file,
      onEvent: (event) => this.#onFileEvent(event),
    });
  }

  /** Absolute path of the suite directory. */
  get suiteDir(): string {
    return this.#options.suiteDir;
  }

  /**
   * Dispatches `context` as a batch of one (phase `single`, no briefing).
   *
   * @returns the artifact payload.
   * @throws {DispatchError} the slot's error.
   */
  async dispatch(context: DispatchContext): Promise<unknown> {
    const [result] = await this.dispatchBatch([context], { phase: "single" });
    if (result.status === "rejected") throw result.reason;
    return result.value;
  }

  /**
   * Dispatches every context as one batch of its own and waits for all of
   * them. One slot's failure never stops the others.
   *
   * @returns one settled result per context, in input order: the artifact
   * payload, or the slot's error (a {@linkcode DispatchError} from the file
   * transport, or what `wrapSlot`'s dispatcher threw). When the briefing or
   * the manifest cannot be written, every slot fails with that `io` error
   * and no signal is written.
   * @throws {TypeError} when `options.phase` or `options.briefing` is invalid.
   * @throws {RangeError} when `contexts` is empty or two contexts share a
   * signal directory.
   */
  dispatchBatch(
    contexts: readonly DispatchContext[],
    options: BatchOptions,
  ): Promise<PromiseSettledResult<unknown>[]> {
    try {
      validateBatch(contexts, options);
    } catch (error) {
      return Promise.reject(error);
    }
    const { phase, briefing } = options;
    return Promise.allSettled(
      this.#place(contexts, {
        phase,
        briefing: () => Promise.resolve(briefing),
        exclusive: true,
      }),
    );
  }

  /**
   * Offers contexts to the agents as soon as possible: they join the
   * current batch when it has the same phase, still has entries in flight
   * and room for them (`maxEntries`), else they open the next batch (with
   * the briefing `options.briefing` builds) once the current one has
   * finished. One slot's failure never stops the others.
   *
   * @returns one promise per context, in input order: the artifact payload,
   * or the slot's error (as {@linkcode dispatchBatch}'s results).
   * @throws {TypeError} when `options.phase` or `options.briefing` is invalid.
   * @throws {RangeError} when `contexts` is empty or two contexts share a
   * signal directory.
   */
  offer(
    contexts: readonly DispatchContext[],
    options: OfferOptions,
  ): Promise<unknown>[] {
    validateOffer(contexts, options);
    const { phase, briefing } = options;
    return this.#place(contexts, {
      phase,
      briefing: async () => await briefing?.(),
      exclusive: false,
    });
  }

  /** Places `contexts` in a batch, in call order; a promise per context. */
  #place(
    contexts: readonly DispatchContext[],
    placement: Placement,
  ): Promise<unknown>[] {
    const outcomes = contexts.map(() => Promise.withResolvers<unknown>());
    for (const { promise } of outcomes) promise.catch(() => {});
    const placed = this.#tail.then(() =>
      this.#placeNow(contexts, placement, outcomes)
    );
    this.#tail = placed.catch((error) => {
      // Only a bug gets here; fail the contexts rather than hang them.
      for (const outcome of outcomes) outcome.reject(error);
    });
    return outcomes.map(({ promise }) => promise);
  }

  async #placeNow(
    contexts: readonly DispatchContext[],
    placement: Placement,
    outcomes: readonly PromiseWithResolvers<unknown>[],
  ): Promise<void> {
    const current = this.#current;
    let batch: Batch;
    let slots: Slot[];
    if (
      current !== undefined && !current.closed && !placement.exclusive &&
      current.phase === placement.phase &&
      !current.stop.signal.aborted &&
      current.entries + contexts.length <= this.#options.maxEntries
    ) {
      // Join: no await between the check and the slots' start, so the batch
      // cannot finish in between.
      batch = current;
      slots = contexts.map((context, i) => ({
        index: current.entries + i,
        context,
      }));
      this.#update(batch, (manifest) => {
        manifest.signals.push(...slots.map(({ context }) => entryOf(context)));
      });
    } else {
      if (current !== undefined) {
        current.closed = true;
        await current.finished.promise;
      }
      slots = contexts.map((context, index) => ({ index, context }));
      let briefing: string | undefined;
      try {
        briefing = await placement.briefing();
      } catch (error) {
        for (const outcome of outcomes) outcome.reject(error);
        return;
      }
      this.#batchCount += 1;
      const started = await this.#start(
        this.#batchCount,
        slots,
        placement.phase,
        briefing,
      );
      if (started instanceof DispatchError) {
        for (const outcome of outcomes) outcome.reject(started);
        return;
      }
      batch = started;
      batch.closed = placement.exclusive;
      this.#current = batch;
    }
    batch.entries += slots.length;
    batch.unfinished += slots.length;
    slots.forEach((slot, i) => {
      batch.limit(() => this.#runSlot(batch, slot)).then(
        async (value) => {
          await this.#slotFinished(batch);
          outcomes[i].resolve(value);
        },
        async (error) => {
          await this.#slotFinished(batch);
          outcomes[i].reject(error);
        },
      );
    });
  }

  /**
   * Counts a finished entry; after the batch's last one, writes the final
   * manifest and archives the batch before that entry's result is given.
   */
  async #slotFinished(batch: Batch): Promise<void> {
    batch.unfinished -= 1;
    if (batch.unfinished > 0) return;
    batch.closed = true;
    try {
      await batch.writer.flush();
    } catch {
      // Reported by the writer's onError.
    }
    await this.#archive(batch, batch.briefing);
    batch.finished.resolve();
  }

  /**
   * Writes the briefing and the `pending` manifest.
   *
   * @returns the batch, or the error every slot fails with.
   */
  async #start(
    id: number,
    slots: readonly Slot[],
    phase: BatchPhase,
    briefing: string | undefined,
  ): Promise<Batch | DispatchError> {
    const { suiteDir, clock } = this.#options;
    const briefingPath = join(suiteDir, BRIEFING_FILE);
    const manifestPath = join(suiteDir, MANIFEST_FILE);
    let action = `create suite directory '${suiteDir}'`;
    try {
      const root = this.#options.confineTo;
      if (root !== undefined) {
        for (const path of [briefingPath, manifestPath]) {
          await confinePath(root, path);
        }
      }
      await Deno.mkdir(suiteDir, { recursive: true });
      if (briefing !== undefined) {
        action = `write briefing '${briefingPath}'`;
        await atomicWriteTextFile(briefingPath, briefing);
      } else {
        action = `remove previous briefing '${briefingPath}'`;
        await removeIfPresent(briefingPath);
      }
      action = `write batch manifest '${manifestPath}'`;
      const now = formatTimestamp(clock.now());
      const manifest: BatchManifest = {
        batch_id: id,
        status: "pending",
        phase,
        created_at: now,
        updated_at: now,
        total: slots.length,
        completed: 0,
        briefing_path: briefing !== undefined ? briefingPath : "",
        signals: slots.map(({ context }) => entryOf(context)),
      };
      let lastStatus: BatchStatus | undefined;
      const stop = new AbortController();
      const writer = new ManifestWriter(manifestPath, manifest, {
        clock,
        onWrite: ({ status }) => {
          if (status === lastStatus) return;
          lastStatus = status;
          this.#emit({
            kind: "batch-status",
            batchId: id,
            path: manifestPath,
            status,
          });
        },
        onError: (error) => {
          this.#emit({
            kind: "batch-write-error",
            batchId: id,
            path: manifestPath,
            error,
          });
          // Agents find their work in the manifest: without it no answer
          // may come, so the batch stops now rather than at the timeout.
          stop.abort(
            new DispatchError(
              "io",
              `Cannot write batch manifest '${manifestPath}' of batch ${id}: ${
                messageOf(error)
              }`,
              { cause: error },
            ),
          );
        },
      });
      await writer.write();
      return {
        id,
        phase,
        briefing,
        writer,
        stop,
        limit: pLimit(this.#options.concurrency),
        entries: 0,
        unfinished: 0,
        closed: false,
        finished: Promise.withResolvers<void>(),
      };
    } catch (error) {
      return new DispatchError(
        // A suite directory leading outside the run fails its cases, not the
        // run.
        error instanceof PathConfinementError ? "invalid-artifact" : "io",
        `Cannot start batch ${id}: cannot ${action}: ${messageOf(error)}`,
        { cause: error },
      );
    }
  }

  /** Runs one slot and records its outcome in the manifest. */
  async #runSlot(batch: Batch, slot: Slot): Promise<unknown> {
    try {
      const raw: Dispatcher = {
        dispatch: (context) => this.#postAndWait(batch, slot, context),
      };
      const value = await this.#options.wrapSlot(raw).dispatch(slot.context);
      this.#update(batch, (manifest) => {
        const signal = manifest.signals[slot.index];
        signal.status = "done";
        delete signal.error;
      });
      return value;
    } catch (error) {
      // A slot the manifest failure aborted fails with that failure.
      const failure = batch.stop.signal.aborted
        ? batch.stop.signal.reason
        : error;
      this.#update(batch, (manifest) => {
        const signal = manifest.signals[slot.index];
        signal.status = "error";
        signal.error = messageOf(failure);
      });
      throw failure;
    }
  }

  /** The dispatch of one slot: post the signal, then wait for the artifact. */
  async #postAndWait(
    batch: Batch,
    slot: Slot,
    context: DispatchContext,
  ): Promise<unknown> {
    const route: Route = { batch, slot };
    const dir = signalDirOf(context);
    this.#byDir.set(dir, route);
    const signals = [batch.stop.signal];
    if (context.signal) signals.push(context.signal);
    let pending;
    try {
      pending = await this.#file.post({
        ...context,
        signal: AbortSignal.any(signals),
      });
    } finally {
      this.#byDir.delete(dir);
    }
    const { dispatchId, signalPath, artifactPath } = pending;
    this.#byId.set(dispatchId, route);
    this.#update(batch, (manifest) => {
      const signal = manifest.signals[slot.index];
      // A claim may have been seen first; it set the id already.
      if (signal.dispatch_id === dispatchId) return;
      signal.dispatch_id = dispatchId;
      signal.signal_path = signalPath;
      signal.artifact_path = artifactPath;
      // A slot dispatched again (a retrying wrapSlot) starts over.
      signal.status = "pending";
      delete signal.claimed_by;
      delete signal.error;
    });
    try {
      return await pending.result;
    } finally {
      this.#byId.delete(dispatchId);
    }
  }

  #onFileEvent(event: FileDispatchEvent): void {
    try {
      this.#options.onFileEvent?.(event);
    } catch {
      // A listener's failure must not break the dispatch.
    }
    let route = this.#byId.get(event.dispatchId);
    if (!route) {
      // Events of a dispatch being posted, before its id is known here.
      const dir = event.kind === "watch-fallback"
        ? event.path
        : dirname(event.path);
      route = this.#byDir.get(dir);
      if (route) this.#byId.set(event.dispatchId, route);
    }
    if (route && event.kind === "claimed") {
      const { slot } = route;
      this.#update(route.batch, (manifest) => {
        const signal = manifest.signals[slot.index];
        if (signal.status !== "pending") return;
        if (
          signal.dispatch_id !== 0 && signal.dispatch_id !== event.dispatchId
        ) {
          return;
        }
        signal.dispatch_id = event.dispatchId;
        signal.status = "claimed";
        signal.claimed_by = event.agent;
      });
    }
    this.#emit({
      ...event,
      batchId: route?.batch.id ?? 0,
      slot: route?.slot.index ?? -1,
    });
  }

  /** Queues a manifest change; a failed write is reported by the writer. */
  #update(batch: Batch, mutator: (manifest: BatchManifest) => void): void {
    batch.writer.update(mutator).catch(() => {});
  }

  /** Copies the final manifest and the briefing to `batches/{id}/`. */
  async #archive(batch: Batch, briefing: string | undefined): Promise<void> {
    const dir = join(
      this.#options.suiteDir,
      BATCHES_DIR,
      String(batch.id).padStart(4, "0"),
    );
    try {
      const root = this.#options.confineTo;
      if (root !== undefined) await confinePath(root, dir);
      await Deno.mkdir(dir, { recursive: true });
      await writeManifest(join(dir, MANIFEST_FILE), batch.writer.manifest);
      const briefingPath = join(dir, BRIEFING_FILE);
      if (briefing !== undefined) {
        await atomicWriteTextFile(briefingPath, briefing);
      } else {
        await removeIfPresent(briefingPath);
      }
    } catch (error) {
      this.#emit({
        kind: "batch-write-error",
        batchId: batch.id,
        path: dir,
        error,
      });
      return;
    }
    this.#emit({ kind: "batch-archived", batchId: batch.id, path: dir });
  }

  #emit(event: BatchFileDispatchEvent): void {
    try {
      this.#options.onEvent?.(event);
    } catch {
      // A listener's failure must not break the dispatch.
    }
  }
}

/** The manifest entry of `context` before its signal is written. */
function entryOf(context: DispatchContext): BatchManifest["signals"][number] {
  const artifactPath = resolve(context.artifactPath);
  return {
    case_id: context.caseId,
    step: context.step,
    signal_path: join(dirname(artifactPath), SIGNAL_FILE),
    artifact_path: artifactPath,
    dispatch_id: 0,
    status: "pending",
  };
}

async function removeIfPresent(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
