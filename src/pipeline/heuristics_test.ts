import assert from "node:assert/strict";
import { parseArtifact, type StepArtifact } from "./artifact_schemas.ts";
import {
  countLoops,
  evaluateRules,
  fallbackNext,
  HEURISTIC_RULES,
  type HeuristicRule,
  type LoopCounts,
  type RouteDecision,
} from "./heuristics.ts";
import { PIPELINE_STEPS, type PipelineStep, type Step } from "./step.ts";
import {
  DEFAULT_THRESHOLDS,
  resolveThresholds,
  type Thresholds,
} from "./thresholds.ts";

const NO_LOOPS: LoopCounts = Object.freeze({ investigate: 0, reassess: 0 });

/** A validated artifact of `step`, parsed the way the runner parses answers. */
function artifact(step: PipelineStep, data: unknown): StepArtifact {
  return {
    step,
    data: parseArtifact(step, data, { name: "test" }),
  } as StepArtifact;
}

/** Routes a step's answer `data`. */
function route(
  step: PipelineStep,
  data: unknown,
  options: { loops?: LoopCounts; thresholds?: Thresholds } = {},
): RouteDecision {
  return evaluateRules(
    step,
    artifact(step, data),
    options.loops ?? NO_LOOPS,
    options.thresholds ?? DEFAULT_THRESHOLDS,
  );
}

function assertRoute(
  decision: RouteDecision,
  ruleId: string,
  next: Step,
  message?: string,
): void {
  assert.deepEqual(
    { ruleId: decision.ruleId, next: decision.next },
    { ruleId, next },
    message,
  );
}

// --- rule table -------------------------------------------------------------

Deno.test("HEURISTIC_RULES lists the rules in evaluation order with names and stages", () => {
  assert.deepEqual(
    HEURISTIC_RULES.map((r) => [r.id, r.name, r.stage]),
    [
      ["H1", "recall-hit", "F0_RECALL"],
      ["H3", "recall-uncertain", "F0_RECALL"],
      ["H2", "recall-miss", "F0_RECALL"],
      ["H4", "triage-skip-infra", "F1_TRIAGE"],
      ["H5", "triage-skip-flake", "F1_TRIAGE"],
      ["H18", "triage-skip-investigation", "F1_TRIAGE"],
      ["H17", "triage-clock-skew", "F1_TRIAGE"],
      ["H7", "triage-single-repo", "F1_TRIAGE"],
      ["H6", "triage-investigate", "F1_TRIAGE"],
      ["H8", "resolve-multi", "F2_RESOLVE"],
      ["H9", "investigate-converged", "F3_INVESTIGATE"],
      ["H10", "investigate-low", "F3_INVESTIGATE"],
      ["H11", "investigate-exhausted", "F3_INVESTIGATE"],
      ["H15", "correlate-dup", "F4_CORRELATE"],
      ["H15b", "correlate-proceed", "F4_CORRELATE"],
      ["H12", "review-approve", "F5_REVIEW"],
      ["H13", "review-reassess", "F5_REVIEW"],
      ["H13b", "review-reassess-exhausted", "F5_REVIEW"],
      ["H14", "review-overturn", "F5_REVIEW"],
    ],
  );
});

Deno.test("evaluateRules() returns the winning rule's id, name and explanation", () => {
  const decision = route("F0_RECALL", { match: true, confidence: 0.9 });
  assert.deepEqual(decision, {
    ruleId: "H1",
    ruleName: "recall-hit",
    next: "F5_REVIEW",
    explanation: "recall hit (confidence 0.9 >= 0.8): review the prior RCA",
  });
});

// --- F0 recall ----------------------------------------------------------------

Deno.test("H1 fires for a match at or above recallHit (0.80 exactly included)", () => {
  assertRoute(
    route("F0_RECALL", { match: true, confidence: 0.8 }),
    "H1",
    "F5_REVIEW",
  );
  assertRoute(
    route("F0_RECALL", { match: true, confidence: 1 }),
    "H1",
    "F5_REVIEW",
  );
});

