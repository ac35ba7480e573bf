/**
 * The overall verdict of a calibration report.
 *
 * @module
 */
import { allMetrics } from "../core/metric.ts";
import type { CaseResult } from "../core/case_result.ts";
import type { CalibrationReport } from "../core/calibration_report.ts";

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
