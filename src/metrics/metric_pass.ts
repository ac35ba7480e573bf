/**
 * Whether a metric value is within its threshold (reference §8.2, §8.4): the
 * one place that knows which metrics are "higher is better", which are
 * "lower is better" and which must stay inside a band.
 *
 * @module
 */
import type { MetricId, PassDirection } from "../core/metric.ts";

/**
 * How each metric's value is compared with its threshold: M4 (false
 * positive rate), M18 (prompt tokens) and M20 (run variance) must stay at or
 * below it, M17 (loop efficiency) must lie inside {@linkcode PASS_RANGE},
 * every other metric must reach at least its threshold.
 */
export const PASS_DIRECTIONS: Readonly<Record<MetricId, PassDirection>> = Object
  .freeze({
    M1: "at_least",
    M2: "at_least",
    M3: "at_least",
    M4: "at_most",
    M5: "at_least",
    M6: "at_least",
    M7: "at_least",
    M8: "at_least",
    M9: "at_least",
    M10: "at_least",
    M11: "at_least",
    M12: "at_least",
    M13: "at_least",
    M14: "at_least",
    M15: "at_least",
    M16: "at_least",
    M17: "range",
    M18: "at_most",
    M19: "at_least",
    M20: "at_most",
  });

/**
 * Inclusive band a `range` metric (M17 loop efficiency) must lie in; its
 * threshold field (1.0, the ideal) is not used for the verdict.
 */
export const PASS_RANGE: Readonly<{ min: number; max: number }> = Object
  .freeze({ min: 0.5, max: 2.0 });

/**
 * Decides whether a metric passes, using the metric's direction from
 * {@linkcode PASS_DIRECTIONS}. A NaN value never passes.
 *
 * @param id The metric id.
 * @param value The metric's value.
 * @param threshold The metric's threshold (ignored for `range` metrics).
 * @returns `true` when the value is within the threshold.
 *
 * @example Usage
 * ```ts
 * import { passes } from "./metric_pass.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(passes("M1", 0.8, 0.8), true);
 * assert.equal(passes("M4", 0.2, 0.1), false);
 * assert.equal(passes("M17", 2.0, 1.0), true);
 * ```
 */
export function passes(
  id: MetricId,
  value: number,
  threshold: number,
): boolean {
  switch (PASS_DIRECTIONS[id]) {
    case "at_least":
      return value >= threshold;
    case "at_most":
      return value <= threshold;
    case "range":
      return value >= PASS_RANGE.min && value <= PASS_RANGE.max;
  }
}
