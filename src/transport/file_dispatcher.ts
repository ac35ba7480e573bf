/**
 * The file transport (reference §10.4): the dispatcher writes `signal.json`
 * beside the artifact path, an external agent answers by writing the artifact
 * wrapper `{ "dispatch_id": …, "data": … }` there, and the dispatcher accepts
 * it once it is complete, answers this dispatch and passes validation.
 *
 * Differences from the Go version (reference §12): dispatch ids come from a
 * shared {@linkcode DispatchIds} so they stay unique under concurrency and
 * across runs; every write is atomic; paths in the signal are absolute; the
 * status set is `waiting`, `processing`, `done`, `error` (this dispatcher
 * goes from `waiting` straight to `done` or `error`); a responder error
 * keeps its text; a half-written artifact is waited for until its content
 * stops changing; and the dispatcher reacts to directory watch events instead
 * of only polling.
 *
 * Claims (see `claimSignal` in `claim.ts`): a leftover `claim.json` is removed
 * before the signal is written, and a `claimed` event reports the first claim
 * that names this dispatch.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { readTextIfExistsSync } from "../util/read_json_file.ts";
import { dirname, join, resolve } from "node:path";
import type { DispatchContext, Dispatcher } from "./dispatcher.ts";
import { DispatchError } from "./dispatch_error.ts";
import { DispatchIds } from "./dispatch_ids.ts";
import {
  denoWatchFactory,
  type WatchEvent,
  type WatchFactory,
  type WatchHandle,
} from "./artifact_watcher.ts";
import { SIGNAL_FILE, type SignalStatus, writeSignalSync } from "./signal.ts";
import { CLAIM_FILE, parseClaim } from "./claim.ts";
import { readOwnTextFileSync } from "../util/read_own_file.ts";
import {
  type ConfinedPath,
  lstatConfinedSync,
  lstatInCheckedDirSync,
  PathConfinementError,
} from "../util/confine_path.ts";
import { Wake } from "../util/wake.ts";
import type { PipelineStep } from "../pipeline/step.ts";
import {
  formatTimestamp,
  MAX_TIMER_MS,
  systemClock,
  type TimerClock,
  type TimerId,
} from "../util/clock.ts";
import {
  type AnswerReading,
  type AnswerRepair,
  readAnswer,
} from "../pipeline/read_answer.ts";
import { settle } from "../util/settle.ts";

/** The `error` of a signal whose dispatch was aborted. */
export const DISPATCH_ABORTED_ERROR = "dispatch aborted";
/**
 * How the dispatcher notices the artifact: `watch` reacts to directory watch
 * events and polls as a fallback; `poll` only polls (for network file systems,
 * where watch events may not arrive).
 */
export type FileDispatchMode = "watch" | "poll";

/** Options of {@linkcode FileDispatcher}. */
export interface FileDispatcherOptions {
  /**
   * Interval of the fallback poll (the only check in `poll` mode), in ms.
   *
   * @default {500}
   */
  readonly pollIntervalMs?: number;
  /**
   * How long a dispatch waits for its artifact, in ms (`Infinity` waits
   * forever).
   *
   * @default {600_000}
   */
  readonly timeoutMs?: number;
  /**
   * Stale artifacts (another dispatch's id) tolerated in a row before the
   * dispatch fails. A stale artifact counts once per poll and once more each
   * time its content changes; watch events alone do not add to the count.
   *
   * @default {10}
   */
  readonly maxStaleRejects?: number;
  /**
   * How long an artifact that is not a valid wrapper (invalid JSON, no `data`,
   * …) may stay unchanged before the dispatch fails, in ms; while its content
   * keeps changing it is being written.
   *
   * @default {1000}
   */
  readonly settleMs?: number;
  /**
   * Watch the directory (with polling as a fallback) or only poll.
   *
   * @default {"watch"}
   */
  readonly mode?: FileDispatchMode;
  /**
   * Source of dispatch ids; share one between dispatchers.
   *
   * @default {new DispatchIds()}
   */
  readonly ids?: DispatchIds;
  /**
   * Clock and timers for signal timestamps, polls, the deadline and the
   * settle time (tests pass a `FakeTime`).
   *
   * @default {systemClock}
   */
  readonly clock?: TimerClock;
  /**
   * Starts directory watches in `watch` mode.
   *
   * @default {denoWatchFactory}
   */
  readonly watch?: WatchFactory;
  /** Receives debug and progress events. Errors it throws are ignored. */
  readonly onEvent?: (event: FileDispatchEvent) => void;
  /**
   * Called with the signal's path right after each `waiting` signal is
   * written, before the directory watch starts: how calibrate tells the
   * responder child it started (see `src/responder/wake_pipe.ts`). Errors it
   * throws are ignored.
   */
  readonly onSignalWritten?: (signalPath: string) => void;
  /**
   * The directory every file of a dispatch must stay in (the run directory),
   * symlinks followed: a case directory or an artifact leading outside fails
   * the dispatch with `invalid-artifact`.
   *
   * @default {the artifact's own directory}
   */
  readonly confineTo?: string;
}