Deno.test("H3 fires for a match in [0.40, 0.80) and records the recall candidate", () => {
  const decision = route("F0_RECALL", {
    match: true,
    confidence: 0.79,
    prior_rca_id: 7,
    symptom_id: 3,
  });
  assertRoute(decision, "H3", "F1_TRIAGE");
  assert.equal(decision.ruleName, "recall-uncertain");
  assert.deepEqual(decision.context, {
    recall_candidate: { prior_rca_id: 7, symptom_id: 3, confidence: 0.79 },
  });
  assert.match(decision.explanation, /uncertain recall \(confidence 0\.79\)/);
});

Deno.test("H3 fires at confidence exactly 0.40 (lower bound inclusive)", () => {
  const decision = route("F0_RECALL", { match: true, confidence: 0.4 });
  assertRoute(decision, "H3", "F1_TRIAGE");
  assert.deepEqual(decision.context, {
    recall_candidate: { prior_rca_id: 0, symptom_id: 0, confidence: 0.4 },
  });
});

Deno.test("a match below recallUncertain fires no rule: FALLBACK to F1", () => {
  for (const confidence of [0.39, 0.3, 0]) {
    const decision = route("F0_RECALL", { match: true, confidence });
    assertRoute(decision, "FALLBACK", "F1_TRIAGE", `confidence ${confidence}`);
    assert.equal(decision.ruleName, "fallback");
    assert.equal(decision.explanation, "no rule fired: continue to F1_TRIAGE");
    assert.equal(decision.context, undefined);
  }
});

Deno.test("H2 fires when there is no match, whatever the confidence", () => {
  for (const confidence of [0, 0.5, 0.95]) {
    const decision = route("F0_RECALL", { match: false, confidence });
    assertRoute(decision, "H2", "F1_TRIAGE", `confidence ${confidence}`);
    assert.equal(decision.ruleName, "recall-miss");
    assert.equal(decision.explanation, "no prior RCA matches: triage");
  }
  // An empty object parses to the zero values: match false.
  assertRoute(route("F0_RECALL", {}), "H2", "F1_TRIAGE");
});

Deno.test("H2 fires when the recall artifact is missing or of another step", () => {
  assertRoute(
    evaluateRules("F0_RECALL", undefined, NO_LOOPS, DEFAULT_THRESHOLDS),
    "H2",
    "F1_TRIAGE",
  );
  assertRoute(
    evaluateRules(
      "F0_RECALL",
      artifact("F1_TRIAGE", { symptom_category: "infra" }),
      NO_LOOPS,
      DEFAULT_THRESHOLDS,
    ),
    "H2",
    "F1_TRIAGE",
  );
});

// --- F1 triage ----------------------------------------------------------------

Deno.test("H4 fires for an infra symptom", () => {
  const decision = route("F1_TRIAGE", {
    symptom_category: "infra",
    candidate_repos: ["a", "b"],
  });
  assertRoute(decision, "H4", "F5_REVIEW");
  assert.equal(decision.ruleName, "triage-skip-infra");
});

Deno.test("H4 wins over H18 for infra with skip_investigation (rule order)", () => {
  assertRoute(
    route("F1_TRIAGE", { symptom_category: "infra", skip_investigation: true }),
    "H4",
    "F5_REVIEW",
  );
});

Deno.test("H5 fires for a flaky symptom, before H18", () => {
  assertRoute(
    route("F1_TRIAGE", { symptom_category: "flake" }),
    "H5",
    "F5_REVIEW",
  );
  assertRoute(
    route("F1_TRIAGE", { symptom_category: "flake", skip_investigation: true }),
    "H5",
    "F5_REVIEW",
  );
});

