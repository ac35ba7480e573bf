/**
 * The calibration report: what `--report FILE` / `--json` write and what the
 * text report renders (reference §8.6 keys).
 *
 * @module
 */
import { allMetrics, type MetricSet } from "../metrics/metric.ts";
import type { CaseResult } from "../runner/case_result.ts";
import type { TokenSummary } from "../tokens/token_tracker.ts";

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
}

/** Metric pass counts of a report. */
export interface ReportVerdict {
  readonly passed: number;
  readonly total: number;
  /** Cases whose pipeline stopped with an error. */
  readonly failedCases: readonly CaseResult[];
  /** Every metric passed and no case failed. */
  readonly pass: boolean;
}

/** Counts passing metrics and failed cases. */
export function reportVerdict(report: CalibrationReport): ReportVerdict {
  const metrics = allMetrics(report.metrics);
  const passed = metrics.filter((m) => m.pass).length;
  const failedCases = report.case_results.filter((c) => c.error !== undefined);
  return {
    passed,
    total: metrics.length,
    failedCases,
    pass: passed === metrics.length && failedCases.length === 0,
  };
}
