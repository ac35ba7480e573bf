/**
 * The ground-truth oracle: the artifact a perfect agent would write for a
 * (case, step), taken from the scenario (reference §5).
 *
 * Store ids are not in the scenario, so the oracle resolves them through a
 * {@linkcode GroundTruthKnowledge}: what the run has linked so far. The
 * in-process stub reads it from the store; the `asterisk respond` process
 * reads it from the run directory (`run.json` and each case's `state.json`).
 *
 * Resolution of a scenario RCA (or symptom) id: the store RCA (symptom) of the
 * first case in scenario order, other than the asking case, that has the same
 * scenario RCA (symptom) and is linked to one. When no such case is linked
 * yet, a recall hit or duplicate answers `same_as_case_id`: the store id of
 * the first other case with the same scenario RCA whose expected path
 * investigates (contains F3). The run resolves that reference once the case
 * is linked (see `store_effects.ts`).
 *
 * @module
 */
import type { PipelineStep } from "../pipeline/step.ts";
import type { GroundTruthCase, Scenario } from "../scenario/scenario_schema.ts";
import {
  type ScenarioIndex,
  scenarioIndex,
} from "../scenario/scenario_index.ts";

/** Store links of a case as far as the run has made them. */
export interface CaseLinks {
  /** Store case id. */
  readonly storeCaseId: number;
  /** Linked store symptom id, 0 when none. */
  readonly symptomId: number;
  /** Linked store RCA id, 0 when none. */
  readonly rcaId: number;
}

/** What the oracle may know about the run: current store links per case. */
export interface GroundTruthKnowledge {
  /** Links of the scenario case `scenarioCaseId`, or `undefined` when unknown. */
  links(scenarioCaseId: string): Promise<CaseLinks | undefined>;
}

/** Thrown for a case or step the oracle cannot answer. */
export class GroundTruthError extends Error {
  /** Creates a ground-truth error. */
  constructor(message: string) {
    super(message);
    this.name = "GroundTruthError";
  }
}

async function firstLinked(
  candidates: readonly GroundTruthCase[],
  asking: GroundTruthCase,
  knowledge: GroundTruthKnowledge,
  field: "rcaId" | "symptomId",
): Promise<number> {
  for (const other of candidates) {
    if (other.id === asking.id) continue;
    const links = await knowledge.links(other.id);
    if (links !== undefined && links[field] !== 0) return links[field];
  }
  return 0;
}

async function investigatingCase(
  index: ScenarioIndex,
  asking: GroundTruthCase,
  knowledge: GroundTruthKnowledge,
): Promise<number> {
  const other = index.byRca.get(asking.rca_id)?.find((c) =>
    c.id !== asking.id && c.expected_path.includes("F3")
  );
  if (other === undefined) return 0;
  return (await knowledge.links(other.id))?.storeCaseId ?? 0;
}

/** Store ids for the asking case's scenario RCA and symptom. */
async function references(
  index: ScenarioIndex,
  asking: GroundTruthCase,
  knowledge: GroundTruthKnowledge,
): Promise<{ rcaId: number; symptomId: number; sameAsCaseId: number }> {
  if (asking.rca_id === "") return { rcaId: 0, symptomId: 0, sameAsCaseId: 0 };
  const rcaId = await firstLinked(
    index.byRca.get(asking.rca_id) ?? [],
    asking,
    knowledge,
    "rcaId",
  );
  const symptomId = asking.symptom_id === "" ? 0 : await firstLinked(
    index.bySymptom.get(asking.symptom_id) ?? [],
    asking,
    knowledge,
    "symptomId",
  );
  const sameAsCaseId = rcaId === 0
    ? await investigatingCase(index, asking, knowledge)
    : 0;
  return { rcaId, symptomId, sameAsCaseId };
}

/**
 * Returns the ground-truth artifact data of `step` for scenario case
 * `caseId`.
 *
 * @throws {GroundTruthError} when the case is not in the scenario.
 */
export async function groundTruthAnswer(
  scenario: Scenario,
  request: { readonly caseId: string; readonly step: PipelineStep },
  knowledge: GroundTruthKnowledge,
): Promise<Record<string, unknown>> {
  const index = scenarioIndex(scenario);
  const gt = index.cases.get(request.caseId);
  if (gt === undefined) {
    throw new GroundTruthError(
      `Cannot answer for case '${request.caseId}': scenario '${scenario.name}' has no such case`,
    );
  }
  const rca = index.rcas.get(gt.rca_id);
  switch (request.step) {
    case "F0_RECALL": {
      const expected = gt.expected_recall;
      if (expected === undefined || !expected.match) {
        return { match: false, confidence: expected?.confidence ?? 0 };
      }
      const refs = await references(index, gt, knowledge);
      return {
        match: true,
        prior_rca_id: refs.rcaId,
        symptom_id: refs.symptomId,
        ...(refs.sameAsCaseId ? { same_as_case_id: refs.sameAsCaseId } : {}),
        confidence: expected.confidence,
        reasoning: `Ground truth: recurrence of ${
          gt.rca_id || "a known failure"
        }`,
      };
    }
    case "F1_TRIAGE": {
      const t = gt.expected_triage;
      if (t === undefined) return { symptom_category: "unknown" };
      return {
        symptom_category: t.symptom_category,
        severity: t.severity,
        defect_type_hypothesis: t.defect_type_hypothesis,
        candidate_repos: [...t.candidate_repos],
        skip_investigation: t.skip_investigation,
        cascade_suspected: t.cascade_suspected,
      };
    }
    case "F2_RESOLVE":
      return {
        selected_repos: (gt.expected_resolve?.selected_repos ?? []).map((
          r,
        ) => ({
          name: r.name,
          path: index.repoPaths.get(r.name) ?? "",
          reason: r.reason,
        })),
      };
    case "F3_INVESTIGATE": {
      const inv = gt.expected_invest;
      if (inv === undefined) return { convergence_score: 0.5 };
      return {
        rca_message: inv.rca_message,
        defect_type: inv.defect_type,
        component: inv.component,
        convergence_score: inv.convergence_score,
        evidence_refs: [...inv.evidence_refs],
      };
    }
    case "F4_CORRELATE": {
      const cor = gt.expected_correlate;
      if (cor === undefined) return { is_duplicate: false };
      const refs = cor.is_duplicate
        ? await references(index, gt, knowledge)
        : undefined;
      return {
        is_duplicate: cor.is_duplicate,
        ...(refs?.rcaId ? { linked_rca_id: refs.rcaId } : {}),
        ...(refs?.sameAsCaseId ? { same_as_case_id: refs.sameAsCaseId } : {}),
        confidence: cor.confidence,
        cross_version_match: cor.cross_version_match,
      };
    }
    case "F5_REVIEW":
      return { decision: gt.expected_review?.decision ?? "approve" };
    case "F6_REPORT":
      return {
        case_id: gt.id,
        test_name: gt.test_name,
        defect_type: rca?.defect_type ?? "nd001",
        ...(rca
          ? {
            ...(rca.jira_id ? { jira_id: rca.jira_id } : {}),
            component: rca.component,
            summary: rca.title,
          }
          : {}),
      };
  }
}
