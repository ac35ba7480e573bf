/**
 * `calibrate`: runs a scenario through the pipeline one or more times and
 * scores it (reference §6.1).
 *
 * @module
 */
import { join } from "node:path";
import { buildCaseResult } from "./build_case_result.ts";
import {
  CASES_KEY,
  isFinished,
  type PreparedRun,
  prepareRun,
  STATUS_KEY,
  syncLinks,
} from "./calibration_run.ts";
import {
  isEnvironmentFailure,
  RunStoppedError,
} from "./environment_failure.ts";
import {
  type PreparedRunDirectory,
  prepareRunDirectory,
  STORE_FILE,
} from "./prepare_run_directory.ts";
import { restoreRun } from "./restore_run.ts";
import { noteLateWrites } from "./late_writes.ts";
import type { RunObserver } from "./run_event.ts";
import { runLayout } from "./run_layout.ts";
import { runParallel } from "./parallel_runner.ts";
import { runSerial } from "./serial_runner.ts";
import type { ModelAdapter } from "../adapter/model_adapter.ts";
import { aggregateRuns } from "../metrics/aggregate_runs.ts";
import { computeMetrics } from "../metrics/compute_metrics.ts";
import type { MetricSet } from "../core/metric.ts";
import { resolveAllPendingReferences } from "../pipeline/store_effects.ts";
import { resolveThresholds, type Thresholds } from "../pipeline/thresholds.ts";
import type { AnswerSummary } from "../core/answer_summary.ts";
import { summarizeAnswers } from "../report/answer_log.ts";
import type { CalibrationReport } from "../core/calibration_report.ts";
import type { Scenario } from "../scenario/scenario_schema.ts";
import { SqliteStore } from "../store/sqlite_store.ts";
import type { Store } from "../store/store.ts";
import {
  DEFAULT_PRICES,
  type TokenPrices,
  type TokenTracker,
} from "../tokens/token_tracker.ts";
import { type Clock, systemClock } from "../util/clock.ts";
import type { CaseResult } from "../core/case_result.ts";

/** What a transport provides for one run. */
export interface RunTransport {
  /** Answers the run's steps. */
  readonly adapter: ModelAdapter;
  /** Token records of the run's dispatches, when the transport measures them. */
  readonly tokens?: TokenTracker;
}

/** Context handed to {@linkcode CalibrateOptions.transport}. */
export interface TransportContext {
  /** The prepared run: store, case records, layout, knowledge. */
  readonly run: PreparedRun;
  /** Run number, from 1. */
  readonly runNumber: number;
}

/** Options of {@linkcode calibrate}. */
export interface CalibrateOptions {
  /** The scenario to run. */
  readonly scenario: Scenario;
  /** Run directory (one `run-{n}` subdirectory per run when `runs` > 1). */
  readonly runDir: string;
  /** Creates the adapter (and token tracker) of each run. */
  readonly transport: (context: TransportContext) => RunTransport;
  /** Adapter name for the report. */
  readonly adapterName: string;
  /** Transport name for the report. */
  readonly dispatchName: string;
  /**
   * Number of runs.
   *
   * @default {1}
   */
  readonly runs?: number;
  /**
   * Parallel slots: 1 runs cases one by one (serial runner); more keeps that
   * many steps in flight (parallel runner).
   *
   * @default {1}
   */
  readonly parallel?: number;
  /**
   * Steps in flight on a batch transport (signals of a batch at once).
   *
   * @default {4}
   */
  readonly batchSize?: number;
  /**
   * `true`: replace any earlier run found in `runDir`; `false`: refuse any;
   * `undefined`: replace a finished run and refuse an unfinished one.
   */
  readonly clean?: boolean;
  /**
   * Continue the run in `runDir` (steps already accepted are not asked
   * again).
   *
   * @default {false}
   */
  readonly resume?: boolean;
  /**
   * Write `state.json` and normalised artifacts into the case directories
   * (agents read them); the in-process stub needs none.
   *
   * @default {true}
   */
  readonly caseFiles?: boolean;
  /**
   * Group steps into one store transaction written at most this often (the
   * in-process path); 0 commits every step at once (agents' answers cost
   * money). Grouped commits also skip SQLite's fsyncs (`synchronous=OFF`):
   * a killed calibrate loses nothing committed; a power loss may lose a run
   * that the stub redoes in seconds.
   *
   * @default {0}
   */
  readonly commitIntervalMs?: number;
  /**
   * The run directory, prepared (checked and locked) by the caller; without
   * it `calibrate` prepares `runDir` itself.
   */
  readonly directory?: PreparedRunDirectory;
  /** Run settings saved in the store for `--resume`. */
  readonly settings?: unknown;
  /**
   * Opens a run's store (a seam for fault tests).
   *
   * @default {SqliteStore.open}
   */
  readonly openStore?: (
    path: string,
    options: {
      readonly commitIntervalMs: number;
      readonly synchronous: "normal" | "off";
      readonly now: () => Date;
    },
  ) => Store;
  /** Threshold overrides. */
  readonly thresholds?: Partial<Thresholds>;
  /**
   * Token prices for the cost figures.
   *
   * @default {DEFAULT_PRICES}
   */
  readonly prices?: TokenPrices;
  /** @default {systemClock} */
  readonly clock?: Clock;
  /** Receives progress events. */
  readonly observe?: RunObserver;
  /** Aborts the calibration. */
  readonly signal?: AbortSignal;
}

