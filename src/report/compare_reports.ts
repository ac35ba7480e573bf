/**
 * `asterisk compare`'s logic: the difference between a base and a new
 * calibration report — each metric's delta with its pass/fail flip and
 * whether it got worse beyond a tolerance (in the direction the metric table
 * gives it), and each case that went right → wrong or back on its defect,
 * component or path. Pure: reports in, a comparison out.
 *
 * @module
 */
import type { CalibrationReport } from "../core/calibration_report.ts";
import type { CaseResult } from "../core/case_result.ts";
import { allMetrics, type Metric, type PassDirection } from "../core/metric.ts";
import { metricDefinition } from "../metrics/metric_table.ts";
import { aspectRight, CASE_ASPECTS, type CaseAspect } from "./case_verdict.ts";
import { reportVerdict } from "./report_verdict.ts";

/** One report's side of a metric. */
export interface MetricSide {
  readonly value: number;
  readonly pass: boolean;
}

/** How a metric's pass verdict changed from base to new. */
export type MetricFlip = "none" | "pass-to-fail" | "fail-to-pass";

/** One metric compared. */
export interface MetricChange {
  readonly id: Metric["id"];
  readonly name: string;
  readonly direction: PassDirection;
  /** Absent when the base report has no such metric. */
  readonly base?: MetricSide;
  /** Absent when the new report has no such metric. */
  readonly new?: MetricSide;
  /** `new - base`; absent unless both values are finite numbers. */
  readonly delta?: number;
  readonly flip: MetricFlip;
  /** Worse than base by more than the tolerance, in the metric's direction. */
  readonly regressed: boolean;
  /** Better than base by more than the tolerance. */
  readonly improved: boolean;
}

/** One aspect of a case that went right → wrong or wrong → right. */
export interface AspectChange {
  readonly aspect: CaseAspect;
  /** Whether the aspect was right in the base report. */
  readonly base: boolean;
  /** Whether it is right in the new report. */
  readonly new: boolean;
  /** The aspect's value in the base report (defect type, component, path). */
  readonly baseValue: string;
  /** Its value in the new report. */
  readonly newValue: string;
}

/** A case whose scoring changed, or that only one report holds. */
export interface CaseChange {
  readonly caseId: string;
  readonly testName: string;
  /** `only-base` / `only-new`: the other report has no case of that id. */
  readonly presence: "both" | "only-base" | "only-new";
  /** The aspects that flipped (empty unless `presence` is `both`). */
  readonly changes: readonly AspectChange[];
}

/** One report's summary in a comparison. */
export interface ReportSide {
  readonly scenario: string;
  readonly adapter: string;
  readonly dispatch: string;
  readonly result: "pass" | "fail";
  readonly cases: number;
}

/** The comparison of two reports. */
export interface ReportComparison {
  readonly base: ReportSide;
  readonly new: ReportSide;
  readonly tolerance: number;
  /** Every metric of either report, M1 … M20. */
  readonly metrics: readonly MetricChange[];
  /** Cases with a flipped aspect or in one report only, in report order. */
  readonly cases: readonly CaseChange[];
  /** Ids of the metrics that regressed beyond the tolerance. */
  readonly regressions: readonly Metric["id"][];
  /** What makes the comparison less meaningful (other scenario, …). */
  readonly notes: readonly string[];
}

/** Options of {@linkcode compareReports}. */
export interface CompareOptions {
  /**
   * How much worse (in the metric's own unit: a ratio, or tokens for M18) a
   * metric may get before it counts as a regression.
   *
   * @default {0}
   */
  readonly tolerance?: number;
}

/** Float noise: a difference this small is no change. */
export const EPSILON = 1e-9;

/**
 * How far `value` is from passing: below an `at_least` threshold, above an
 * `at_most` one, outside a range's band. Larger is worse; 0 or less passes.
 */
function shortfall(metric: Metric, direction: PassDirection): number {
  switch (direction) {
    case "at_least":
      return metric.threshold - metric.value;
    case "at_most":
      return metric.value - metric.threshold;
    case "range": {
      const band = metricDefinition(metric.id).range ??
        { min: metric.threshold, max: metric.threshold };
      return Math.max(band.min - metric.value, metric.value - band.max, 0);
    }
  }
}

function flipOf(base?: MetricSide, next?: MetricSide): MetricFlip {
  if (base === undefined || next === undefined || base.pass === next.pass) {
    return "none";
  }
  return base.pass ? "pass-to-fail" : "fail-to-pass";
}