/** Fields every {@linkcode FileDispatchEvent} has. */
export interface FileDispatchEventBase {
  /** Scenario case id, e.g. `C1`. */
  readonly caseId: string;
  /** Step of the dispatch. */
  readonly step: PipelineStep;
  /** Id of the dispatch. */
  readonly dispatchId: number;
  /** The file the event is about (signal, artifact, or watched directory). */
  readonly path: string;
}

/**
 * What made a dispatch look at its files: the check `start`ing the wait, a
 * `watch` event, the fallback `poll`, the `settle` time of an unparseable
 * artifact, the `deadline`, or an `abort`.
 */
export type CheckTrigger =
  | "start"
  | "watch"
  | "poll"
  | "settle"
  | "deadline"
  | "abort";

/**
 * A debug or progress event of a dispatch. Events that report a check carry
 * its `trigger` (an `accepted` event with trigger `poll` on a watched
 * directory suggests the file system does not deliver watch events):
 *
 * - `signal`: the signal was written with `status` (`path`: the signal).
 * - `unsettled`: the artifact exists but is not a valid wrapper (yet); sent
 *   each time its content changes (`path`: the artifact).
 * - `stale`: an artifact of another dispatch was rejected.
 * - `claimed`: an agent claimed this dispatch (`claim.json` names its id);
 *   sent once (`path`: the claim).
 * - `accepted`: the artifact was accepted.
 * - `watch-fallback`: the directory watch failed or could not start; the
 *   dispatch goes on polling (`path`: the directory).
 * - `error`: the dispatch failed (`path`: the artifact).
 */
export type FileDispatchEvent =
  | FileDispatchEventBase & {
    readonly kind: "signal";
    readonly status: SignalStatus;
  }
  | FileDispatchEventBase & {
    readonly kind: "unsettled";
    readonly trigger: CheckTrigger;
    readonly problem: string;
  }
  | FileDispatchEventBase & {
    readonly kind: "stale";
    readonly trigger: CheckTrigger;
    readonly foundId: number;
    readonly streak: number;
  }
  | FileDispatchEventBase & {
    readonly kind: "claimed";
    readonly trigger: CheckTrigger;
    /** The claim's `agent`. */
    readonly agent: string;
    /** The claim's `claimed_at` (`""` when the agent gave none). */
    readonly claimedAt: string;
  }
  | FileDispatchEventBase & {
    readonly kind: "accepted";
    readonly trigger: CheckTrigger;
  }
  | FileDispatchEventBase & {
    readonly kind: "watch-fallback";
    readonly error: unknown;
  }
  | FileDispatchEventBase & {
    readonly kind: "error";
    readonly trigger: CheckTrigger;
    readonly error: DispatchError;
  };

/** A posted dispatch: its signal is on disk and its artifact awaited. */
export interface PendingDispatch {
  /** Id of the dispatch (the signal's `dispatch_id`). */
  readonly dispatchId: number;
  /** Absolute path of `signal.json`. */
  readonly signalPath: string;
  /** Absolute path of the artifact. */
  readonly artifactPath: string;
  /**
   * Resolves with the artifact's `data` once accepted; rejects with a
   * {@linkcode DispatchError}. A rejection is never reported as unhandled,
   * however late it is awaited.
   */
  readonly result: Promise<unknown>;
}

