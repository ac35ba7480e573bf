/**
 * The unit the metric scorers work on: a case result paired with the ground
 * truth it is scored against, and the small arithmetic helpers every scorer
 * shares.
 *
 * @module
 */
import type { CaseResult } from "../core/case_result.ts";
import type {
  GroundTruthCase,
  GroundTruthRca,
  Scenario,
} from "../scenario/scenario_schema.ts";

/** A case result together with the ground truth it is scored against. */
export interface ScoredCase {
  readonly result: CaseResult;
  readonly gt: GroundTruthCase;
  /** The case's GT RCA: its `rca_id` is non-empty and names a scenario RCA. */
  readonly rca: GroundTruthRca | undefined;
}

/** A scored case that has a GT RCA. */
export type CaseWithRca = ScoredCase & { readonly rca: GroundTruthRca };

/** A metric's value and detail text, before the verdict is taken. */
export interface Score {
  readonly value: number;
  readonly detail: string;
}

/**
 * Pairs results with their ground truth; results whose `case_id` names no
 * scenario case are dropped.
 */
export function scoredCases(
  scenario: Scenario,
  results: readonly CaseResult[],
): ScoredCase[] {
  const cases = new Map(scenario.cases.map((gt) => [gt.id, gt]));
  const rcas = new Map(scenario.rcas.map((rca) => [rca.id, rca]));
  const scored: ScoredCase[] = [];
  for (const result of results) {
    const gt = cases.get(result.case_id);
    if (gt === undefined) continue;
    const rca = gt.rca_id === "" ? undefined : rcas.get(gt.rca_id);
    scored.push({ result, gt, rca });
  }
  return scored;
}

/** The scored cases that have a GT RCA. */
export function withRca(cases: readonly ScoredCase[]): CaseWithRca[] {
  return cases.filter((c): c is CaseWithRca => c.rca !== undefined);
}

/** a/b, with an empty population (0/0, or any b of 0) scoring 1.0. */
export function safeDiv(a: number, b: number): number {
  return b === 0 ? 1 : a / b;
}

/** A `correct/total` score whose empty population scores 1.0. */
export function ratio(correct: number, total: number): Score {
  return { value: safeDiv(correct, total), detail: `${correct}/${total}` };
}

/** The share of a population that satisfies a predicate, as a ratio. */
export function countIn<T extends ScoredCase>(
  population: readonly T[],
  isCorrect: (c: T) => boolean,
): Score {
  return ratio(population.filter(isCorrect).length, population.length);
}

/** Arithmetic mean of a non-empty list. */
export function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
