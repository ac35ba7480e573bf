/**
 * Heuristic routing rules (reference §2.2): after each step, the first rule
 * of that step's stage that fires decides the next step; when none fires the
 * fallback progression applies (§2.3).
 *
 * Differences from the Go version (reference §12 item 30): the review loop is
 * capped (`H13b`), a review's `loop_target` is validated by the artifact
 * schema, and the context a rule adds is recorded in the case history.
 *
 * @module
 */
import type { ArtifactByStep, StepArtifact } from "./artifact_schemas.ts";
import type { PipelineStep, Step } from "./step.ts";
import type { Thresholds } from "./thresholds.ts";

/** Loop counters of a case: `investigate` (F3 → F2) and `reassess` (F5 → back). */
export interface LoopCounts {
  readonly investigate: number;
  readonly reassess: number;
}

/** The routing decision taken after a step. */
export interface RouteDecision {
  /** Rule id (`H1` …) or `FALLBACK`. */
  readonly ruleId: string;
  /** Rule name, e.g. `recall-hit`. */
  readonly ruleName: string;
  /** The step to run next. */
  readonly next: Step;
  /** Why, in words (recorded as the history outcome). */
  readonly explanation: string;
  /** Extra facts the rule derived (e.g. the single selected repo for H7). */
  readonly context?: Readonly<Record<string, unknown>>;
}

type Outcome = Pick<RouteDecision, "next" | "explanation" | "context">;

/** One heuristic rule bound to one stage. */
export interface HeuristicRule {
  readonly id: string;
  readonly name: string;
  readonly stage: PipelineStep;
  /** Returns an outcome when the rule fires, `undefined` otherwise. */
  evaluate(
    artifact: StepArtifact | undefined,
    loops: LoopCounts,
    thresholds: Thresholds,
  ): Outcome | undefined;
}

function rule<S extends PipelineStep>(
  id: string,
  name: string,
  stage: S,
  evaluate: (
    data: ArtifactByStep[S] | undefined,
    loops: LoopCounts,
    thresholds: Thresholds,
  ) => Outcome | undefined,
): HeuristicRule {
  return {
    id,
    name,
    stage,
    evaluate: (artifact, loops, thresholds) =>
      evaluate(
        artifact?.step === stage
          ? artifact.data as ArtifactByStep[S]
          : undefined,
        loops,
        thresholds,
      ),
  };
}

