/**
 * The serialized writer of one batch's live manifest.
 *
 * @module
 */
import {
  type BatchManifest,
  batchStatusOf,
  isFinishedSignal,
  normalizeManifest,
} from "./batch_manifest.ts";
import { atomicWriteTextFileOffThread } from "../util/atomic_write.ts";
import { type Clock, formatTimestamp, systemClock } from "../util/clock.ts";

/** Options of {@linkcode ManifestWriter}. */
export interface ManifestWriterOptions {
  /**
   * Source of `updated_at`.
   *
   * @default {systemClock}
   */
  readonly clock?: Clock;
  /**
   * Called after each successful write with the manifest as written. Errors
   * it throws are ignored.
   */
  readonly onWrite?: (manifest: BatchManifest) => void;
  /** Called once for each failed write. Errors it throws are ignored. */
  readonly onError?: (error: unknown) => void;
}

/** Resolves after the current macrotask (and its microtasks). */
function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Sets the fields a manifest derives from its signals. */
function derive(manifest: BatchManifest): void {
  manifest.total = manifest.signals.length;
  manifest.completed = manifest.signals.filter(isFinishedSignal).length;
  manifest.status = batchStatusOf(manifest.signals);
}

/**
 * Keeps the authoritative state of one batch manifest in memory and writes
 * it to disk, one write at a time.
 *
 * {@linkcode update} applies a change at once, in call order, and queues a
 * write; every write writes the latest state in full, atomically. Writes
 * never overlap, and updates made while a write runs reach disk with the next
 * one, so no update is lost and the file never goes back to an older state.
 * An update's write waits for the current macrotask to end, so the updates of
 * one turn of the event loop (the slots of a refill, a claim seen with its
 * answer) reach disk in one write.
 * `total`, `completed` and `status` are derived from `signals` on every
 * update (see {@linkcode batchStatusOf}); `updated_at` is the time of the
 * last update.
 *
 * Nothing is written until the first {@linkcode update}, {@linkcode write}
 * or {@linkcode flush}.
 *
 * @example
 * ```ts ignore
 * const writer = new ManifestWriter("/run/1/batch-manifest.json", manifest);
 * await writer.write(); // the batch, pending
 * writer.update((m) => {
 *   m.signals[0].status = "done";
 * });
 * await writer.flush();
 * ```
 */
export class ManifestWriter {
  /** Where the manifest is written. */
  readonly path: string;
  readonly #clock: Clock;
  readonly #onWrite?: (manifest: BatchManifest) => void;
  readonly #onError?: (error: unknown) => void;
  #state: BatchManifest;
  /** Increases with every change of the state. */
  #version = 0;
  /** The version last written successfully (-1: none). */
  #written = -1;
  /** Every write queued so far; never rejects. */
  #chain: Promise<void> = Promise.resolve();
  /** The queued write that has not started yet, which later changes join. */
  #queued: Promise<void> | undefined;

  /**
   * Creates a writer for the manifest at `path`, starting from `initial`
   * (copied; its derived fields are recomputed).
   *
   * @throws {TypeError} when `initial` is not a valid manifest.
   */
  constructor(
    path: string,
    initial: BatchManifest,
    options: ManifestWriterOptions = {},
  ) {
    this.path = path;
    this.#clock = options.clock ?? systemClock;
    this.#onWrite = options.onWrite;
    this.#onError = options.onError;
    const state = structuredClone(initial);
    derive(state);
    this.#state = normalizeManifest(state, path);
  }

  /** A copy of the current state (which may not be on disk yet). */
  get manifest(): BatchManifest {
    return structuredClone(this.#state);
  }

  /**
   * Applies `mutator` to a copy of the state, recomputes the derived fields
   * and `updated_at`, makes it the state, and queues a write.
   *
   * @returns a promise that resolves once a write containing this change is
   * on disk and rejects when that write fails. Its rejection is never
   * reported as unhandled: callers may ignore it.
   * @throws {TypeError} (synchronously; the state is unchanged) when the
   * result is not a valid manifest.
   */
  update(mutator: (manifest: BatchManifest) => void): Promise<void> {
    // Mutators change the manifest and its signals, never deeper: a shallow
    // copy of each is enough to leave the state untouched on failure.
    const next = {
      ...this.#state,
      signals: this.#state.signals.map((signal) => ({ ...signal })),
    };
    mutator(next);
    derive(next);
    next.updated_at = formatTimestamp(this.#clock.now());
    this.#state = normalizeManifest(next, this.path);
    this.#version += 1;
    return this.#enqueue(true);
  }

  /**
   * Queues a write of the current state, even when it is unchanged.
   *
   * @returns like {@linkcode update}.
   */
  write(): Promise<void> {
    this.#version += 1;
    return this.#enqueue();
  }

  /**
   * Waits until every queued write has finished and the latest state is on
   * disk, writing it once more when the last write failed.
   *
   * @throws the error of that last attempt.
   */
  async flush(): Promise<void> {
    await this.#chain;
    if (this.#written < this.#version) await this.#enqueue();
  }

  #enqueue(coalesce = false): Promise<void> {
    if (this.#queued) return this.#queued;
    const write = this.#chain.then(async () => {
      if (coalesce) await nextMacrotask();
      this.#queued = undefined;
      return this.#writeLatest();
    });
    this.#queued = write;
    this.#chain = write.catch(() => {});
    write.catch(() => {});
    return write;
  }

  async #writeLatest(): Promise<void> {
    const version = this.#version;
    const state = this.#state;
    try {
      // Off the main thread: the dispatches the manifest describes do not
      // wait for it, and its writes (a create, and a rename that frees the
      // previous manifest) are what an atomic write costs most.
      await atomicWriteTextFileOffThread(
        this.path,
        `${JSON.stringify(state, null, 2)}\n`,
      );
    } catch (error) {
      try {
        this.#onError?.(error);
      } catch {
        // A listener's failure must not break the writer.
      }
      throw error;
    }
    if (version > this.#written) this.#written = version;
    try {
      this.#onWrite?.(structuredClone(state));
    } catch {
      // A listener's failure must not break the writer.
    }
  }
}