Deno.test("H4 and H5 compare the category exactly (case-sensitive)", () => {
  assertRoute(
    route("F1_TRIAGE", { symptom_category: "Infra" }),
    "H6",
    "F2_RESOLVE",
  );
  assertRoute(
    route("F1_TRIAGE", { symptom_category: "FLAKE" }),
    "H6",
    "F2_RESOLVE",
  );
});

Deno.test("H18 fires for skip_investigation with any other category, before H7", () => {
  const decision = route("F1_TRIAGE", {
    symptom_category: "assertion",
    skip_investigation: true,
    candidate_repos: ["only-one"],
  });
  assertRoute(decision, "H18", "F5_REVIEW");
  assert.equal(decision.ruleName, "triage-skip-investigation");
});

Deno.test("H17 never fires, even when clock skew is suspected", () => {
  const h17 = HEURISTIC_RULES.find((r) => r.id === "H17");
  assert.ok(h17);
  const skewed = artifact("F1_TRIAGE", {
    symptom_category: "timeout",
    clock_skew_suspected: true,
  });
  assert.equal(h17.evaluate(skewed, NO_LOOPS, DEFAULT_THRESHOLDS), undefined);
  assert.equal(
    h17.evaluate(undefined, NO_LOOPS, DEFAULT_THRESHOLDS),
    undefined,
  );
  // Routing is the same with and without the flag.
  for (const candidate_repos of [[], ["a"], ["a", "b"]]) {
    const plain = route("F1_TRIAGE", { candidate_repos });
    const withSkew = route("F1_TRIAGE", {
      candidate_repos,
      clock_skew_suspected: true,
    });
    assert.deepEqual(withSkew, plain);
    assert.notEqual(withSkew.ruleId, "H17");
  }
});

Deno.test("H7 fires for exactly one candidate repo and records it as context", () => {
  const decision = route("F1_TRIAGE", {
    symptom_category: "assertion",
    candidate_repos: ["linuxptp-daemon-operator"],
  });
  assertRoute(decision, "H7", "F3_INVESTIGATE");
  assert.equal(decision.ruleName, "triage-single-repo");
  assert.deepEqual(decision.context, {
    selected_repos: ["linuxptp-daemon-operator"],
  });
  assert.match(decision.explanation, /'linuxptp-daemon-operator'/);
});

Deno.test("H6 fires for zero or several candidate repos", () => {
  for (const candidate_repos of [[], ["a", "b"], ["a", "b", "c"]]) {
    const decision = route("F1_TRIAGE", {
      symptom_category: "assertion",
      candidate_repos,
    });
    assertRoute(decision, "H6", "F2_RESOLVE", String(candidate_repos));
    assert.equal(decision.ruleName, "triage-investigate");
    assert.equal(decision.context, undefined);
  }
});

Deno.test("F1 without an artifact fires no rule: FALLBACK to F2", () => {
  assertRoute(
    evaluateRules("F1_TRIAGE", undefined, NO_LOOPS, DEFAULT_THRESHOLDS),
    "FALLBACK",
    "F2_RESOLVE",
  );
});

// --- F2 resolve ---------------------------------------------------------------

Deno.test("H8 fires for any resolve artifact, even with no repo selected", () => {
  const two = route("F2_RESOLVE", {
    selected_repos: [{ name: "a" }, { name: "b" }],
  });
  assertRoute(two, "H8", "F3_INVESTIGATE");
  assert.equal(two.ruleName, "resolve-multi");
  assert.equal(two.explanation, "investigate 2 selected repo(s)");
  const none = route("F2_RESOLVE", {});
  assertRoute(none, "H8", "F3_INVESTIGATE");
  assert.equal(none.explanation, "investigate 0 selected repo(s)");
});

// --- F3 investigate -----------------------------------------------------------

