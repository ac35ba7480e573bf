/**
 * The parts of a case result every runner and transport must agree on, for
 * comparing runs case by case.
 *
 * @module
 */
import type { CaseResult } from "../../src/core/case_result.ts";

/** One case's comparable outcome. */
export interface CaseOutcome {
  readonly case_id: string;
  readonly path: readonly string[];
  readonly defect: string;
  readonly component: string;
  /** The first case (scenario order) sharing this case's RCA, or "none". */
  readonly rca: string;
  readonly category: string;
  readonly recall: boolean;
  readonly skip: boolean;
  readonly cascade: boolean;
  readonly repos: readonly string[];
  readonly evidence: readonly string[];
  readonly convergence: number;
  readonly loops: number;
}

/**
 * Comparable outcomes of `results` (in scenario order). RCA linkage is kept
 * as "which cases share an RCA": each RCA id is replaced by the first case
 * linked to it, so runs that number their RCAs differently still compare.
 */
export function caseOutcomes(results: readonly CaseResult[]): CaseOutcome[] {
  const firstCaseOf = new Map<number, string>();
  for (const r of results) {
    if (r.actual_rca_id !== 0 && !firstCaseOf.has(r.actual_rca_id)) {
      firstCaseOf.set(r.actual_rca_id, r.case_id);
    }
  }
  return results.map((r) => ({
    case_id: r.case_id,
    path: r.actual_path,
    defect: r.actual_defect_type,
    component: r.actual_component,
    rca: firstCaseOf.get(r.actual_rca_id) ?? "none",
    category: r.actual_category,
    recall: r.actual_recall_hit,
    skip: r.actual_skip,
    cascade: r.actual_cascade,
    repos: r.actual_selected_repos,
    evidence: r.actual_evidence_refs,
    convergence: r.actual_convergence,
    loops: r.actual_loops,
  }));
}
