/**
 * The ground-truth responder: watches a run directory the way an external
 * agent would, and answers every waiting signal from the scenario's ground
 * truth (see `contracts/file-protocol.md`).
 *
 * Discovery: a recursive `Deno.watchFs` on the run directory reacts to new or
 * rewritten `signal.json` files at once; a sweep of the directory tree is
 * the fallback ground truth — every `pollIntervalMs` in poll mode, where it is
 * the only mechanism, and less often (backing off up to 16 times that) while
 * the watcher finds every signal. In `hinted` mode (the child calibrate
 * starts) nothing is watched: whoever writes a signal says so
 * ({@linkcode Responder.notice}), and the sweep backs off as it does behind a
 * watcher. A signal is answered once per `(path, dispatch_id)`. When the
 * signal's suite has a batch manifest (or the signal a claim), the responder
 * first claims it (`claim.json`, see `contracts/batch-protocol.md`) and
 * leaves it alone if another agent holds the claim; the manifest's content is
 * never trusted, so a forged or garbage manifest neither skips a signal nor
 * lets it be answered twice.
 *
 * Agents can write every file of the run directory, so the responder trusts
 * none of their paths: the artifact path is derived from the signal's
 * location and step, every path is confined to the run directory (symlinks
 * included), and an I/O error in a sweep is reported as an event, never
 * fatal.
 *
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import {
  findRunRootSync,
  type RunDirKnowledge,
  RunDirKnowledgeCache,
} from "./run_dir_knowledge.ts";
import { groundTruthAnswer } from "../adapter/ground_truth.ts";
import {
  isPipelineStep,
  type PipelineStep,
  STEP_INFO,
} from "../pipeline/step.ts";
import type { Scenario } from "../scenario/scenario_schema.ts";
import { MANIFEST_FILE } from "../transport/batch_manifest.ts";
import { CLAIM_FILE, claimSignal } from "../transport/claim.ts";
import { findSignalFiles } from "../transport/find_signal_files.ts";
import {
  readSignalSync,
  type Signal,
  SIGNAL_FILE,
  writeSignalSync,
} from "../transport/signal.ts";
import { Wake } from "../util/wake.ts";
import { RunEndWatch } from "./run_end_watch.ts";
import type { RunStatus } from "../runner/run_file.ts";
import { RUN_FILE } from "../runner/run_layout.ts";
import { atomicWriteTextFileSync } from "../util/atomic_write.ts";
import { SpareFile } from "../util/spare_file.ts";
import { confinePathSync } from "../util/confine_path.ts";
import { systemClock, type TimerClock } from "../util/clock.ts";

/** Something the responder did. */
export type ResponderEvent =
  | {
    readonly type: "answered";
    readonly caseId: string;
    readonly step: string;
    readonly dispatchId: number;
    readonly artifactPath: string;
  }
  | {
    readonly type: "failed";
    readonly signalPath: string;
    readonly message: string;
  }
  | {
    /** A sweep or a look at one signal hit an I/O error; the responder goes on. */
    readonly type: "io-error";
    readonly path: string;
    readonly message: string;
  };

