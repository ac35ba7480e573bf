/**
 * Scorers of the structured metrics M1–M8 (reference §8.2).
 *
 * @module
 */
import type { Scorer } from "./score_input.ts";
import {
  countIn,
  mean,
  ratio,
  type ScoredCase,
  withRca,
} from "./scored_case.ts";

/** M1: defect type equals the GT RCA's, over cases with a GT RCA. */
export const defectTypeAccuracy: Scorer = ({ cases }) =>
  countIn(
    withRca(cases),
    (c) => c.result.actual_defect_type === c.rca.defect_type,
  );

/** M2: symptom category equals the expected triage's. */
export const symptomCategoryAccuracy: Scorer = ({ cases }) =>
  countIn(
    cases.filter((c) => c.gt.expected_triage !== undefined),
    (c) => c.result.actual_category === c.gt.expected_triage?.symptom_category,
  );

/** M3: recall hits among cases expected to hit. */
export const recallHitRate: Scorer = ({ cases }) =>
  countIn(
    cases.filter((c) => c.gt.expect_recall_hit),
    (c) => c.result.actual_recall_hit,
  );

/** M4: recall hits among cases expected not to hit (lower is better). */
export const recallFalsePositiveRate: Scorer = ({ cases }) => {
  const population = cases.filter((c) => !c.gt.expect_recall_hit);
  const hits = population.filter((c) => c.result.actual_recall_hit).length;
  // Lower is better: an empty population has no false positives.
  const value = population.length === 0 ? 0 : hits / population.length;
  return { value, detail: `${hits}/${population.length}` };
};

/** M5: later cases of a GT RCA group linked to the first case's RCA. */
export const serialKillerDetection: Scorer = ({ cases }) => {
  const groups = new Map<string, ScoredCase[]>();
  for (const c of withRca(cases)) {
    const group = groups.get(c.rca.id);
    if (group === undefined) groups.set(c.rca.id, [c]);
    else group.push(c);
  }
  let correct = 0;
  let expected = 0;
  for (const [first, ...others] of groups.values()) {
    for (const other of others) {
      expected++;
      const linked = other.result.actual_rca_id;
      if (linked !== 0 && linked === first.result.actual_rca_id) correct++;
    }
  }
  return ratio(correct, expected);
};

/** M6: skips among cases expected to skip. */
export const skipAccuracy: Scorer = ({ cases }) =>
  countIn(cases.filter((c) => c.gt.expect_skip), (c) => c.result.actual_skip);

/** M7: cascades flagged among cases expected to cascade. */
export const cascadeDetection: Scorer = ({ cases }) =>
  countIn(
    cases.filter((c) => c.gt.expect_cascade),
    (c) => c.result.actual_cascade,
  );

/** M8: Pearson r of convergence against defect-type correctness. */
export const convergenceCalibration: Scorer = ({ cases }) => {
  const population = withRca(cases).filter((c) =>
    c.result.actual_convergence !== 0
  );
  const convergence = population.map((c) => c.result.actual_convergence);
  const correctness = population.map((c) =>
    c.result.actual_defect_type === c.rca.defect_type ? 1 : 0
  );
  const r = calibrationCorrelation(convergence, correctness);
  return { value: r, detail: `r=${r.toFixed(2)} (n=${population.length})` };
};

/**
 * Pearson r of convergence against correctness: 0 with fewer than two
 * points; when either series has zero variance, 1.0 if every answer was
 * correct and 0 otherwise.
 */
function calibrationCorrelation(
  x: readonly number[],
  y: readonly number[],
): number {
  if (x.length < 2) return 0;
  const mx = mean(x);
  const my = mean(y);
  let num = 0;
  let dx2 = 0;
  let dy2 = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    num += dx * dy;
    dx2 += dx * dx;
    dy2 += dy * dy;
  }
  const denominator = Math.sqrt(dx2 * dy2);
  if (denominator === 0) return y.every((v) => v === 1) ? 1 : 0;
  return num / denominator;
}
