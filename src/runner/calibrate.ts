/**
 * `calibrate`: runs a scenario through the pipeline one or more times and
 * scores it (reference §6.1).
 *
 * @module
 */
import { join } from "node:path";
import { buildCaseResult } from "./build_case_result.ts";
import { type PreparedRun, prepareRun, syncLinks } from "./calibration_run.ts";
import { prepareRunDirectory } from "./prepare_run_directory.ts";
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
import type { CalibrationReport } from "../core/calibration_report.ts";
import type { Scenario } from "../scenario/scenario_schema.ts";
import { MemoryStore } from "../store/memory_store.ts";
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
   * Parallel slots: 1 runs cases one by one (serial runner); more runs them in
   * waves of `batchSize` (parallel runner).
   *
   * @default {1}
   */
  readonly parallel?: number;
  /**
   * Steps per wave of the parallel runner (signals per batch manifest).
   *
   * @default {4}
   */
  readonly batchSize?: number;
  /**
   * Replace an earlier run found in `runDir`.
   *
   * @default {true}
   */
  readonly clean?: boolean;
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
  await prepareRunDirectory(options.runDir, { clean: options.clean ?? true });

  const perRun: MetricSet[] = [];
  const outcomes: RunOutcome[] = [];
  let lastResults: CaseResult[] = [];
  let tokens: CalibrationReport["tokens"];
  for (let n = 1; n <= runs; n++) {
    options.signal?.throwIfAborted();
    const layout = runLayout(
      runs === 1 ? options.runDir : join(options.runDir, `run-${n}`),
    );
    const started = clock.now().getTime();
    const prepared = await prepareRun({
      scenario: options.scenario,
      store: new MemoryStore({ now: () => clock.now() }),
      layout,
      thresholds,
      clock,
      describe: {
        adapter: options.adapterName,
        dispatch: options.dispatchName,
      },
      observe: options.observe,
      signal: options.signal,
    });
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
    if (parallel > 1) {
      await runParallel(run, { batchSize, concurrency: parallel });
    } else {
      await runSerial(run);
    }
    await resolveAllPendingReferences(run.store);
    await syncLinks(run);
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
    outcomes.push({ dir: layout.root, tokens: transport.tokens });
    tokens = summary && summary.total_steps > 0
      ? { ...summary, run_wall_clock_ms: clock.now().getTime() - started }
      : undefined;
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
  };
  return { report, runs: outcomes };
}