/** Options of {@linkcode startResponder}. */
export interface ResponderOptions {
  /** The directory to watch (a run directory or a parent of several). */
  readonly runDir: string;
  /** The ground truth to answer from. */
  readonly scenario: Scenario;
  /**
   * Delay before each answer, in milliseconds (to simulate a slow agent).
   *
   * @default {0}
   */
  readonly delayMs?: number;
  /**
   * Interval of the fallback sweep. In `watch` and `hinted` mode it grows, up
   * to 16 times (64 in `hinted` mode), while the watcher (or the hints) find
   * every signal.
   *
   * @default {200}
   */
  readonly pollIntervalMs?: number;
  /**
   * `watch` reacts to file events and sweeps as a fallback; `poll` only
   * sweeps; `hinted` watches nothing and looks at the signals it is told of
   * ({@linkcode Responder.notice}), sweeping as a fallback. A recursive
   * watch wakes for every write anywhere in the run directory (the runner's
   * prompts, states and store included) and resolves every event's path: it
   * costs more than the answers, which `hinted` spares the child calibrate
   * starts, since calibrate names each signal it writes.
   *
   * @default {"watch"}
   */
  readonly mode?: "watch" | "poll" | "hinted";
  /** Receives what the responder did. */
  readonly onEvent?: (event: ResponderEvent) => void;
  /**
   * Produces the step payload of a signal.
   *
   * @default {the scenario's ground truth}
   */
  readonly answerer?: SignalAnswerer;
  /**
   * Turns a payload into the artifact text.
   *
   * @default {the `{dispatch_id, data}` wrapper as JSON}
   */
  readonly render?: (signal: Signal, data: unknown) => string;
  /**
   * Called once when the run of `runDir` ends (`run.json` gets an end status
   * after the responder started; see {@linkcode RunEndWatch}). The responder
   * goes on until stopped.
   */
  readonly onRunEnded?: (status: RunStatus) => void;
  /**
   * Timers of the answer delay and the sweep interval.
   *
   * @default {systemClock}
   */
  readonly clock?: TimerClock;
}

/** What a {@linkcode SignalAnswerer} is asked. */
export interface SignalRequest {
  /** The signal answered. */
  readonly signal: Signal & { readonly step: PipelineStep };
  /** The run directory holding it. */
  readonly runRoot: string;
  /** The run's files. */
  readonly knowledge: RunDirKnowledge;
}

/** Produces the step payload for a signal. */
export type SignalAnswerer = (request: SignalRequest) => Promise<unknown>;

/** A running responder. */
export interface Responder {
  /** Number of signals answered so far. */
  readonly answered: number;
  /**
   * Looks at the signal at `path` now: a hint from whoever wrote it (in any
   * mode; the only way but the sweep in `hinted` mode). A path that is not a
   * `signal.json` inside the run directory is ignored; the signal is read
   * from disk and answered only when it is `waiting` and new.
   */
  notice(path: string): void;
  /** Stops watching; resolves once pending answers are written or dropped. */
  stop(): Promise<void>;
}

/**
 * How many times `pollIntervalMs` the fallback sweep may wait while the
 * watcher runs and finds every signal.
 */
const MAX_SWEEP_BACKOFF = 16;
/**
 * {@linkcode MAX_SWEEP_BACKOFF} in `hinted` mode: a hint on a pipe is not
 * lost the way a watch event can be, and a sweep of a large run's tree costs
 * tens of milliseconds.
 */
const MAX_HINTED_SWEEP_BACKOFF = 64;

/** Name the responder claims signals under. */
export const RESPONDER_AGENT = "asterisk respond";

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * Claims `signal` when claims are in use — its suite has a batch manifest
 * (whatever the manifest says: its content is agent-writable) or the signal
 * already has a claim: true when this responder may answer it. Otherwise
 * (file transport) it is answered signal by signal.
 */
async function claimIfShared(
  path: string,
  signal: Signal,
  clock: TimerClock,
): Promise<boolean> {
  const signalDir = dirname(path);
  const shared = exists(join(dirname(signalDir), MANIFEST_FILE)) ||
    exists(join(signalDir, CLAIM_FILE));
  if (!shared) return true;
  return await claimSignal(signalDir, {
    dispatchId: signal.dispatch_id,
    agent: RESPONDER_AGENT,
    clock,
  });
}

/**
 * Whether the artifact of `signal` (at `signalPath`, confined to `root`) is
 * already on disk with its `dispatch_id`: answered before — by this
 * responder before a restart, or by another agent — and not to be answered
 * again. Anything unreadable counts as not answered.
 */
function answeredOnDisk(
  root: string,
  signalPath: string,
  signal: Signal,
): boolean {
  if (!isPipelineStep(signal.step)) return false;
  try {
    const artifactPath = confinePathSync(
      root,
      derivedArtifactPath(signalPath, signal.step, signal.artifact_path),
    );
    const value = JSON.parse(Deno.readTextFileSync(artifactPath));
    return typeof value === "object" && value !== null &&
      value.dispatch_id === signal.dispatch_id;
  } catch {
    // Missing, unreadable, not JSON or a refused path: answer it (answer()
    // reports a refused path).
    return false;
  }
}