interface ResolvedOptions {
  readonly pollIntervalMs: number;
  readonly timeoutMs: number;
  readonly maxStaleRejects: number;
  readonly settleMs: number;
  readonly mode: FileDispatchMode;
  readonly ids: DispatchIds;
  readonly clock: TimerClock;
  readonly watch: WatchFactory;
  readonly confineTo?: string;
  readonly onEvent?: (event: FileDispatchEvent) => void;
  readonly onSignalWritten?: (signalPath: string) => void;
}

function invalidOption(name: string, value: unknown, expected: string): never {
  throw new RangeError(
    `Cannot create file dispatcher with '${name}' = ${
      typeof value === "string" ? `"${value}"` : String(value)
    }: expected ${expected}`,
  );
}

function resolveOptions(options: FileDispatcherOptions): ResolvedOptions {
  const {
    pollIntervalMs = 500,
    timeoutMs = 600_000,
    maxStaleRejects = 10,
    settleMs = 1000,
    mode = "watch",
  } = options;
  if (typeof pollIntervalMs !== "number" || !(pollIntervalMs > 0)) {
    invalidOption("pollIntervalMs", pollIntervalMs, "a positive number");
  }
  if (!Number.isFinite(pollIntervalMs)) {
    invalidOption("pollIntervalMs", pollIntervalMs, "a finite number");
  }
  if (typeof timeoutMs !== "number" || !(timeoutMs > 0)) {
    invalidOption("timeoutMs", timeoutMs, "a positive number");
  }
  if (!Number.isInteger(maxStaleRejects) || maxStaleRejects < 1) {
    invalidOption("maxStaleRejects", maxStaleRejects, "a positive integer");
  }
  if (
    typeof settleMs !== "number" || !Number.isFinite(settleMs) || settleMs < 0
  ) {
    invalidOption("settleMs", settleMs, "a non-negative finite number");
  }
  if (mode !== "watch" && mode !== "poll") {
    invalidOption("mode", mode, `"watch" or "poll"`);
  }
  return {
    pollIntervalMs,
    timeoutMs,
    maxStaleRejects,
    settleMs,
    mode,
    ids: options.ids ?? new DispatchIds(),
    clock: options.clock ?? systemClock,
    confineTo: options.confineTo,
    watch: options.watch ?? denoWatchFactory,
    onEvent: options.onEvent,
    onSignalWritten: options.onSignalWritten,
  };
}

/** Returns whether `path` exists; other errors than absence propagate. */
function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * Dispatches prompts to an external agent through files (reference §10.4).
 *
 * For each dispatch it takes a fresh id, removes any old artifact and claim,
 * writes `signal.json` beside the artifact with status `waiting`, starts
 * watching the artifact's directory, and then checks at once, on every watch
 * event about the signal, artifact or claim, and every `pollIntervalMs`. A check fails the dispatch when the agent set the signal's
 * status to `error`, when an unparseable artifact stops changing for
 * `settleMs`, or after `maxStaleRejects` artifacts of other dispatches; it
 * accepts an artifact with this dispatch's id that passes
 * `context.validate`. The signal always ends `done` or `error`.
 *
 * @example
 * ```ts ignore
 * const dispatcher = new FileDispatcher({ ids: new DispatchIds() });
 * const pending = await dispatcher.post({
 *   caseId: "C1",
 *   step: "F0_RECALL",
 *   promptPath: "/run/C1/prompt-recall.md",
 *   artifactPath: "/run/C1/recall-result.json",
 * });
 * const data = await pending.result;
 * ```
 */
export class FileDispatcher implements Dispatcher {
  readonly #options: ResolvedOptions;
  /** Signal paths of the dispatches in flight, with their ids. */
  readonly #active = new Map<string, number>();

  /**
   * Creates a file dispatcher.
   *
   * @throws {RangeError} when an option is out of range.
   */
  constructor(options: FileDispatcherOptions = {}) {
    this.#options = resolveOptions(options);
  }

  /**
   * Posts `context` and waits for its artifact.
   *
   * @returns the artifact wrapper's `data`.
   * @throws {DispatchError} see {@linkcode post} and
   * {@linkcode PendingDispatch.result}.
   */
  async dispatch(context: DispatchContext): Promise<unknown> {
    return await (await this.post(context)).result;
  }

