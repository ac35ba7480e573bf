/**
 * Scorers of the pipeline and aggregate metrics M16–M20 (reference §8.2).
 *
 * @module
 */
import type { MetricId } from "../core/metric.ts";
import type { Scorer } from "./score_input.ts";
import { countIn } from "./scored_case.ts";

/** Weights of the M19 overall accuracy. */
export const OVERALL_ACCURACY_WEIGHTS: ReadonlyArray<
  readonly [MetricId, number]
> = [
  ["M1", 0.20],
  ["M2", 0.15],
  ["M5", 0.20],
  ["M10", 0.15],
  ["M12", 0.15],
  ["M14", 0.15],
];

/** Token estimate per executed step when no tokens were measured (M18). */
export const ESTIMATED_TOKENS_PER_STEP = 1000;

/** M16: actual path equals the expected path, step by step. */
export const pipelinePathAccuracy: Scorer = ({ cases }) =>
  countIn(
    cases,
    ({ result, gt }) =>
      result.actual_path.length === gt.expected_path.length &&
      result.actual_path.every((step, i) => step === gt.expected_path[i]),
  );

/** M17: investigation loops taken over loops expected. */
export const loopEfficiency: Scorer = ({ cases }) => {
  let actual = 0;
  let expected = 0;
  for (const c of cases) {
    actual += c.result.actual_loops;
    expected += c.gt.expected_loops;
  }
  let value: number;
  if (expected === 0) value = actual === 0 ? 1 : actual + 1;
  else value = actual / expected;
  return { value, detail: `actual=${actual} expected=${expected}` };
};

/** M18: measured prompt tokens, or 1000 per executed step. */
export const totalPromptTokens: Scorer = ({ cases }) => {
  let measured = 0;
  let measuredCases = 0;
  let steps = 0;
  for (const { result } of cases) {
    steps += result.actual_path.length;
    const tokens = result.prompt_tokens_total ?? 0;
    if (tokens > 0) {
      measured += tokens;
      measuredCases++;
    }
  }
  // The value is printed beside the detail, so the detail says only how it
  // was obtained.
  if (measured > 0) {
    return { value: measured, detail: `measured over ${measuredCases} cases` };
  }
  return {
    value: steps * ESTIMATED_TOKENS_PER_STEP,
    detail: `estimated: ${steps} steps × ${ESTIMATED_TOKENS_PER_STEP}`,
  };
};

/** M19: weighted mean of M1, M2, M5, M10, M12 and M14. */
export const overallAccuracy: Scorer = ({ values }) => {
  let sum = 0;
  let weights = 0;
  for (const [id, weight] of OVERALL_ACCURACY_WEIGHTS) {
    const value = values.get(id);
    if (value === undefined) continue;
    sum += weight * value;
    weights += weight;
  }
  return {
    value: weights > 0 ? sum / weights : 0,
    detail: `weighted avg of ${
      OVERALL_ACCURACY_WEIGHTS.map(([id]) => id).join(",")
    }`,
  };
};

/** M20: 0 for a single run; `aggregateRuns` fills it in across runs. */
export const runVariance: Scorer = () => ({ value: 0, detail: "single run" });