/** Artifact file name of `step`: its first execution, or its loop `n`. */
function artifactNamePattern(step: PipelineStep): RegExp {
  const base = STEP_INFO[step].artifactFile.replace(/\.json$/, "");
  return new RegExp(
    `^${base.replace(/[.-]/g, "\\$&")}(-loop-[1-9]\\d*)?\\.json$`,
  );
}

/**
 * The artifact path asterisk gives the signal at `signalPath`: the step's
 * artifact file in the signal's own directory. The signal's `artifact_path`
 * only picks the attempt (`-loop-n`).
 *
 * @throws {Error} when the signal names any other file.
 */
export function derivedArtifactPath(
  signalPath: string,
  step: PipelineStep,
  artifactPath: string,
): string {
  const dir = dirname(resolve(signalPath));
  const named = resolve(dir, artifactPath);
  if (
    dirname(named) !== dir || !artifactNamePattern(step).test(basename(named))
  ) {
    throw new Error(
      `Refusing artifact path '${artifactPath}' of signal '${signalPath}': expected the ${step} artifact ('${
        STEP_INFO[step].artifactFile
      }') in the signal's directory`,
    );
  }
  return named;
}

/**
 * Starts answering waiting signals under `options.runDir` from the ground
 * truth. Store ids are resolved from the run's files (`run.json`,
 * `state.json`), so the responder can run in another process than the runner.
 */
