/**
 * The basic agent's answer to one step: deterministic, no LLM, no ground
 * truth. Recall and correlation look for an earlier case with the same error
 * signature that has an RCA; triage classifies by keywords; resolution and
 * investigation rank the workspace by purpose; the convergence reflects how
 * much evidence the ranking found.
 *
 * @module
 */
import type { BasicRequest, FailureInput } from "./basic_request.ts";
import { classifyFailure, suspectsCascade } from "./classify_failure.ts";
import { candidateRepos, type RankedRepo, rankRepos } from "./rank_repos.ts";

const MAX_MESSAGE_HEAD = 120;

function head(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length <= MAX_MESSAGE_HEAD
    ? line
    : `${line.slice(0, MAX_MESSAGE_HEAD - 1)}…`;
}

function ranking(request: BasicRequest): {
  readonly cls: ReturnType<typeof classifyFailure>;
  readonly ranked: RankedRepo[];
} {
  const cls = classifyFailure(request.failure);
  return {
    cls,
    ranked: rankRepos(request.failure, cls.category, request.workspace),
  };
}

/** The repositories to look at: the candidates, widened on a loop retry. */
function chosenRepos(
  request: BasicRequest,
  ranked: RankedRepo[],
): RankedRepo[] {
  const candidates = candidateRepos(ranked);
  if (request.attempt > 0) {
    const wider = ranked.filter((r) => r.score >= 1).slice(0, 3);
    if (wider.length > candidates.length) return wider;
  }
  return candidates.length > 0 ? candidates : ranked.slice(0, 1);
}

/** Convergence from the evidence: words matched by the leading repository. */
function convergence(top: RankedRepo | undefined, attempt: number): number {
  if (top === undefined) return 0.3;
  const base = top.matched.length >= 3 ? 0.85 : top.score >= 2 ? 0.6 : 0.45;
  return Math.min(0.95, base + 0.15 * attempt);
}

function rcaMessage(failure: FailureInput, component: string): string {
  const error = head(failure.errorMessage || failure.testName);
  return component === "" ? error : `${component}: ${error}`;
}

/** Answers `request` (the step payload, before validation). */
export function basicAnswer(request: BasicRequest): Record<string, unknown> {
  const { failure } = request;
  const prior = request.similar.find((p) => p.rcaId !== 0);
  switch (request.step) {
    case "F0_RECALL":
      return prior
        ? {
          match: true,
          prior_rca_id: prior.rcaId,
          symptom_id: prior.symptomId,
          confidence: 0.9,
          reasoning:
            `same error signature as case #${prior.storeCaseId}, linked to RCA #${prior.rcaId}`,
        }
        : {
          match: false,
          confidence: 0.1,
          reasoning: "no earlier case with this error signature has an RCA",
        };
    case "F1_TRIAGE": {
      const { cls, ranked } = ranking(request);
      return {
        symptom_category: cls.category,
        severity: cls.severity,
        defect_type_hypothesis: cls.defectType,
        candidate_repos: cls.skip
          ? []
          : candidateRepos(ranked).map((r) => r.repo.name),
        skip_investigation: cls.skip,
        cascade_suspected: suspectsCascade(failure),
        data_quality_notes: cls.keyword === ""
          ? ""
          : `classified by keyword '${cls.keyword}'`,
      };
    }
    case "F2_RESOLVE": {
      const { ranked } = ranking(request);
      return {
        selected_repos: chosenRepos(request, ranked).map((r) => ({
          name: r.repo.name,
          path: r.repo.path,
          branch: r.repo.branch,
          reason: r.matched.length === 0
            ? "purpose fits the failure class"
            : `purpose mentions ${r.matched.join(", ")}`,
        })),
      };
    }
    case "F3_INVESTIGATE": {
      const { cls, ranked } = ranking(request);
      const top = chosenRepos(request, ranked)[0];
      const component = top?.repo.name ?? "";
      return {
        rca_message: rcaMessage(failure, component),
        defect_type: cls.defectType,
        component,
        convergence_score: convergence(top, request.attempt),
        evidence_refs: top
          ? top.matched.map((word) => `${top.repo.name}:${word}`)
          : [],
      };
    }
    case "F4_CORRELATE": {
      const other = request.similar.find((p) =>
        p.rcaId !== 0 && p.rcaId !== request.rcaId
      );
      return other
        ? {
          is_duplicate: true,
          linked_rca_id: other.rcaId,
          confidence: 0.85,
          reasoning:
            `same error signature as case #${other.storeCaseId} (RCA #${other.rcaId})`,
        }
        : {
          is_duplicate: false,
          confidence: 0.1,
          reasoning: "no earlier RCA for this error signature",
        };
    }
    case "F5_REVIEW":
      return { decision: "approve" };
    case "F6_REPORT": {
      const { cls, ranked } = ranking(request);
      const component = chosenRepos(request, ranked)[0]?.repo.name ?? "";
      return {
        case_id: failure.caseId,
        test_name: failure.testName,
        summary: head(`${failure.testName}: ${failure.errorMessage}`),
        defect_type: cls.defectType,
        component,
      };
    }
  }
}