/** The rules in evaluation order. */
export const HEURISTIC_RULES: readonly HeuristicRule[] = [
  rule(
    "H1",
    "recall-hit",
    "F0_RECALL",
    (r, _, t) =>
      r?.match && r.confidence >= t.recallHit
        ? {
          next: "F5_REVIEW",
          explanation:
            `recall hit (confidence ${r.confidence} >= ${t.recallHit}): review the prior RCA`,
        }
        : undefined,
  ),
  rule(
    "H3",
    "recall-uncertain",
    "F0_RECALL",
    (r, _, t) =>
      r?.match && r.confidence >= t.recallUncertain &&
        r.confidence < t.recallHit
        ? {
          next: "F1_TRIAGE",
          explanation:
            `uncertain recall (confidence ${r.confidence}): triage with the candidate in mind`,
          context: {
            recall_candidate: {
              prior_rca_id: r.prior_rca_id,
              symptom_id: r.symptom_id,
              confidence: r.confidence,
            },
          },
        }
        : undefined,
  ),
  rule(
    "H2",
    "recall-miss",
    "F0_RECALL",
    (r) =>
      r === undefined || !r.match
        ? { next: "F1_TRIAGE", explanation: "no prior RCA matches: triage" }
        : undefined,
  ),
  rule(
    "H4",
    "triage-skip-infra",
    "F1_TRIAGE",
    (r) =>
      r?.symptom_category === "infra"
        ? {
          next: "F5_REVIEW",
          explanation: "infrastructure failure: skip investigation",
        }
        : undefined,
  ),
  rule(
    "H5",
    "triage-skip-flake",
    "F1_TRIAGE",
    (r) =>
      r?.symptom_category === "flake"
        ? { next: "F5_REVIEW", explanation: "flaky test: skip investigation" }
        : undefined,
  ),
  rule(
    "H18",
    "triage-skip-investigation",
    "F1_TRIAGE",
    (r) =>
      r?.skip_investigation
        ? {
          next: "F5_REVIEW",
          explanation: "triage asked to skip investigation",
        }
        : undefined,
  ),
  // Clock skew is advisory: it is shown in prompts and never changes routing.
  rule("H17", "triage-clock-skew", "F1_TRIAGE", () => undefined),
  rule(
    "H7",
    "triage-single-repo",
    "F1_TRIAGE",
    (r) =>
      r !== undefined && !r.skip_investigation && r.candidate_repos.length === 1
        ? {
          next: "F3_INVESTIGATE",
          explanation: `single candidate repo '${
            r.candidate_repos[0]
          }': investigate it directly`,
          context: { selected_repos: [...r.candidate_repos] },
        }
        : undefined,
  ),
  rule(
    "H6",
    "triage-investigate",
    "F1_TRIAGE",
    (r) =>
      r !== undefined && !r.skip_investigation
        ? {
          next: "F2_RESOLVE",
          explanation: "investigation needed: select repositories",
        }
        : undefined,
  ),
  rule("H8", "resolve-multi", "F2_RESOLVE", (r) =>
    r !== undefined
      ? {
        next: "F3_INVESTIGATE",
        explanation: `investigate ${r.selected_repos.length} selected repo(s)`,
      }
      : undefined),
  rule(
    "H9",
    "investigate-converged",
    "F3_INVESTIGATE",
    (r, _, t) =>
      r !== undefined && r.convergence_score >= t.convergenceSufficient
        ? {
          next: "F4_CORRELATE",
          explanation:
            `converged (${r.convergence_score} >= ${t.convergenceSufficient}): correlate`,
        }
        : undefined,
  ),
  rule(
    "H10",
    "investigate-low",
    "F3_INVESTIGATE",
    (r, loops, t) =>
      r !== undefined && r.convergence_score < t.convergenceSufficient &&
        loops.investigate < t.maxInvestigateLoops
        ? {
          next: "F2_RESOLVE",
          explanation:
            `low convergence (${r.convergence_score}): widen scope, loop ${
              loops.investigate + 1
            } of ${t.maxInvestigateLoops}`,
        }
        : undefined,
  ),
  rule(
    "H11",
    "investigate-exhausted",
    "F3_INVESTIGATE",
    (r, loops, t) =>
      r !== undefined && r.convergence_score < t.convergenceSufficient &&
        loops.investigate >= t.maxInvestigateLoops
        ? {
          next: "F5_REVIEW",
          explanation:
            `low convergence (${r.convergence_score}) after ${loops.investigate} loop(s): review as is`,
        }
        : undefined,
  ),
  rule(
    "H15",
    "correlate-dup",
    "F4_CORRELATE",
    (r, _, t) =>
      r?.is_duplicate && r.confidence >= t.correlateDup
        ? {
          next: "DONE",
          explanation:
            `duplicate of a known RCA (confidence ${r.confidence} >= ${t.correlateDup})`,
        }
        : undefined,
  ),
  rule("H15b", "correlate-proceed", "F4_CORRELATE", () => ({
    next: "F5_REVIEW",
    explanation: "not a confirmed duplicate: review",
  })),
  rule(
    "H12",
    "review-approve",
    "F5_REVIEW",
    (r) =>
      r?.decision === "approve"
        ? { next: "F6_REPORT", explanation: "review approved: report" }
        : undefined,
  ),
  rule(
    "H13",
    "review-reassess",
    "F5_REVIEW",
    (r, loops, t) =>
      r?.decision === "reassess" && loops.reassess < t.maxReassessLoops
        ? {
          next: r.loop_target ?? "F2_RESOLVE",
          explanation: `review asked to reassess from ${
            r.loop_target ?? "F2_RESOLVE"
          } (reassessment ${loops.reassess + 1} of ${t.maxReassessLoops})`,
        }
        : undefined,
  ),
  rule(
    "H13b",
    "review-reassess-exhausted",
    "F5_REVIEW",
    (r, loops) =>
      r?.decision === "reassess"
        ? {
          next: "F6_REPORT",
          explanation:
            `review asked to reassess again after ${loops.reassess} reassessment(s): report as is`,
        }
        : undefined,
  ),
  rule(
    "H14",
    "review-overturn",
    "F5_REVIEW",
    (r) =>
      r?.decision === "overturn"
        ? {
          next: "F6_REPORT",
          explanation: "review overturned the conclusion: report the override",
          context: r.human_override
            ? { human_override: { ...r.human_override } }
            : undefined,
        }
        : undefined,
  ),
];

const FALLBACK_NEXT: Readonly<Partial<Record<Step, Step>>> = {
  INIT: "F0_RECALL",
  F0_RECALL: "F1_TRIAGE",
  F1_TRIAGE: "F2_RESOLVE",
  F2_RESOLVE: "F3_INVESTIGATE",
  F3_INVESTIGATE: "F4_CORRELATE",
  F4_CORRELATE: "F5_REVIEW",
  F5_REVIEW: "F6_REPORT",
  F6_REPORT: "DONE",
};

/** The fallback progression (§2.3): the next step when no rule fires. */
export function fallbackNext(step: Step): Step {
  return FALLBACK_NEXT[step] ?? "DONE";
}

/**
 * Evaluates the rules of `step` in order against its artifact and returns the
 * first decision, or the fallback progression.
 */
export function evaluateRules(
  step: PipelineStep,
  artifact: StepArtifact | undefined,
  loops: LoopCounts,
  thresholds: Thresholds,
  rules: readonly HeuristicRule[] = HEURISTIC_RULES,
): RouteDecision {
  for (const candidate of rules) {
    if (candidate.stage !== step) continue;
    const outcome = candidate.evaluate(artifact, loops, thresholds);
    if (outcome !== undefined) {
      return { ruleId: candidate.id, ruleName: candidate.name, ...outcome };
    }
  }
  const next = fallbackNext(step);
  return {
    ruleId: "FALLBACK",
    ruleName: "fallback",
    next,
    explanation: `no rule fired: continue to ${next}`,
  };
}

/**
 * Loop counters after moving from `step` to `next` (§2.4): `investigate`
 * counts F3 → F2, `reassess` counts F5 → anything but F6 or DONE.
 */
export function countLoops(
  step: PipelineStep,
  next: Step,
  loops: LoopCounts,
): LoopCounts {
  if (step === "F3_INVESTIGATE" && next === "F2_RESOLVE") {
    return { ...loops, investigate: loops.investigate + 1 };
  }
  if (step === "F5_REVIEW" && next !== "F6_REPORT" && next !== "DONE") {
    return { ...loops, reassess: loops.reassess + 1 };
  }
  return loops;
}