  /**
   * Posts `context`: removes an old artifact and claim, writes the signal and
   * starts the directory watch. Resolves as soon as the signal is on disk; the
   * returned `result` carries the waiting.
   *
   * Relative paths in `context` are resolved against the working directory.
   *
   * @throws {DispatchError} with reason `aborted` when `context.signal` is
   * already aborted (nothing is written), or `io` when the directory, the old
   * artifact or claim, or the signal cannot be handled.
   * @throws {Error} when a dispatch for the same signal file is in flight.
   */
  post(context: DispatchContext): Promise<PendingDispatch> {
    return settle(() => this.#post(context));
  }

  /** {@linkcode post}, synchronously: every file operation of it is small. */
  #post(context: DispatchContext): PendingDispatch {
    if (context.signal?.aborted) {
      throw new DispatchError(
        "aborted",
        `Cannot post dispatch for ${context.caseId} ${context.step}: aborted before it was posted`,
        { cause: context.signal.reason },
      );
    }
    const artifactPath = resolve(context.artifactPath);
    const signalPath = join(dirname(artifactPath), SIGNAL_FILE);
    const busy = this.#active.get(signalPath);
    if (busy !== undefined) {
      throw new Error(
        `Cannot post dispatch for ${context.caseId} ${context.step}: signal '${signalPath}' is in use by dispatch ${busy}`,
      );
    }
    const dispatchId = this.#options.ids.next();
    this.#active.set(signalPath, dispatchId);
    const dispatch = new FileDispatch(this.#options, {
      context,
      dispatchId,
      artifactPath,
      promptPath: resolve(context.promptPath),
      signalPath,
      claimPath: join(dirname(artifactPath), CLAIM_FILE),
    });
    try {
      dispatch.start();
    } catch (error) {
      this.#active.delete(signalPath);
      throw error;
    }
    const result = dispatch.run().finally(() =>
      this.#active.delete(signalPath)
    );
    // Mark the rejection handled now; callers may await `result` much later.
    result.catch(() => {});
    return { dispatchId, signalPath, artifactPath, result };
  }
}

interface DispatchTarget {
  readonly context: DispatchContext;
  readonly dispatchId: number;
  readonly artifactPath: string;
  readonly promptPath: string;
  readonly signalPath: string;
  readonly claimPath: string;
}

/** An artifact that is not a valid wrapper, and since when it is unchanged. */
interface Unsettled {
  readonly text: string;
  readonly since: number;
}

/** Outcome of one check that did not end the dispatch. */
const KEEP_WAITING = Symbol("keep waiting");

/** One dispatch, from the signal to a `done` or `error` signal. */
class FileDispatch {
  readonly #options: ResolvedOptions;
  readonly #target: DispatchTarget;
  readonly #dir: string;
  readonly #wake = new Wake();
  readonly #deadline: number;
  #handle: WatchHandle | undefined;
  #consumer: Promise<void> | undefined;
  #timer: TimerId | undefined;
  #stopped = false;
  /** The watch was closed: the outcome is known, or the dispatch stopped. */
  #watchClosed = false;
  /** Performance time of the next fallback poll. */
  #nextPollAt = 0;
  #staleStreak = 0;
  #lastStaleText: string | undefined;
  #unsettled: Unsettled | undefined;
  /** A `claimed` event was sent. */
  #claimed = false;
  /** The signal already has its final status (or the responder's `error`). */
  #finished = false;
  /** The `error` text for the signal when the dispatch fails. */
  #signalError: string | undefined;
  /** What made the current check happen. */
  #trigger: CheckTrigger = "start";
  /** What woke the loop since it last went to sleep. */
  #woken: CheckTrigger | undefined;
  readonly #onAbort = () => this.#wakeFor("abort");

  constructor(options: ResolvedOptions, target: DispatchTarget) {
    this.#options = options;
    this.#target = target;
    this.#dir = dirname(target.artifactPath);
    this.#deadline = options.clock.now().getTime() + options.timeoutMs;
  }

