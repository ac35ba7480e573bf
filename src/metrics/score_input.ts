/**
 * What a metric scorer is given.
 *
 * @module
 */
import type { MetricId } from "../core/metric.ts";
import type { Scenario } from "../scenario/scenario_schema.ts";
import type { Score, ScoredCase } from "./scored_case.ts";

/** Input of a scorer: the run's scored cases and what came before. */
export interface ScoreInput {
  /** The run's results paired with their ground truth, in run order. */
  readonly cases: readonly ScoredCase[];
  /** The ground truth. */
  readonly scenario: Scenario;
  /** Values of the metrics scored earlier in table order (M19 reads them). */
  readonly values: ReadonlyMap<MetricId, number>;
}

/** Computes one metric's value and detail. */
export type Scorer = (input: ScoreInput) => Score;