Deno.test("H9 fires at convergence exactly 0.70 and above", () => {
  for (const convergence_score of [0.7, 0.71, 1]) {
    const decision = route("F3_INVESTIGATE", { convergence_score });
    assertRoute(decision, "H9", "F4_CORRELATE", String(convergence_score));
    assert.equal(decision.ruleName, "investigate-converged");
  }
  // High convergence wins even when the loops are exhausted.
  assertRoute(
    route("F3_INVESTIGATE", { convergence_score: 0.7 }, {
      loops: { investigate: 5, reassess: 0 },
    }),
    "H9",
    "F4_CORRELATE",
  );
});

Deno.test("H10 fires below 0.70 while loops remain", () => {
  const first = route("F3_INVESTIGATE", { convergence_score: 0.69 });
  assertRoute(first, "H10", "F2_RESOLVE");
  assert.equal(first.ruleName, "investigate-low");
  assert.match(first.explanation, /loop 1 of 2/);
  const second = route("F3_INVESTIGATE", { convergence_score: 0 }, {
    loops: { investigate: 1, reassess: 0 },
  });
  assertRoute(second, "H10", "F2_RESOLVE");
  assert.match(second.explanation, /loop 2 of 2/);
});

Deno.test("H11 fires below 0.70 once the loops are used up", () => {
  for (const investigate of [2, 3]) {
    const decision = route("F3_INVESTIGATE", { convergence_score: 0.69 }, {
      loops: { investigate, reassess: 0 },
    });
    assertRoute(decision, "H11", "F5_REVIEW", `after ${investigate} loops`);
    assert.equal(decision.ruleName, "investigate-exhausted");
    assert.match(decision.explanation, new RegExp(`after ${investigate} loop`));
  }
});

Deno.test("the reassess counter does not affect H10/H11", () => {
  assertRoute(
    route("F3_INVESTIGATE", { convergence_score: 0.1 }, {
      loops: { investigate: 0, reassess: 9 },
    }),
    "H10",
    "F2_RESOLVE",
  );
});

// --- F4 correlate -------------------------------------------------------------

Deno.test("H15 fires for a duplicate at confidence exactly 0.80 and above", () => {
  for (const confidence of [0.8, 0.95]) {
    const decision = route("F4_CORRELATE", {
      is_duplicate: true,
      confidence,
      linked_rca_id: 4,
    });
    assertRoute(decision, "H15", "DONE", String(confidence));
    assert.equal(decision.ruleName, "correlate-dup");
  }
});

Deno.test("H15 does not check linked_rca_id", () => {
  assertRoute(
    route("F4_CORRELATE", { is_duplicate: true, confidence: 0.9 }),
    "H15",
    "DONE",
  );
});

Deno.test("H15b fires for a low-confidence duplicate or a non-duplicate", () => {
  for (
    const data of [
      { is_duplicate: true, confidence: 0.79 },
      { is_duplicate: false, confidence: 0.99 },
      {},
    ]
  ) {
    const decision = route("F4_CORRELATE", data);
    assertRoute(decision, "H15b", "F5_REVIEW", JSON.stringify(data));
    assert.equal(decision.ruleName, "correlate-proceed");
  }
});

// --- F5 review ----------------------------------------------------------------

Deno.test("H12 fires for approve", () => {
  const decision = route("F5_REVIEW", { decision: "approve" });
  assertRoute(decision, "H12", "F6_REPORT");
  assert.equal(decision.ruleName, "review-approve");
});

Deno.test("H13 sends a reassessment to F2_RESOLVE when no loop_target is given", () => {
  const decision = route("F5_REVIEW", { decision: "reassess" });
  assertRoute(decision, "H13", "F2_RESOLVE");
  assert.equal(decision.ruleName, "review-reassess");
  assert.equal(
    decision.explanation,
    "review asked to reassess from F2_RESOLVE (reassessment 1 of 2)",
  );
});