  /**
   * Prepares the directory, writes the `waiting` signal and starts the watch.
   * The file operations are synchronous: each is a single small system call,
   * and an awaited one costs several times as much.
   */
  start(): void {
    const { artifactPath, claimPath, signalPath } = this.#target;
    // The checks' `lstat`s say what exists: the directory, an old artifact,
    // an old signal; only those are created or removed.
    const artifact = this.#confine(artifactPath);
    if (artifact.dirExists !== true) {
      try {
        Deno.mkdirSync(this.#dir, { recursive: true });
      } catch (error) {
        throw this.#ioError("create directory", this.#dir, error);
      }
    }
    if (artifact.info !== undefined) {
      try {
        Deno.removeSync(artifactPath);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) {
          throw this.#ioError("remove old artifact", artifactPath, error);
        }
      }
    }
    try {
      Deno.removeSync(claimPath);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) {
        throw this.#ioError("remove old claim", claimPath, error);
      }
    }
    // The old signal (an earlier dispatch's, finished) is replaced by the
    // `waiting` one through the directory's spare signal file (see
    // `recyclingWriteSync`): no file is created or freed. The directory was
    // checked with the artifact, in this same synchronous step: the old
    // signal needs only its own lstat (all of them when the directory was
    // just created).
    if (artifact.dirExists === true) {
      this.#confined(signalPath, lstatInCheckedDirSync);
    } else this.#confine(signalPath);
    this.#writeSignal("waiting", { checked: "signal" });
    // The watch starts after the signal is written, so the signal's own
    // events never reach it; an artifact that lands before the watch is up is
    // found by the first check, which runs after it.
    if (this.#options.mode === "watch") {
      try {
        this.#handle = this.#options.watch(this.#dir);
      } catch (error) {
        this.#emitFallback(error);
      }
    }
    if (this.#handle) this.#consumer = this.#consume(this.#handle);
    this.#target.context.signal?.addEventListener("abort", this.#onAbort);
  }

