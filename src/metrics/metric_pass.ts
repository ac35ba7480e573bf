/**
 * Whether a metric value is within its threshold (reference §8.2, §8.4),
 * using the direction of the metric's entry in the metric table.
 *
 * @module
 */
import type { MetricId, PassDirection } from "../core/metric.ts";
import { METRIC_TABLE, metricDefinition } from "./metric_table.ts";

/**
 * How each metric's value is compared with its threshold, read from the
 * metric table: M4 (false positive rate), M18 (prompt tokens) and M20 (run
 * variance) must stay at or below it, M17 (loop efficiency) must lie inside
 * {@linkcode PASS_RANGE}, every other metric must reach at least its
 * threshold.
 */
export const PASS_DIRECTIONS: Readonly<Record<MetricId, PassDirection>> = Object
  .freeze(
    Object.fromEntries(METRIC_TABLE.map((d) => [d.id, d.direction])) as Record<
      MetricId,
      PassDirection
    >,
  );

/**
 * Inclusive band a `range` metric (M17 loop efficiency) must lie in; its
 * threshold field (1.0, the ideal) is not used for the verdict.
 */
export const PASS_RANGE: Readonly<{ min: number; max: number }> =
  metricDefinition("M17").range ?? { min: 0.5, max: 2.0 };

/**
 * Decides whether a metric passes, using the metric's direction from the
 * metric table. A NaN value never passes.
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
  const definition = metricDefinition(id);
  switch (definition.direction) {
    case "at_least":
      return value >= threshold;
    case "at_most":
      return value <= threshold;
    case "range": {
      const band = definition.range ?? PASS_RANGE;
      return value >= band.min && value <= band.max;
    }
  }
}