Deno.test("H13 follows loop_target", () => {
  for (const loop_target of ["F1_TRIAGE", "F2_RESOLVE", "F3_INVESTIGATE"]) {
    const decision = route("F5_REVIEW", { decision: "reassess", loop_target });
    assertRoute(decision, "H13", loop_target as Step);
    assert.match(decision.explanation, new RegExp(`from ${loop_target}`));
  }
});

Deno.test("H13 fires below the reassess cap, H13b at the cap", () => {
  const below = route("F5_REVIEW", {
    decision: "reassess",
    loop_target: "F3_INVESTIGATE",
  }, { loops: { investigate: 0, reassess: 1 } });
  assertRoute(below, "H13", "F3_INVESTIGATE");
  assert.match(below.explanation, /reassessment 2 of 2/);

  for (const reassess of [2, 3]) {
    const atCap = route("F5_REVIEW", {
      decision: "reassess",
      loop_target: "F3_INVESTIGATE",
    }, { loops: { investigate: 0, reassess } });
    assertRoute(atCap, "H13b", "F6_REPORT", `reassess ${reassess}`);
    assert.equal(atCap.ruleName, "review-reassess-exhausted");
    assert.match(atCap.explanation, new RegExp(`after ${reassess} reassess`));
  }
});

Deno.test("H14 fires for overturn and records the human override", () => {
  const decision = route("F5_REVIEW", {
    decision: "overturn",
    human_override: { defect_type: "ab001", rca_message: "test bug" },
  });
  assertRoute(decision, "H14", "F6_REPORT");
  assert.equal(decision.ruleName, "review-overturn");
  assert.deepEqual(decision.context, {
    human_override: { defect_type: "ab001", rca_message: "test bug" },
  });
});

Deno.test("H14 without a human override adds no context", () => {
  const decision = route("F5_REVIEW", { decision: "overturn" });
  assertRoute(decision, "H14", "F6_REPORT");
  assert.equal(decision.context, undefined);
});

Deno.test("H14 still fires for overturn at the reassess cap", () => {
  assertRoute(
    route("F5_REVIEW", { decision: "overturn" }, {
      loops: { investigate: 0, reassess: 2 },
    }),
    "H14",
    "F6_REPORT",
  );
});

// --- F6 and the fallback progression ---------------------------------------

Deno.test("F6 has no rules: FALLBACK to DONE", () => {
  const decision = route("F6_REPORT", { summary: "x" });
  assertRoute(decision, "FALLBACK", "DONE");
  assert.equal(decision.explanation, "no rule fired: continue to DONE");
});

Deno.test("without an artifact F1..F6 follow the fallback progression", () => {
  const expected: [PipelineStep, string, Step][] = [
    ["F1_TRIAGE", "FALLBACK", "F2_RESOLVE"],
    ["F2_RESOLVE", "FALLBACK", "F3_INVESTIGATE"],
    ["F3_INVESTIGATE", "FALLBACK", "F4_CORRELATE"],
    // H15b fires unconditionally (as in the Go version), so F4 reaches F5
    // through H15b rather than FALLBACK; the destination is the same.
    ["F4_CORRELATE", "H15b", "F5_REVIEW"],
    ["F5_REVIEW", "FALLBACK", "F6_REPORT"],
    ["F6_REPORT", "FALLBACK", "DONE"],
  ];
  for (const [step, ruleId, next] of expected) {
    const decision = evaluateRules(
      step,
      undefined,
      NO_LOOPS,
      DEFAULT_THRESHOLDS,
    );
    assertRoute(decision, ruleId, next, step);
    assert.equal(decision.next, fallbackNext(step), step);
  }
});

Deno.test("an artifact of another step makes the stage's rules not fire", () => {
  const recall = artifact("F0_RECALL", { match: true, confidence: 1 });
  for (
    const step of [
      "F1_TRIAGE",
      "F2_RESOLVE",
      "F3_INVESTIGATE",
      "F5_REVIEW",
    ] as const
  ) {
    const decision = evaluateRules(step, recall, NO_LOOPS, DEFAULT_THRESHOLDS);
    assertRoute(decision, "FALLBACK", fallbackNext(step), step);
  }
});

