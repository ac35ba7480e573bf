/**
 * The calibration report: what `--report FILE` / `--json` write and what the
 * text report renders (reference §8.6 keys). Shared by the runner (which
 * builds it) and the report renderers (which read it).
 *
 * @module
 */
import type { MetricSet } from "./metric.ts";
import type { CaseResult } from "./case_result.ts";
import type { TokenSummary } from "../tokens/token_tracker.ts";
import type { AnswerSummary } from "./answer_summary.ts";

/** A finished calibration. */
export interface CalibrationReport {
  /** Scenario name. */
  scenario: string;
  /** Adapter name (`stub`, `agent`). */
  adapter: string;
  /** Transport (`in-process`, `stdin`, `file`, `batch-file`). */
  dispatch: string;
  /** Number of runs. */
  runs: number;
  /** Metrics (averaged over runs when there are several). */
  metrics: MetricSet;
  /** Case results of the last run. */
  case_results: CaseResult[];
  /** Metrics of each run, when there are several. */
  run_metrics?: MetricSet[];
  /** Token and cost summary, when steps were dispatched. */
  tokens?: TokenSummary;
  /**
   * Accepted steps over every run: taken from an earlier invocation
   * (`--resume`) and answered in this one.
   */
  steps?: { restored: number; answered: number };
  /** How the last run's answers were received. */
  answers?: AnswerSummary;
}