/** One run of a calibration: where it wrote, and what it measured. */
export interface RunOutcome {
  /** The run's directory. */
  readonly dir: string;
  /** The run's token records, when its transport measured tokens. */
  readonly tokens?: TokenTracker;
}

/** A calibration's report plus what each run wrote and measured. */
export interface CalibrationOutcome {
  readonly report: CalibrationReport;
  /** Each run, in order. */
  readonly runs: readonly RunOutcome[];
}

/** Closes a run's store; when the run failed already, its error wins. */
async function closeStore(store: Store, failed: boolean): Promise<void> {
  try {
    await store.close();
  } catch (error) {
    // A store that failed mid-run fails again on close; the run's own
    // error (already propagating) names the cause.
    if (!failed) throw error;
  }
}

/**
 * Runs `options.scenario` `runs` times with a fresh store each time, scores
 * every run, and returns the report. Token figures are attached to the case
 * results before the metrics are computed, so M18 uses measured tokens.
 *
 * @throws {RangeError} for invalid options (runs, thresholds).
 */
export async function calibrate(
  options: CalibrateOptions,
): Promise<CalibrationOutcome> {
  const runs = options.runs ?? 1;
  const parallel = options.parallel ?? 1;
  const batchSize = options.batchSize ?? 4;
  for (
    const [name, value] of [["runs", runs], ["parallel", parallel], [
      "batchSize",
      batchSize,
    ]] as const
  ) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(
        `Cannot calibrate with ${name} = ${value}: expected a positive integer`,
      );
    }
  }
  const thresholds = resolveThresholds(options.thresholds);
  const clock = options.clock ?? systemClock;
  const prices = options.prices ?? DEFAULT_PRICES;
  const directory = options.directory ?? await prepareRunDirectory(
    options.runDir,
    { resume: options.resume, clean: options.clean },
  );
  if (directory.lock.tookOverFrom !== undefined) {
    options.observe?.({
      type: "info",
      message:
        `took over the lock of run directory ${options.runDir} from pid ${directory.lock.tookOverFrom}, which is no longer running`,
    });
  }
  if (directory.found === "unfinished" && directory.removed.length > 0) {
    options.observe?.({
      type: "info",
      message: `--clean removed the unfinished run in ${options.runDir}: ${
        directory.removed.join(", ")
      }`,
    });
  }
  const openStore = options.openStore ??
    ((path, storeOptions) => SqliteStore.open({ path, ...storeOptions }));
  const steps = { restored: 0, answered: 0 };
  const perRun: MetricSet[] = [];
  const outcomes: RunOutcome[] = [];
  let lastResults: CaseResult[] = [];
  let tokens: CalibrationReport["tokens"];
  let answers: AnswerSummary | undefined;
  try {
    for (let n = 1; n <= runs; n++) {
      options.signal?.throwIfAborted();
      const layout = runLayout(
        runs === 1 ? options.runDir : join(options.runDir, `run-${n}`),
      );
      await Deno.mkdir(layout.root, { recursive: true });
      const storePath = join(layout.root, STORE_FILE);
      const store = openStore(storePath, {
        commitIntervalMs: options.commitIntervalMs ?? 0,
        synchronous: (options.commitIntervalMs ?? 0) > 0 ? "off" : "normal",
        now: () => clock.now(),
      });
      let failed = false;
      try {
        const started = clock.now().getTime();
        const runOptions = {
          scenario: options.scenario,
          store,
          layout,
          thresholds,
          clock,
          describe: {
            adapter: options.adapterName,
            dispatch: options.dispatchName,
          },
          observe: options.observe,
          signal: options.signal,
          caseFiles: options.caseFiles ?? true,
          settings: options.settings,
        };
        const prepared =
          options.resume && (await store.getSetting(CASES_KEY)) !== undefined
            ? await restoreRun(runOptions)
            : await prepareRun(runOptions);
        const transport = options.transport({ run: prepared, runNumber: n });
        const run = { ...prepared, adapter: transport.adapter };
        options.observe?.({
          type: "run-start",
          run: n,
          runs,
          scenario: options.scenario.name,
          cases: run.records.length,
          runDir: layout.root,
        });
        try {
          if (parallel > 1) {
            await runParallel(run, { batchSize, concurrency: parallel });
          } else {
            await runSerial(run);
          }
          await store.transaction(async () => {
            await resolveAllPendingReferences(run.store);
            await store.setSetting(STATUS_KEY, "finished");
          });
          await store.flush();
        } catch (error) {
          failed = true;
          const reason = options.signal?.aborted
            ? options.signal.reason
            : error;
          // An interrupt (Ctrl-C) propagates as it is; a stop for a reason
          // (the responder died) is reported like a failure.
          if (!isEnvironmentFailure(reason)) throw error;
          const done = run.records.filter(isFinished).length;
          throw new RunStoppedError(
            `Run stopped: ${
              (reason as Error).message
            }. ${done} of ${run.records.length} cases finished; every accepted step is kept in '${storePath}'; fix the cause and run again with --resume`,
            { cause: reason },
          );
        } finally {
          steps.restored += run.steps.restored;
          steps.answered += run.steps.answered;
        }
        await syncLinks(run);
        if (run.caseFiles) await noteLateWrites(run);
        const summary = transport.tokens?.summary(prices);
        const results: CaseResult[] = [];
        for (const record of run.records) {
          const caseTokens = summary?.per_case[record.gt.id];
          results.push(
            await buildCaseResult({
              scenario: options.scenario,
              store: run.store,
              record,
              thresholds,
              tokens: caseTokens && {
                promptTokens: caseTokens.prompt_tokens,
                artifactTokens: caseTokens.artifact_tokens,
                steps: caseTokens.steps,
                wallClockMs: caseTokens.wall_clock_ms,
              },
            }),
          );
        }
        perRun.push(computeMetrics(options.scenario, results));
        lastResults = results;
        answers = summarizeAnswers(run.records.flatMap((r) => r.answers));
        outcomes.push({ dir: layout.root, tokens: transport.tokens });
        tokens = summary && summary.total_steps > 0
          ? { ...summary, run_wall_clock_ms: clock.now().getTime() - started }
          : undefined;
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        await closeStore(store, failed);
      }
    }
  } finally {
    // A directory prepared by the caller is released by the caller.
    if (options.directory === undefined) directory.lock.release();
  }
  const report: CalibrationReport = {
    scenario: options.scenario.name,
    adapter: options.adapterName,
    dispatch: options.dispatchName,
    runs,
    metrics: runs === 1 ? structuredClone(perRun[0]) : aggregateRuns(perRun),
    case_results: lastResults,
    ...(runs > 1 ? { run_metrics: perRun } : {}),
    ...(tokens ? { tokens } : {}),
    steps,
    ...(answers ? { answers } : {}),
  };
  return { report, runs: outcomes };
}