Deno.test("with no rules every step takes its §2.3 fallback edge", () => {
  const expected: Record<PipelineStep, Step> = {
    F0_RECALL: "F1_TRIAGE",
    F1_TRIAGE: "F2_RESOLVE",
    F2_RESOLVE: "F3_INVESTIGATE",
    F3_INVESTIGATE: "F4_CORRELATE",
    F4_CORRELATE: "F5_REVIEW",
    F5_REVIEW: "F6_REPORT",
    F6_REPORT: "DONE",
  };
  for (const step of PIPELINE_STEPS) {
    const decision = evaluateRules(
      step,
      undefined,
      NO_LOOPS,
      DEFAULT_THRESHOLDS,
      [],
    );
    assert.deepEqual(decision, {
      ruleId: "FALLBACK",
      ruleName: "fallback",
      next: expected[step],
      explanation: `no rule fired: continue to ${expected[step]}`,
    });
  }
});

Deno.test("fallbackNext() covers INIT and DONE", () => {
  assert.equal(fallbackNext("INIT"), "F0_RECALL");
  assert.equal(fallbackNext("F0_RECALL"), "F1_TRIAGE");
  assert.equal(fallbackNext("F6_REPORT"), "DONE");
  assert.equal(fallbackNext("DONE"), "DONE");
});

Deno.test("evaluateRules() uses the rule list it is given, skipping other stages", () => {
  const calls: string[] = [];
  const custom: HeuristicRule[] = [
    {
      id: "X0",
      name: "other-stage",
      stage: "F0_RECALL",
      evaluate: () => {
        calls.push("X0");
        return { next: "DONE", explanation: "never" };
      },
    },
    {
      id: "X1",
      name: "silent",
      stage: "F2_RESOLVE",
      evaluate: () => {
        calls.push("X1");
        return undefined;
      },
    },
    {
      id: "X2",
      name: "custom",
      stage: "F2_RESOLVE",
      evaluate: (_artifact, loops, thresholds) => {
        calls.push("X2");
        return {
          next: "F5_REVIEW",
          explanation: `${loops.investigate}/${thresholds.maxInvestigateLoops}`,
          context: { custom: true },
        };
      },
    },
    {
      id: "X3",
      name: "too-late",
      stage: "F2_RESOLVE",
      evaluate: () => {
        calls.push("X3");
        return { next: "DONE", explanation: "never" };
      },
    },
  ];
  const decision = evaluateRules(
    "F2_RESOLVE",
    undefined,
    { investigate: 1, reassess: 0 },
    DEFAULT_THRESHOLDS,
    custom,
  );
  assert.deepEqual(decision, {
    ruleId: "X2",
    ruleName: "custom",
    next: "F5_REVIEW",
    explanation: "1/2",
    context: { custom: true },
  });
  assert.deepEqual(calls, ["X1", "X2"]);
});

// --- loop counters ------------------------------------------------------------

Deno.test("countLoops() counts F3 → F2 as an investigate loop only", () => {
  assert.deepEqual(countLoops("F3_INVESTIGATE", "F2_RESOLVE", NO_LOOPS), {
    investigate: 1,
    reassess: 0,
  });
  assert.deepEqual(
    countLoops("F3_INVESTIGATE", "F2_RESOLVE", { investigate: 1, reassess: 3 }),
    { investigate: 2, reassess: 3 },
  );
  for (const next of ["F4_CORRELATE", "F5_REVIEW", "DONE"] as const) {
    assert.deepEqual(
      countLoops("F3_INVESTIGATE", next, NO_LOOPS),
      NO_LOOPS,
      next,
    );
  }
  // F2 → F3 and F1 → F2 are not loops.
  assert.deepEqual(
    countLoops("F2_RESOLVE", "F3_INVESTIGATE", NO_LOOPS),
    NO_LOOPS,
  );
  assert.deepEqual(countLoops("F1_TRIAGE", "F2_RESOLVE", NO_LOOPS), NO_LOOPS);
});