function compareMetric(
  base: Metric | undefined,
  next: Metric | undefined,
  tolerance: number,
): MetricChange {
  const definition = metricDefinition((base ?? next)!.id);
  const { direction } = definition;
  const side = (m?: Metric) =>
    m === undefined ? undefined : { value: m.value, pass: m.pass };
  let regressed = false;
  let improved = false;
  let delta: number | undefined;
  if (base !== undefined && next !== undefined) {
    const finite = Number.isFinite(base.value) && Number.isFinite(next.value);
    if (finite) {
      delta = next.value - base.value;
      // For a range metric, moving inside the band is no change of merit.
      const worse = direction === "range"
        ? shortfall(next, direction) - shortfall(base, direction)
        : direction === "at_least"
        ? -delta
        : delta;
      regressed = worse > tolerance + EPSILON;
      improved = -worse > tolerance + EPSILON;
    } else {
      // A value that became unmeasurable (NaN) is a regression.
      regressed = Number.isFinite(base.value);
    }
  }
  return {
    id: definition.id,
    name: (base ?? next)!.name,
    direction,
    ...(base ? { base: side(base) } : {}),
    ...(next ? { new: side(next) } : {}),
    ...(delta === undefined ? {} : { delta }),
    flip: flipOf(side(base), side(next)),
    regressed,
    improved,
  };
}

/** The value of `aspect` as shown. */
function aspectValue(result: CaseResult, aspect: CaseAspect): string {
  switch (aspect) {
    case "defect":
      return result.actual_defect_type || "(none)";
    case "component":
      return result.actual_component || "(none)";
    case "path":
      return result.actual_path.join("→") || "(no steps)";
  }
}

function compareCase(base: CaseResult, next: CaseResult): CaseChange {
  const changes: AspectChange[] = [];
  for (const aspect of CASE_ASPECTS) {
    const was = aspectRight(base, aspect);
    const is = aspectRight(next, aspect);
    if (was === is) continue;
    changes.push({
      aspect,
      base: was,
      new: is,
      baseValue: aspectValue(base, aspect),
      newValue: aspectValue(next, aspect),
    });
  }
  return {
    caseId: next.case_id,
    testName: next.test_name,
    presence: "both",
    changes,
  };
}

function sideOf(report: CalibrationReport): ReportSide {
  return {
    scenario: report.scenario,
    adapter: report.adapter,
    dispatch: report.dispatch,
    result: reportVerdict(report).pass ? "pass" : "fail",
    cases: report.case_results.length,
  };
}

/**
 * Compares `next` with `base`.
 *
 * @throws {RangeError} when `tolerance` is negative or not finite.
 *
 * @example Usage
 * ```ts ignore
 * const comparison = compareReports(base, next, { tolerance: 0.02 });
 * if (comparison.regressions.length > 0) console.log("worse");
 * ```
 */
export function compareReports(
  base: CalibrationReport,
  next: CalibrationReport,
  options: CompareOptions = {},
): ReportComparison {
  const tolerance = options.tolerance ?? 0;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new RangeError(
      `Cannot compare reports with tolerance ${tolerance}: expected a finite number ≥ 0`,
    );
  }
  const baseMetrics = new Map(allMetrics(base.metrics).map((m) => [m.id, m]));
  const nextMetrics = new Map(allMetrics(next.metrics).map((m) => [m.id, m]));
  const ids = [...new Set([...baseMetrics.keys(), ...nextMetrics.keys()])]
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  const metrics = ids.map((id) =>
    compareMetric(baseMetrics.get(id), nextMetrics.get(id), tolerance)
  );
  const baseCases = new Map(base.case_results.map((c) => [c.case_id, c]));
  const nextIds = new Set(next.case_results.map((c) => c.case_id));
  const cases: CaseChange[] = [];
  for (const result of next.case_results) {
    const before = baseCases.get(result.case_id);
    if (before === undefined) {
      cases.push({
        caseId: result.case_id,
        testName: result.test_name,
        presence: "only-new",
        changes: [],
      });
      continue;
    }
    const change = compareCase(before, result);
    if (change.changes.length > 0) cases.push(change);
  }
  for (const result of base.case_results) {
    if (nextIds.has(result.case_id)) continue;
    cases.push({
      caseId: result.case_id,
      testName: result.test_name,
      presence: "only-base",
      changes: [],
    });
  }
  const notes: string[] = [];
  if (base.scenario !== next.scenario) {
    notes.push(
      `the reports are of different scenarios ('${base.scenario}', '${next.scenario}'); cases are matched by id`,
    );
  }
  const missing = ids.filter((id) =>
    !baseMetrics.has(id) || !nextMetrics.has(id)
  );
  if (missing.length > 0) {
    notes.push(`metrics in one report only: ${missing.join(", ")}`);
  }
  return {
    base: sideOf(base),
    new: sideOf(next),
    tolerance,
    metrics,
    cases,
    regressions: metrics.filter((m) => m.regressed).map((m) => m.id),
    notes,
  };
}