export function startResponder(options: ResponderOptions): Responder {
  const root = resolve(options.runDir);
  const delayMs = options.delayMs ?? 0;
  const pollIntervalMs = options.pollIntervalMs ?? 200;
  const answerer: SignalAnswerer = options.answerer ??
    ((request) =>
      groundTruthAnswer(
        options.scenario,
        { caseId: request.signal.case_id, step: request.signal.step },
        request.knowledge,
      ));
  const render = options.render ??
    ((signal: Signal, data: unknown) =>
      `${
        JSON.stringify({ dispatch_id: signal.dispatch_id, data }, null, 2)
      }\n`);
  const clock = options.clock ?? systemClock;
  const seen = new Set<string>();
  /** What each finished signal file was when last read (see `consider`). */
  const versions = new Map<string, string>();
  const pending = new Set<Promise<void>>();
  const timers = new Set<number>();
  let answered = 0;
  let stopped = false;
  const wake = new Wake();
  let watcher: Deno.FsWatcher | undefined;

  const emit = (event: ResponderEvent) => options.onEvent?.(event);

  const knowledgeCache = new RunDirKnowledgeCache();
  /**
   * A spare empty file per answer directory, made after each answer while
   * the next signal is awaited, so no answer waits for a file create.
   */
  const spares = new Map<string, SpareFile>();
  function spareIn(dir: string): SpareFile {
    let spare = spares.get(dir);
    if (spare === undefined) spares.set(dir, spare = new SpareFile(dir));
    return spare;
  }

  // Small files on the answer path are read and written synchronously: each
  // is one small system call, and an awaited one costs several times as much.
  function fail(path: string, signal: Signal, message: string): void {
    try {
      confinePathSync(root, path);
      const current = readSignalSync(path);
      if (
        current?.dispatch_id === signal.dispatch_id &&
        current.status === "waiting"
      ) {
        writeSignalSync(path, {
          ...current,
          status: "error",
          error: message,
        });
      }
    } catch (error) {
      emit({ type: "io-error", path, message: (error as Error).message });
    }
    emit({ type: "failed", signalPath: path, message });
  }

  /**
   * The run directory of each signal directory found so far: a case
   * directory stays in its run, and looking it up again costs a failed
   * `stat` per level (an exception each). The run's `run.json` is checked on
   * every answer anyway (`knowledgeCache`).
   */
  const runRoots = new Map<string, string>();

  function runRootOf(path: string): string | undefined {
    const dir = dirname(path);
    let runRoot = runRoots.get(dir);
    if (runRoot === undefined) {
      runRoot = findRunRootSync(dir, root);
      if (runRoot !== undefined) runRoots.set(dir, runRoot);
    }
    return runRoot;
  }

  async function answer(path: string, signal: Signal): Promise<void> {
    if (stopped) return;
    const runRoot = runRootOf(path);
    if (runRoot === undefined) {
      return fail(path, signal, `No run.json found above '${path}'`);
    }
    try {
      const knowledge = await knowledgeCache.get(runRoot);
      if (knowledge.run.scenario !== options.scenario.name) {
        return fail(
          path,
          signal,
          `Responder answers scenario '${options.scenario.name}' but the run is '${knowledge.run.scenario}'`,
        );
      }
      if (!isPipelineStep(signal.step)) {
        return fail(path, signal, `Unknown step '${signal.step}'`);
      }
      const step = signal.step;
      const artifactPath = confinePathSync(
        root,
        derivedArtifactPath(path, step, signal.artifact_path),
      );
      const data = await answerer({
        signal: { ...signal, step },
        runRoot,
        knowledge,
      });
      if (stopped) return;
      const text = render(signal, data);
      // Confined in this same synchronous step as the write.
      const tempDir = answerTempDir(artifactPath);
      try {
        if (tempDir === undefined) atomicWriteTextFileSync(artifactPath, text);
        else spareIn(tempDir).writeNew(artifactPath, text);
      } catch (error) {
        if (tempDir === undefined) throw error;
        // The parent may be another file system (a rename cannot cross
        // one) or unwritable: write beside the artifact instead.
        atomicWriteTextFileSync(artifactPath, text);
      }
      answered += 1;
      emit({
        type: "answered",
        caseId: signal.case_id,
        step: signal.step,
        dispatchId: signal.dispatch_id,
        artifactPath,
      });
      // The next answer's file, made while the next signal is awaited.
      if (tempDir !== undefined && !stopped) track(spareIn(tempDir).prepare());
    } catch (error) {
      fail(path, signal, (error as Error).message);
    }
  }

  /**
   * Where an answer's temporary file goes: the case directory's parent when
   * it is inside the run directory, so a dispatcher watching the case
   * directory sees the artifact's rename alone, not the five events of
   * creating and writing the temporary file first (each costs its watcher
   * thread a path resolution); else the case directory.
   */
  function answerTempDir(artifactPath: string): string | undefined {
    const parent = dirname(dirname(artifactPath));
    try {
      if (parent !== root && !parent.startsWith(`${root}/`)) return undefined;
      return confinePathSync(root, parent);
    } catch {
      // Not confinable (a symlink an agent left): beside the artifact.
      return undefined;
    }
  }

  function track(work: Promise<void>): void {
    const job = work.catch(() => {}).finally(() => pending.delete(job));
    pending.add(job);
  }

  function schedule(path: string, signal: Signal): void {
    const run = () => track(answer(path, signal));
    if (delayMs <= 0) return run();
    const timer = clock.setTimeout(() => {
      timers.delete(timer);
      run();
    }, delayMs);
    timers.add(timer);
  }

  /** Looks at the signal at `path`: true when it scheduled a new answer. */
  async function consider(path: string): Promise<boolean> {
    try {
      // A finished signal (`done` or `error`) that has not changed since
      // (same inode, size and modification time) needs no second look: a
      // sweep of a large run reads only the signals that changed or still
      // wait. A waiting one is always read again: the dispatcher's signals
      // take turns in two inodes (`recyclingWriteSync`), so the next
      // dispatch's signal can have the inode, size and (on a coarse clock)
      // modification time of one answered before; `seen` keeps it from
      // being answered twice.
      let info: Deno.FileInfo;
      try {
        info = Deno.lstatSync(path);
      } catch (error) {
        // Gone: its case removed, or a signal an agent deleted.
        if (error instanceof Deno.errors.NotFound) return false;
        throw error;
      }
      const version = `${info.ino} ${info.size} ${info.mtime?.getTime()}`;
      if (versions.get(path) === version) return false;
      confinePathSync(root, path);
      const signal = readSignalSync(path);
      if (signal === undefined || signal.status !== "waiting") {
        if (signal !== undefined) versions.set(path, version);
        return false;
      }
      const key = `${path}:${signal.dispatch_id}`;
      if (seen.has(key)) return false;
      seen.add(key);
      if (answeredOnDisk(root, path, signal)) return false;
      if (!(await claimIfShared(path, signal, clock))) return false;
      schedule(path, signal);
      return true;
    } catch (error) {
      emit({ type: "io-error", path, message: (error as Error).message });
      return false;
    }
  }

  /** Sweeps the tree: true when it found a waiting signal not seen before. */
  async function sweep(): Promise<boolean> {
    let found = false;
    try {
      for await (const path of findSignalFiles(root)) {
        if (stopped) return found;
        if (await consider(path)) found = true;
      }
    } catch (error) {
      emit({ type: "io-error", path: root, message: (error as Error).message });
    }
    return found;
  }

  const hinted = options.mode === "hinted";

  function startWatcher(): void {
    if (options.mode === "poll" || hinted || watcher !== undefined) return;
    try {
      watcher = Deno.watchFs(root, { recursive: true });
    } catch {
      return; // the directory does not exist yet; the sweep retries
    }
    const current = watcher;
    (async () => {
      try {
        for await (const event of current) {
          for (const path of event.paths) {
            if (basename(path) === SIGNAL_FILE) {
              track(consider(path).then(() => {}));
            }
            if (basename(path) === RUN_FILE && options.onRunEnded) {
              wake.notify();
            }
          }
          if (event.flag === "rescan") wake.notify();
        }
      } catch {
        // fall back to sweeping
      }
      if (watcher === current) watcher = undefined;
    })();
  }

  const runEnd = options.onRunEnded && new RunEndWatch(root);
  let endReported = false;
  const lookForRunEnd = async () => {
    if (runEnd === undefined || endReported) return;
    const status = await runEnd.look();
    if (status === undefined) return;
    endReported = true;
    options.onRunEnded?.(status);
  };

  // While the watcher runs, the sweep is only the fallback for an event it
  // missed: its interval doubles after every sweep that found nothing the
  // watcher had not (up to MAX_SWEEP_BACKOFF times `pollIntervalMs`), so a
  // large run's tree is not walked five times a second; without a watcher,
  // or after a sweep found a signal the watcher missed (in `watch` mode), it
  // is `pollIntervalMs` again.
  let sweepInterval = pollIntervalMs;
  const loop = (async () => {
    await lookForRunEnd(); // the first look: what is there before this run
    while (!stopped) {
      startWatcher();
      const missed = await sweep();
      if (stopped) break;
      await lookForRunEnd();
      if (stopped) break;
      // In `hinted` mode a signal the sweep finds first is one whose hint is
      // still on its way (the writer names every signal it writes): it does
      // not mean hints are being lost, and resetting the interval on it made
      // a busy run's sweep walk the whole tree several times a second.
      sweepInterval = (watcher === undefined && !hinted) || (missed && !hinted)
        ? pollIntervalMs
        : Math.min(
          sweepInterval * 2,
          pollIntervalMs *
            (hinted ? MAX_HINTED_SWEEP_BACKOFF : MAX_SWEEP_BACKOFF),
        );
      const timer = clock.setTimeout(() => wake.notify(), sweepInterval);
      await wake.wait();
      clock.clearTimeout(timer);
    }
  })();

  return {
    get answered() {
      return answered;
    },
    notice(path: string) {
      if (stopped) return;
      const resolved = resolve(path);
      if (
        basename(resolved) !== SIGNAL_FILE || !resolved.startsWith(`${root}/`)
      ) return;
      track(consider(resolved).then(() => {}));
    },
    async stop() {
      stopped = true;
      wake.notify();
      for (const timer of timers) clock.clearTimeout(timer);
      timers.clear();
      watcher?.close();
      watcher = undefined;
      await loop;
      await Promise.all(pending);
      await Promise.all([...spares.values()].map((spare) => spare.dispose()));
    },
  };
}