Deno.test("countLoops() counts F5 → anything but F6 or DONE as a reassessment", () => {
  for (const next of ["F1_TRIAGE", "F2_RESOLVE", "F3_INVESTIGATE"] as const) {
    assert.deepEqual(
      countLoops("F5_REVIEW", next, { investigate: 2, reassess: 1 }),
      { investigate: 2, reassess: 2 },
      next,
    );
  }
  assert.deepEqual(countLoops("F5_REVIEW", "F6_REPORT", NO_LOOPS), NO_LOOPS);
  assert.deepEqual(countLoops("F5_REVIEW", "DONE", NO_LOOPS), NO_LOOPS);
  // F4 → DONE (H15) is not a reassessment.
  assert.deepEqual(countLoops("F4_CORRELATE", "DONE", NO_LOOPS), NO_LOOPS);
});

Deno.test("countLoops() does not modify its input", () => {
  const loops = { investigate: 1, reassess: 1 };
  countLoops("F3_INVESTIGATE", "F2_RESOLVE", loops);
  countLoops("F5_REVIEW", "F2_RESOLVE", loops);
  assert.deepEqual(loops, { investigate: 1, reassess: 1 });
});

/**
 * Runs the F2 → F3 part of the pipeline with a fixed F3 convergence, as the
 * runner does: evaluate, then count, then advance. Returns the rule ids fired
 * at F3, the loop counters after each F3, and where the case went.
 */
function simulateInvestigation(
  convergence: number,
  thresholds: Thresholds,
): { f3Rules: string[]; loopsAfter: number[]; exit: Step } {
  let loops: LoopCounts = NO_LOOPS;
  let step: Step = "F3_INVESTIGATE";
  const f3Rules: string[] = [];
  const loopsAfter: number[] = [];
  for (let guard = 0; guard < 20; guard++) {
    if (step === "F2_RESOLVE") {
      const decision = evaluateRules(
        step,
        artifact(step, { selected_repos: [{ name: "a" }] }),
        loops,
        thresholds,
      );
      assert.equal(decision.ruleId, "H8");
      loops = countLoops(step, decision.next, loops);
      step = decision.next;
      continue;
    }
    if (step !== "F3_INVESTIGATE") return { f3Rules, loopsAfter, exit: step };
    const decision = evaluateRules(
      step,
      artifact(step, { convergence_score: convergence }),
      loops,
      thresholds,
    );
    f3Rules.push(decision.ruleId);
    loops = countLoops(step, decision.next, loops);
    loopsAfter.push(loops.investigate);
    step = decision.next;
  }
  assert.fail("the investigation loop did not terminate");
}

Deno.test("low convergence loops twice, then H11 goes to review (at most 3 F3 runs)", () => {
  const result = simulateInvestigation(0.2, DEFAULT_THRESHOLDS);
  assert.deepEqual(result, {
    f3Rules: ["H10", "H10", "H11"],
    loopsAfter: [1, 2, 2],
    exit: "F5_REVIEW",
  });
});

Deno.test("convergence at the threshold leaves F3 at once without a loop", () => {
  assert.deepEqual(simulateInvestigation(0.7, DEFAULT_THRESHOLDS), {
    f3Rules: ["H9"],
    loopsAfter: [0],
    exit: "F4_CORRELATE",
  });
});

Deno.test("maxInvestigateLoops changes the number of F3 runs", () => {
  assert.deepEqual(
    simulateInvestigation(0.2, resolveThresholds({ maxInvestigateLoops: 0 })),
    { f3Rules: ["H11"], loopsAfter: [0], exit: "F5_REVIEW" },
  );
  assert.deepEqual(
    simulateInvestigation(0.2, resolveThresholds({ maxInvestigateLoops: 3 })),
    {
      f3Rules: ["H10", "H10", "H10", "H11"],
      loopsAfter: [1, 2, 3, 3],
      exit: "F5_REVIEW",
    },
  );
});