  /** Waits for the artifact; always leaves the signal `done` or `error`. */
  async run(): Promise<unknown> {
    try {
      return await this.#loop();
    } catch (error) {
      const failure = error instanceof DispatchError ? error : this.#ioError(
        "check artifact",
        this.#target.artifactPath,
        error,
      );
      this.#closeWatch();
      if (!this.#finished) {
        try {
          this.#writeSignal("error", {
            error: this.#signalError ?? failure.message,
          });
        } catch {
          // The dispatch already failed; its error matters more.
        }
      }
      this.#emit({
        kind: "error",
        path: this.#target.artifactPath,
        trigger: this.#trigger,
        error: failure,
      });
      throw failure;
    } finally {
      await this.#stop();
    }
  }

  async #loop(): Promise<unknown> {
    const { clock, pollIntervalMs } = this.#options;
    this.#nextPollAt = clock.monotonic();
    while (true) {
      this.#throwIfAborted();
      const now = clock.monotonic();
      const isPoll = now >= this.#nextPollAt;
      if (isPoll) this.#nextPollAt = now + pollIntervalMs;
      const outcome = this.#check(isPoll);
      if (outcome !== KEEP_WAITING) return outcome;
      this.#throwIfAborted();
      if (clock.now().getTime() >= this.#deadline) this.#throwTimeout();
      this.#armTimer();
      await this.#wake.wait();
      this.#trigger = this.#woken ?? "poll";
      this.#woken = undefined;
    }
  }

  /** Wakes the loop, remembering the first reason (an abort overrides). */
  #wakeFor(reason: CheckTrigger): void {
    if (this.#woken === undefined || reason === "abort") this.#woken = reason;
    this.#wake.notify();
  }

  /**
   * One check: the signal for a responder error, then the artifact. The
   * claim is read after them: an agent claims before it answers, so every
   * claim made before the answer just read is reported before that answer.
   */
  #check(isPoll: boolean): unknown {
    const { artifactPath, dispatchId } = this.#target;
    const responderError = this.#readResponderError();
    if (responderError !== undefined) {
      this.#checkClaim();
      this.#finished = true;
      const { caseId, step } = this.#target.context;
      throw new DispatchError(
        "responder",
        `Responder reported an error for ${caseId} ${step} (dispatch ${dispatchId}): ${responderError}`,
      );
    }
    let text: string | undefined;
    // A missing artifact (the common case while waiting) is not read again.
    if (this.#confine(artifactPath).info !== undefined) {
      try {
        text = readTextIfExistsSync(artifactPath);
      } catch (error) {
        throw this.#ioError("read artifact", artifactPath, error);
      }
    }
    this.#checkClaim();
    if (text === undefined) {
      this.#staleStreak = 0;
      this.#lastStaleText = undefined;
      this.#unsettled = undefined;
      return KEEP_WAITING;
    }
    const parsed = readAnswer(text, {
      form: "wrapper",
      step: this.#target.context.step,
    });
    const foundId = parsed.dispatchId;
    if (foundId !== undefined && foundId !== dispatchId) {
      this.#unsettled = undefined;
      this.#rejectStale(text, foundId, isPoll);
      return KEEP_WAITING;
    }
    if (!parsed.ok) {
      this.#checkSettled(text, parsed);
      return KEEP_WAITING;
    }
    return this.#accept(parsed.data, parsed.repairs);
  }

  /**
   * Sends `claimed` the first time `claim.json` names this dispatch. Claims
   * are advisory: an unreadable claim is ignored, never fails the dispatch.
   */
  #checkClaim(): void {
    if (this.#claimed) return;
    const { claimPath, dispatchId } = this.#target;
    let claim;
    try {
      // `existsSync` costs no error object when there is no claim (the
      // common case); a claim it misses is a dangling symlink, which
      // `readOwnTextFileSync` would not read either: a symlink is never
      // read through.
      if (!existsSync(claimPath)) return;
      const found = readOwnTextFileSync(claimPath);
      claim = found.kind === "text" ? parseClaim(found.text) : undefined;
    } catch {
      return;
    }
    if (claim?.dispatch_id !== dispatchId) return;
    this.#claimed = true;
    this.#emit({
      kind: "claimed",
      path: claimPath,
      trigger: this.#trigger,
      agent: claim.agent,
      claimedAt: claim.claimed_at,
    });
  }

  /** The `error` text of the signal when the agent reported an error for this dispatch. */
  #readResponderError(): string | undefined {
    const { signalPath, dispatchId } = this.#target;
    let found;
    try {
      // Never read through a symlink an agent put in the signal's place:
      // the next signal write refuses the path.
      found = readOwnTextFileSync(signalPath);
    } catch (error) {
      throw this.#ioError("read signal", signalPath, error);
    }
    if (found.kind === "other") return undefined;
    if (found.kind === "missing") {
      // The case directory itself is gone (removed mid-run): no answer can
      // arrive, so fail now instead of waiting for the timeout.
      if (!exists(this.#dir)) {
        throw this.#ioError(
          "wait in",
          this.#dir,
          new Deno.errors.NotFound("the case directory was removed"),
        );
      }
      return undefined;
    }
    let value: unknown;
    try {
      value = JSON.parse(found.text);
    } catch {
      return undefined;
    }
    if (typeof value !== "object" || value === null) return undefined;
    // Read leniently: an agent's error signal may lack keys we always write.
    const signal = value as Record<string, unknown>;
    if (signal.dispatch_id !== dispatchId || signal.status !== "error") {
      return undefined;
    }
    return typeof signal.error === "string" && signal.error !== ""
      ? signal.error
      : "no error text given";
  }

  #rejectStale(text: string, foundId: number, isPoll: boolean): void {
    // An unchanged stale artifact counts once per poll, so a burst of watch
    // events cannot use up the tolerance.
    if (!isPoll && text === this.#lastStaleText) return;
    this.#lastStaleText = text;
    this.#staleStreak += 1;
    const { artifactPath, dispatchId } = this.#target;
    this.#emit({
      kind: "stale",
      path: artifactPath,
      trigger: this.#trigger,
      foundId,
      streak: this.#staleStreak,
    });
    if (this.#staleStreak >= this.#options.maxStaleRejects) {
      throw new DispatchError(
        "stale",
        `Cannot accept artifact '${artifactPath}': expected dispatch_id ${dispatchId}, found stale dispatch_id ${foundId} (${this.#staleStreak} stale artifacts in a row)`,
      );
    }
  }

  #checkSettled(
    text: string,
    parsed: Extract<AnswerReading, { ok: false }>,
  ): void {
    const now = this.#options.clock.now().getTime();
    const { artifactPath } = this.#target;
    if (this.#unsettled?.text !== text) {
      this.#unsettled = { text, since: now };
      this.#emit({
        kind: "unsettled",
        path: artifactPath,
        trigger: this.#trigger,
        problem: parsed.message,
      });
      return;
    }
    const { settleMs } = this.#options;
    if (now - this.#unsettled.since < settleMs) return;
    if (parsed.problem === "invalid-json") {
      throw new DispatchError(
        "invalid-json",
        `Cannot accept artifact '${artifactPath}': invalid JSON did not settle within ${settleMs} ms`,
        { cause: parsed.cause },
      );
    }
    throw new DispatchError(
      "invalid-artifact",
      `Cannot accept artifact '${artifactPath}': ${parsed.message}`,
    );
  }

  #accept(data: unknown, repairs: readonly AnswerRepair[]): unknown {
    // The answer is in: stop watching before the last signal write, so its
    // events cost nothing. The check is immediate, so the signal goes from
    // `waiting` straight to `done` or `error`: a `processing` signal between
    // them would be one more atomic write per dispatch that no agent could
    // act on.
    this.#closeWatch();
    const { context, artifactPath, dispatchId } = this.#target;
    try {
      context.validate?.(data);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#signalError = message;
      throw new DispatchError(
        "invalid-artifact",
        `Artifact '${artifactPath}' for ${context.caseId} ${context.step} (dispatch ${dispatchId}) failed validation: ${message}`,
        { cause: error },
      );
    }
    // The check that found the answer confined the artifact, and with it
    // the directory, in this same synchronous step.
    this.#writeSignal("done", { checked: "dir" });
    this.#emit({
      kind: "accepted",
      path: artifactPath,
      trigger: this.#trigger,
    });
    if (repairs.length > 0) context.onRepairs?.(repairs);
    return data;
  }

  #throwIfAborted(): void {
    const { signal, caseId, step } = this.#target.context;
    if (!signal?.aborted) return;
    this.#signalError = DISPATCH_ABORTED_ERROR;
    throw new DispatchError(
      "aborted",
      `Dispatch ${this.#target.dispatchId} for ${caseId} ${step} was aborted`,
      { cause: signal.reason },
    );
  }

  #throwTimeout(): never {
    const { timeoutMs } = this.#options;
    const { artifactPath, dispatchId, context } = this.#target;
    this.#signalError =
      `timed out after ${timeoutMs} ms waiting for ${artifactPath}`;
    throw new DispatchError(
      "timeout",
      `Dispatch ${dispatchId} for ${context.caseId} ${context.step} timed out after ${timeoutMs} ms waiting for artifact '${artifactPath}'`,
    );
  }

  /** Wakes the loop at the next poll, the deadline, or the settle time. */
  #armTimer(): void {
    const { clock, settleMs } = this.#options;
    clock.clearTimeout(this.#timer);
    const now = clock.now().getTime();
    const settleAt = this.#unsettled
      ? this.#unsettled.since + settleMs
      : Infinity;
    let reason: CheckTrigger = "poll";
    let delay = this.#nextPollAt - clock.monotonic();
    if (this.#deadline - now < delay) {
      reason = "deadline";
      delay = this.#deadline - now;
    }
    if (settleAt - now < delay) {
      reason = "settle";
      delay = settleAt - now;
    }
    this.#timer = clock.setTimeout(() => {
      this.#timer = undefined;
      this.#wakeFor(reason);
    }, Math.min(Math.max(0, Math.ceil(delay)), MAX_TIMER_MS));
  }

  async #consume(handle: WatchHandle): Promise<void> {
    let failure: { error: unknown } | undefined;
    try {
      for await (const event of handle) {
        if (this.#stopped || this.#watchClosed) return;
        if (event.kind === "error") {
          failure = { error: event.error };
          break;
        }
        if (this.#concerns(event)) this.#wakeFor("watch");
      }
    } catch (error) {
      failure = { error };
    }
    handle.close();
    if (this.#stopped || this.#watchClosed) return;
    this.#emitFallback(
      failure ? failure.error : new Error("The directory watch ended"),
    );
    // Check at once; the poll carries on.
    this.#wakeFor("watch");
  }

  /**
   * Whether a watch event may change what a check finds: a `rescan`, an event
   * without paths, or one naming the signal, the artifact, the claim, or
   * anything but a file in the directory (the directory itself, moved or
   * removed). Other files of the directory — temporary files of atomic
   * writes, prompts, the runner's state — cannot, so their events (five or
   * six per atomic write) do not cost a check each.
   */
  #concerns(event: WatchEvent): boolean {
    if (event.kind !== "change" || event.paths.length === 0) return true;
    const { artifactPath, signalPath, claimPath } = this.#target;
    for (const path of event.paths) {
      if (dirname(path) !== this.#dir) return true;
      if (path === artifactPath || path === signalPath || path === claimPath) {
        return true;
      }
    }
    return false;
  }

  /** Ends the directory watch once the outcome is known. */
  #closeWatch(): void {
    this.#watchClosed = true;
    this.#handle?.close();
  }

  async #stop(): Promise<void> {
    this.#stopped = true;
    this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#target.context.signal?.removeEventListener("abort", this.#onAbort);
    this.#closeWatch();
    await this.#consumer;
  }

  /**
   * Writes the signal with `status` (and `error`). `checked`: what was
   * confined in the same synchronous step (no other code ran since), so is
   * not checked again: the signal path itself, or its directory (the
   * artifact's check).
   */
  #writeSignal(
    status: SignalStatus,
    { error, checked }: {
      readonly error?: string;
      readonly checked?: "signal" | "dir";
    } = {},
  ): void {
    const { context, dispatchId, promptPath, artifactPath, signalPath } =
      this.#target;
    // Checked before every write: the case directory may have been replaced
    // by a symlink since the dispatch started.
    if (checked === "dir") this.#confined(signalPath, lstatInCheckedDirSync);
    else if (checked === undefined) this.#confine(signalPath);
    try {
      writeSignalSync(signalPath, {
        status,
        dispatch_id: dispatchId,
        case_id: context.caseId,
        step: context.step,
        prompt_path: promptPath,
        artifact_path: artifactPath,
        timestamp: formatTimestamp(this.#options.clock.now()),
        ...(error ? { error } : {}),
      }, { recycle: true });
      // Each status replaces the last in one rename, never through a moment
      // without a signal: a calibrate killed in such a moment left an
      // artifact no signal vouched for, so --resume asked the step again.
    } catch (cause) {
      throw this.#ioError("write signal", signalPath, cause);
    }
    if (status === "done" || status === "error") this.#finished = true;
    if (status === "waiting") {
      try {
        this.#options.onSignalWritten?.(signalPath);
      } catch {
        // A listener's failure must not break the dispatch.
      }
    }
    this.#emit({ kind: "signal", path: signalPath, status });
  }

  /**
   * Fails the dispatch when `path` leads outside the confining directory or
   * is a symlink.
   *
   * @returns the path's `lstat` (`info` undefined when it does not exist).
   */
  #confine(path: string): ConfinedPath {
    return this.#confined(path, lstatConfinedSync);
  }

  #confined<T>(path: string, check: (root: string, path: string) => T): T {
    const root = this.#options.confineTo ?? this.#dir;
    try {
      return check(root, path);
    } catch (error) {
      if (!(error instanceof PathConfinementError)) {
        throw this.#ioError("resolve", path, error);
      }
      this.#signalError = error.message;
      const { context, dispatchId } = this.#target;
      throw new DispatchError(
        "invalid-artifact",
        `Cannot dispatch ${context.caseId} ${context.step} (dispatch ${dispatchId}): ${error.message}`,
        { cause: error },
      );
    }
  }

  #ioError(action: string, path: string, cause: unknown): DispatchError {
    const { context, dispatchId } = this.#target;
    const detail = cause instanceof Error ? cause.message : String(cause);
    return new DispatchError(
      "io",
      `Cannot ${action} '${path}' for ${context.caseId} ${context.step} (dispatch ${dispatchId}): ${detail}`,
      { cause },
    );
  }

  #emitFallback(error: unknown): void {
    this.#emit({ kind: "watch-fallback", path: this.#dir, error });
  }

  #emit(
    event: DistributiveOmit<
      FileDispatchEvent,
      "caseId" | "step" | "dispatchId"
    >,
  ): void {
    const { onEvent } = this.#options;
    if (!onEvent) return;
    const { context, dispatchId } = this.#target;
    try {
      onEvent(
        {
          ...event,
          caseId: context.caseId,
          step: context.step,
          dispatchId,
        } as FileDispatchEvent,
      );
    } catch {
      // A listener's failure must not break the dispatch.
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K>
  : never;
