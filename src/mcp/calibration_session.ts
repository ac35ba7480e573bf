/**
 * One calibration driven over MCP: the run ({@linkcode calibrate}) whose
 * agent adapter dispatches through an {@linkcode McpDispatcher}, plus what
 * the status, report and briefing tools read from it.
 *
 * @module
 */
import { McpDispatcher } from "./mcp_dispatcher.ts";
import type { PromptTemplates } from "../adapter/prompt/render_prompt.ts";
import type { CalibrationReport } from "../core/calibration_report.ts";
import {
  caseColumns,
  formatCaseLine,
  formatReport,
} from "../report/format_report.ts";
import { buildCaseResult } from "../runner/build_case_result.ts";
import { calibrate, type CalibrationOutcome } from "../runner/calibrate.ts";
import { isFinished, type PreparedRun } from "../runner/calibration_run.ts";
import type { PreparedRunDirectory } from "../runner/prepare_run_directory.ts";
import { createRunAgentAdapter } from "../runner/run_agent_adapter.ts";
import { resolveThresholds } from "../pipeline/thresholds.ts";
import type { Scenario } from "../scenario/scenario_schema.ts";
import { TokenTracker } from "../tokens/token_tracker.ts";
import { TokenTrackingDispatcher } from "../transport/token_tracking_dispatcher.ts";
import type { DispatchIds } from "../transport/dispatch_ids.ts";
import type { TimerClock } from "../util/clock.ts";
import type { CaseResult } from "../core/case_result.ts";

/** What {@linkcode CalibrationSession.start} needs. */
export interface SessionOptions {
  /** The run's id, as tools name it. */
  readonly runId: string;
  readonly scenario: Scenario;
  /** The run's directory. */
  readonly runDir: string;
  /** Workers the run is sized for (parallel slots). */
  readonly parallel: number;
  /** Steps per wave. */
  readonly batchSize: number;
  readonly templates: PromptTemplates;
  /** Lease of a handed-out step, in milliseconds. */
  readonly leaseMs?: number;
  readonly clock?: TimerClock;
  readonly ids?: DispatchIds;
  /** Continue the run stored in `runDir`. */
  readonly resume?: boolean;
  /** The run directory, checked and locked; released when the run ends. */
  readonly directory: PreparedRunDirectory;
}

/** `get_status`'s answer. */
export interface SessionStatus {
  readonly run_id: string;
  readonly scenario: string;
  /** The run directory (absolute). */
  readonly run_dir: string;
  readonly state: "running" | "done" | "failed";
  readonly error?: string;
  readonly cases_done: number;
  readonly total_cases: number;
  readonly steps_done: number;
  readonly queued: number;
  readonly in_flight: number;
  readonly expired_leases: number;
  readonly workers: ReturnType<McpDispatcher["status"]>["workers"];
}

/** A running (or finished) calibration. */
export class CalibrationSession {
  /** The run's id. */
  readonly runId: string;
  /** The run's steps queue. */
  readonly dispatcher: McpDispatcher;
  /** Resolves with the outcome once the run ends. */
  readonly finished: Promise<CalibrationOutcome>;
  readonly #options: SessionOptions;
  #run: PreparedRun | undefined;
  #outcome: CalibrationOutcome | undefined;
  #error: Error | undefined;
  readonly #abort = new AbortController();

  private constructor(options: SessionOptions) {
    this.runId = options.runId;
    this.#options = options;
    const tokens = new TokenTracker();
    this.dispatcher = new McpDispatcher({
      leaseMs: options.leaseMs,
      clock: options.clock,
      ids: options.ids,
      wrapSlot: (slot) =>
        new TokenTrackingDispatcher(slot, tokens, { clock: options.clock }),
    });
    this.finished = calibrate({
      scenario: options.scenario,
      runDir: options.runDir,
      parallel: options.parallel,
      batchSize: options.batchSize,
      adapterName: "agent",
      dispatchName: "mcp",
      resume: options.resume,
      directory: options.directory,
      clock: options.clock,
      signal: this.#abort.signal,
      transport: ({ run }) => {
        this.#run = run;
        return {
          adapter: createRunAgentAdapter(run, {
            dispatcher: this.dispatcher,
            templates: options.templates,
          }),
          tokens,
        };
      },
    });
    this.finished.then(
      (outcome) => this.#outcome = outcome,
      (error) =>
        this.#error = error instanceof Error ? error : new Error(String(error)),
    ).finally(() => {
      this.dispatcher.close();
      options.directory.lock.release();
    });
  }

  /** Starts the run in the background. */
  static start(options: SessionOptions): CalibrationSession {
    return new CalibrationSession(options);
  }

  /** Number of cases of the scenario. */
  get totalCases(): number {
    return this.#options.scenario.cases.length;
  }

  /** Workers the run is sized for. */
  get workerCount(): number {
    return this.#options.parallel;
  }

  /** The run directory. */
  get runDir(): string {
    return this.#options.runDir;
  }

  /** Counts for `get_status`. */
  status(): SessionStatus {
    const queue = this.dispatcher.status();
    const records = this.#run?.records ?? [];
    return {
      run_id: this.runId,
      scenario: this.#options.scenario.name,
      run_dir: this.#options.runDir,
      state: this.#error ? "failed" : this.#outcome ? "done" : "running",
      ...(this.#error ? { error: this.#error.message } : {}),
      cases_done: records.filter(isFinished).length,
      total_cases: this.totalCases,
      steps_done: queue.steps_done,
      queued: queue.queued,
      in_flight: queue.in_flight,
      expired_leases: queue.expired,
      workers: queue.workers,
    };
  }

  /**
   * The report: the final one once the run is done, else the results of
   * the cases finished so far (no metrics yet).
   */
  async report(format: "json" | "text"): Promise<string> {
    if (this.#outcome) {
      const report: CalibrationReport = this.#outcome.report;
      return format === "json"
        ? JSON.stringify(report, null, 2)
        : formatReport(report);
    }
    const partial = await this.#partialResults();
    const status = this.status();
    if (format === "json") {
      return JSON.stringify(
        { partial: true, ...status, case_results: partial },
        null,
        2,
      );
    }
    const head =
      `Run ${this.runId} (${status.scenario}): ${status.state}, ${status.cases_done}/${status.total_cases} cases done${
        status.error ? ` — ${status.error}` : ""
      }`;
    const columns = caseColumns(partial);
    return [head, ...partial.map((r) => formatCaseLine(r, columns))].join(
      "\n",
    ) + "\n";
  }

  /** The latest batch's briefing (empty before the first batch). */
  briefing(): string {
    return this.dispatcher.briefing ?? "";
  }

  /** Stops the run (server shutdown). */
  stop(): void {
    this.#abort.abort(new Error(`Run ${this.runId} stopped`));
    this.dispatcher.cancelAll();
  }

  async #partialResults(): Promise<CaseResult[]> {
    const run = this.#run;
    if (run === undefined) return [];
    const thresholds = resolveThresholds();
    const results: CaseResult[] = [];
    for (const record of run.records.filter(isFinished)) {
      results.push(
        await buildCaseResult({
          scenario: this.#options.scenario,
          store: run.store,
          record,
          thresholds,
        }),
      );
    }
    return results;
  }
}