Deno.test("review reassessments count F5 → F2 until H13b reports at the cap", () => {
  let loops: LoopCounts = NO_LOOPS;
  const fired: string[] = [];
  const reassessAfter: number[] = [];
  for (let i = 0; i < 3; i++) {
    const decision = route("F5_REVIEW", { decision: "reassess" }, { loops });
    fired.push(decision.ruleId);
    loops = countLoops("F5_REVIEW", decision.next, loops);
    reassessAfter.push(loops.reassess);
    if (decision.next === "F6_REPORT") break;
    assert.equal(decision.next, "F2_RESOLVE");
  }
  assert.deepEqual(fired, ["H13", "H13", "H13b"]);
  // F5 → F6 (H13b) does not count.
  assert.deepEqual(reassessAfter, [1, 2, 2]);
  assert.deepEqual(loops, { investigate: 0, reassess: 2 });
});

// --- custom thresholds ----------------------------------------------------------

Deno.test("custom thresholds change recall routing", () => {
  const strict = resolveThresholds({ recallHit: 0.95 });
  assertRoute(
    route("F0_RECALL", { match: true, confidence: 0.9 }, {
      thresholds: strict,
    }),
    "H3",
    "F1_TRIAGE",
  );
  assertRoute(
    route("F0_RECALL", { match: true, confidence: 0.95 }, {
      thresholds: strict,
    }),
    "H1",
    "F5_REVIEW",
  );
  const lenient = resolveThresholds({ recallUncertain: 0.2 });
  assertRoute(
    route("F0_RECALL", { match: true, confidence: 0.3 }, {
      thresholds: lenient,
    }),
    "H3",
    "F1_TRIAGE",
  );
  // recallUncertain == recallHit leaves no uncertain band.
  const noBand = resolveThresholds({ recallHit: 0.6, recallUncertain: 0.6 });
  assertRoute(
    route("F0_RECALL", { match: true, confidence: 0.59 }, {
      thresholds: noBand,
    }),
    "FALLBACK",
    "F1_TRIAGE",
  );
  assertRoute(
    route("F0_RECALL", { match: true, confidence: 0.6 }, {
      thresholds: noBand,
    }),
    "H1",
    "F5_REVIEW",
  );
});

Deno.test("custom thresholds change investigate, correlate and review routing", () => {
  const thresholds = resolveThresholds({
    convergenceSufficient: 0.5,
    correlateDup: 0.6,
    maxReassessLoops: 0,
  });
  assertRoute(
    route("F3_INVESTIGATE", { convergence_score: 0.5 }, { thresholds }),
    "H9",
    "F4_CORRELATE",
  );
  assertRoute(
    route("F3_INVESTIGATE", { convergence_score: 0.49 }, { thresholds }),
    "H10",
    "F2_RESOLVE",
  );
  assertRoute(
    route("F4_CORRELATE", { is_duplicate: true, confidence: 0.6 }, {
      thresholds,
    }),
    "H15",
    "DONE",
  );
  assertRoute(
    route("F5_REVIEW", { decision: "reassess" }, { thresholds }),
    "H13b",
    "F6_REPORT",
  );
  // The same inputs route differently under the defaults.
  assertRoute(
    route("F3_INVESTIGATE", { convergence_score: 0.5 }),
    "H10",
    "F2_RESOLVE",
  );
  assertRoute(
    route("F4_CORRELATE", { is_duplicate: true, confidence: 0.6 }),
    "H15b",
    "F5_REVIEW",
  );
  assertRoute(
    route("F5_REVIEW", { decision: "reassess" }),
    "H13",
    "F2_RESOLVE",
  );
});
