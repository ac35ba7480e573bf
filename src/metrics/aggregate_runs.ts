/**
 * Combines the metric sets of several calibration runs into one (reference
 * §8.4).
 *
 * @module
 */
import {
  allMetrics,
  type Metric,
  METRIC_GROUPS,
  type MetricId,
  type MetricSet,
} from "../core/metric.ts";
import { passes } from "./metric_pass.ts";

/**
 * Aggregates per-run metric sets.
 *
 * - M1–M18: value = arithmetic mean over the runs, pass recomputed with the
 *   metric's direction; id, name, threshold and detail come from run 1.
 * - M19: mean of the per-run M19 values (not recomputed from the averaged
 *   parts), detail `mean of R runs`.
 * - M20: sample standard deviation (divided by R − 1) of the per-run M19
 *   values, detail `stddev=x.xxx over R runs`.
 *
 * The result has run 1's groups and metric order. With one run it is a deep
 * copy of that run. The input is never modified and the result shares no
 * objects with it, so per-run sets stay intact for the report.
 *
 * @param runs Metric sets of runs 1..R, in run order.
 * @returns The aggregated metric set.
 * @throws {RangeError} When `runs` is empty.
 * @throws {Error} When a later run lacks a metric that run 1 has.
 *
 * @example Usage
 * ```ts
 * import { aggregateRuns } from "./aggregate_runs.ts";
 * import type { Metric, MetricSet } from "../core/metric.ts";
 * import assert from "node:assert/strict";
 *
 * function run(m19: number): MetricSet {
 *   const overall: Metric = {
 *     id: "M19",
 *     name: "overall_accuracy",
 *     value: m19,
 *     threshold: 0.65,
 *     pass: m19 >= 0.65,
 *     detail: "weighted avg of M1,M2,M5,M10,M12,M14",
 *   };
 *   const variance: Metric = {
 *     id: "M20",
 *     name: "run_variance",
 *     value: 0,
 *     threshold: 0.15,
 *     pass: true,
 *     detail: "single run",
 *   };
 *   return {
 *     structured: [],
 *     workspace: [],
 *     evidence: [],
 *     semantic: [],
 *     pipeline: [],
 *     aggregate: [overall, variance],
 *   };
 * }
 * const agg = aggregateRuns([run(0.6), run(0.8)]);
 * assert.equal(agg.aggregate[0].detail, "mean of 2 runs");
 * assert.equal(agg.aggregate[1].detail, "stddev=0.141 over 2 runs");
 * ```
 */
export function aggregateRuns(runs: readonly MetricSet[]): MetricSet {
  if (runs.length === 0) {
    throw new RangeError("Cannot aggregate metrics: no runs given");
  }
  const [first] = runs;
  if (runs.length === 1) return mapMetrics(first, (m) => ({ ...m }));

  const byRun = runs.map((run) =>
    new Map(allMetrics(run).map((m) => [m.id, m]))
  );
  const valuesOf = (id: MetricId): number[] =>
    byRun.map((metrics, i) => {
      const m = metrics.get(id);
      if (m === undefined) {
        throw new Error(
          `Cannot aggregate metrics: run ${i + 1} has no metric ${id}`,
        );
      }
      return m.value;
    });

  const r = runs.length;
  return mapMetrics(first, (m) => {
    switch (m.id) {
      case "M19":
        return scored(m, mean(valuesOf("M19")), `mean of ${r} runs`);
      case "M20": {
        const spread = sampleStddev(valuesOf("M19"));
        return scored(m, spread, `stddev=${spread.toFixed(3)} over ${r} runs`);
      }
      default:
        return scored(m, mean(valuesOf(m.id)), m.detail);
    }
  });
}

/** A copy of `set` with every metric replaced by `fn(metric)`. */
function mapMetrics(set: MetricSet, fn: (m: Metric) => Metric): MetricSet {
  const out = {} as MetricSet;
  for (const group of METRIC_GROUPS) out[group] = set[group].map(fn);
  return out;
}

/** `template` (run 1's metric) with a new value, pass verdict and detail. */
function scored(template: Metric, value: number, detail: string): Metric {
  return {
    id: template.id,
    name: template.name,
    value,
    threshold: template.threshold,
    pass: passes(template.id, value, template.threshold),
    detail,
  };
}

/**
 * Arithmetic mean, taken as offsets from the first value so that identical
 * runs average to exactly their common value (a plain sum of three 0.1s
 * divided by 3 gives 0.10000000000000002, which would fail M4's ≤ 0.10).
 */
function mean(values: readonly number[]): number {
  const [base] = values;
  return base + values.reduce((sum, v) => sum + (v - base), 0) / values.length;
}

/** Standard deviation with Bessel's correction; 0 for fewer than 2 values. */
function sampleStddev(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  const squares = values.reduce((sum, v) => sum + (v - m) ** 2, 0);
  return Math.sqrt(squares / (values.length - 1));
}
