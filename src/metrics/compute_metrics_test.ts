import assert from "node:assert/strict";
import type { CaseResult } from "../core/case_result.ts";
import type {
  GroundTruthCase,
  GroundTruthRca,
  RepoConfig,
  Scenario,
} from "../scenario/scenario_schema.ts";
import { computeMetrics } from "./compute_metrics.ts";
import {
  allMetrics,
  type Metric,
  METRIC_GROUPS,
  type MetricId,
  type MetricSet,
} from "../core/metric.ts";

// --- factories ---

function rca(
  id: string,
  overrides: Partial<GroundTruthRca> = {},
): GroundTruthRca {
  return {
    id,
    title: `RCA ${id}`,
    description: "",
    defect_type: "pb001",
    category: "product",
    component: "linuxptp-daemon",
    affected_versions: [],
    jira_id: "",
    required_keywords: [],
    keyword_threshold: 1,
    relevant_repos: [],
    ...overrides,
  };
}

function gtCase(
  id: string,
  overrides: Partial<GroundTruthCase> = {},
): GroundTruthCase {
  return {
    id,
    version: "4.21",
    job: "[T-TSC]",
    test_name: `test ${id}`,
    test_id: "",
    error_message: "",
    log_snippet: "",
    symptom_id: "",
    rca_id: "",
    expected_path: ["F0", "F1"],
    expect_recall_hit: false,
    expect_skip: false,
    expect_cascade: false,
    expected_loops: 0,
    ...overrides,
  };
}

function repo(name: string, overrides: Partial<RepoConfig> = {}): RepoConfig {
  return {
    name,
    path: "",
    purpose: "",
    branch: "main",
    relevant_to_rcas: [],
    is_red_herring: false,
    ...overrides,
  };
}

function scenario(
  cases: GroundTruthCase[],
  rcas: GroundTruthRca[] = [],
  repos: RepoConfig[] = [],
): Scenario {
  return {
    name: "unit",
    description: "",
    rcas,
    symptoms: [],
    cases,
    workspace: { repos },
  };
}

function result(
  caseId: string,
  overrides: Partial<CaseResult> = {},
): CaseResult {
  return {
    case_id: caseId,
    test_name: `test ${caseId}`,
    version: "4.21",
    job: "[T-TSC]",
    store_case_id: 1,
    actual_defect_type: "",
    actual_category: "",
    actual_rca_message: "",
    actual_component: "",
    actual_path: ["F0", "F1"],
    actual_recall_hit: false,
    actual_skip: false,
    actual_cascade: false,
    actual_loops: 0,
    actual_evidence_refs: [],
    actual_selected_repos: [],
    actual_rca_id: 0,
    actual_convergence: 0,
    defect_type_correct: false,
    path_correct: false,
    component_correct: false,
    ...overrides,
  };
}

function metric(set: MetricSet, id: MetricId): Metric {
  const found = allMetrics(set).find((m) => m.id === id);
  assert.ok(found, `metric ${id} missing`);
  return found;
}

/** Value, detail and pass verdict of one metric. */
function score(
  s: Scenario,
  results: CaseResult[],
  id: MetricId,
): Pick<Metric, "value" | "detail" | "pass"> {
  const { value, detail, pass } = metric(computeMetrics(s, results), id);
  return { value, detail, pass };
}

function assertClose(actual: number, expected: number, message?: string) {
  assert.ok(
    Math.abs(actual - expected) < 1e-9,
    message ?? `expected ${expected}, got ${actual}`,
  );
}

// --- shape ---

Deno.test("computeMetrics() returns M1–M20 in their groups with names and thresholds", () => {
  const set = computeMetrics(scenario([gtCase("C1")]), [result("C1")]);
  const shape = Object.fromEntries(
    METRIC_GROUPS.map((group) => [
      group,
      set[group].map((m) => [m.id, m.name, m.threshold]),
    ]),
  );
  assert.deepEqual(shape, {
    structured: [
      ["M1", "defect_type_accuracy", 0.80],
      ["M2", "symptom_category_accuracy", 0.75],
      ["M3", "recall_hit_rate", 0.70],
      ["M4", "recall_false_positive_rate", 0.10],
      ["M5", "serial_killer_detection", 0.70],
      ["M6", "skip_accuracy", 0.80],
      ["M7", "cascade_detection", 0.50],
      ["M8", "convergence_calibration", 0.40],
    ],
    workspace: [
      ["M9", "repo_selection_precision", 0.70],
      ["M10", "repo_selection_recall", 0.80],
      ["M11", "red_herring_rejection", 0.80],
    ],
    evidence: [
      ["M12", "evidence_recall", 0.60],
      ["M13", "evidence_precision", 0.50],
    ],
    semantic: [
      ["M14", "rca_message_relevance", 0.60],
      ["M15", "component_identification", 0.70],
    ],
    pipeline: [
      ["M16", "pipeline_path_accuracy", 0.60],
      ["M17", "loop_efficiency", 1.0],
      ["M18", "total_prompt_tokens", 60000],
    ],
    aggregate: [
      ["M19", "overall_accuracy", 0.65],
      ["M20", "run_variance", 0.15],
    ],
  });
});

Deno.test("computeMetrics() scores empty populations as fully correct", () => {
  const set = computeMetrics(scenario([gtCase("C1")]), []);
  const summary = Object.fromEntries(
    allMetrics(set).map((m) => [m.id, [m.value, m.detail, m.pass]]),
  );
  assert.deepEqual(summary, {
    M1: [1, "0/0", true],
    M2: [1, "0/0", true],
    M3: [1, "0/0", true],
    M4: [0, "0/0", true],
    M5: [1, "0/0", true],
    M6: [1, "0/0", true],
    M7: [1, "0/0", true],
    // M8 has its own rule: fewer than two points → 0.
    M8: [0, "r=0.00 (n=0)", false],
    M9: [1, "avg over 0 cases", true],
    M10: [1, "avg over 0 cases", true],
    M11: [1, "0 cases with F2, 0 selected red herring", true],
    M12: [1, "0/0", true],
    M13: [1, "0/0", true],
    M14: [1, "avg over 0 cases", true],
    M15: [1, "0/0", true],
    M16: [1, "0/0", true],
    M17: [1, "actual=0 expected=0", true],
    M18: [0, "estimated: 0 steps × 1000", true],
    M19: [1, "weighted avg of M1,M2,M5,M10,M12,M14", true],
    M20: [0, "single run", true],
  });
});

Deno.test("computeMetrics() ignores results whose case id is not in the scenario", () => {
  const s = scenario(
    [
      gtCase("C1", {
        rca_id: "R1",
        expect_recall_hit: true,
        expected_resolve: { selected_repos: [] },
        expected_invest: {
          rca_message: "",
          defect_type: "pb001",
          component: "",
          convergence_score: 0.9,
          evidence_refs: ["repo-a:pkg/config.go"],
        },
      }),
    ],
    [rca("R1", {
      required_keywords: ["holdover"],
      relevant_repos: ["repo-a"],
    })],
    [repo("repo-a"), repo("herring", { is_red_herring: true })],
  );
  const known = [
    result("C1", {
      actual_defect_type: "pb001",
      actual_recall_hit: true,
      actual_rca_id: 1,
      actual_convergence: 0.9,
      actual_selected_repos: ["repo-a"],
      actual_evidence_refs: ["repo-a:pkg/config.go"],
      actual_rca_message: "holdover",
      actual_component: "linuxptp-daemon",
      actual_path: ["F0", "F1"],
    }),
  ];
  const stranger = result("C99", {
    actual_defect_type: "xx",
    actual_recall_hit: true,
    actual_skip: true,
    actual_cascade: true,
    actual_rca_id: 7,
    actual_convergence: 0.1,
    actual_selected_repos: ["herring"],
    actual_evidence_refs: ["nothing"],
    actual_rca_message: "unrelated",
    actual_path: ["F0", "F1", "F2", "F3", "F4", "F5", "F6"],
    actual_loops: 3,
    prompt_tokens_total: 99999,
  });
  assert.deepEqual(
    computeMetrics(s, [stranger, ...known, stranger]),
    computeMetrics(s, known),
  );
});

Deno.test("computeMetrics() does not modify its arguments", () => {
  const s = scenario(
    [gtCase("C1", { rca_id: "R1" }), gtCase("C2", { rca_id: "R1" })],
    [rca("R1", { required_keywords: ["a"] })],
  );
  const results = [
    result("C1", { actual_defect_type: "pb001", actual_rca_id: 1 }),
    result("C2", { actual_rca_id: 1, actual_rca_message: "a" }),
  ];
  const before = structuredClone({ s, results });
  computeMetrics(s, results);
  assert.deepEqual({ s, results }, before);
  assert.equal(results[0].defect_type_correct, false);
});

// --- M1–M8: structured ---

Deno.test("computeMetrics() M1 counts defect matches over cases with a GT RCA", () => {
  const s = scenario(
    [
      gtCase("C1", { rca_id: "R1" }),
      gtCase("C2", { rca_id: "R1" }),
      gtCase("C3", { rca_id: "R2" }),
      gtCase("C4"), // no RCA
      gtCase("C5", { rca_id: "R9" }), // RCA not in the scenario
    ],
    [rca("R1"), rca("R2", { defect_type: "ab001" })],
  );
  const results = [
    result("C1", { actual_defect_type: "pb001" }),
    result("C2", { actual_defect_type: "ab001" }),
    result("C3", { actual_defect_type: "ab001" }),
    result("C4", { actual_defect_type: "pb001" }),
    result("C5", { actual_defect_type: "pb001" }),
  ];
  const m1 = score(s, results, "M1");
  assertClose(m1.value, 2 / 3);
  assert.equal(m1.detail, "2/3");
  assert.equal(m1.pass, false);

  // Exactly at the threshold passes (≥): 4/5 = 0.80.
  const five = scenario(
    ["C1", "C2", "C3", "C4", "C5"].map((id) => gtCase(id, { rca_id: "R1" })),
    [rca("R1")],
  );
  const fiveResults = ["C1", "C2", "C3", "C4", "C5"].map((id, i) =>
    result(id, { actual_defect_type: i === 0 ? "nd001" : "pb001" })
  );
  assert.deepEqual(score(five, fiveResults, "M1"), {
    value: 0.8,
    detail: "4/5",
    pass: true,
  });
});

Deno.test("computeMetrics() M2 compares categories over cases with expected triage", () => {
  const triage = (symptom_category: string) => ({
    symptom_category,
    severity: "high",
    defect_type_hypothesis: "",
    candidate_repos: [],
    skip_investigation: false,
    cascade_suspected: false,
  });
  const s = scenario([
    gtCase("C1", { expected_triage: triage("product") }),
    gtCase("C2", { expected_triage: triage("automation") }),
    gtCase("C3", { expected_triage: triage("infra") }),
    gtCase("C4", { expected_triage: triage("infra") }),
    gtCase("C5"), // no expected triage: not in the population
  ]);
  const results = [
    result("C1", { actual_category: "product" }),
    result("C2", { actual_category: "product" }),
    result("C3", { actual_category: "infra" }),
    result("C4", { actual_category: "infra" }),
    result("C5", { actual_category: "anything" }),
  ];
  assert.deepEqual(score(s, results, "M2"), {
    value: 0.75,
    detail: "3/4",
    pass: true,
  });
  results[3] = result("C4", { actual_category: "" });
  assert.deepEqual(score(s, results, "M2"), {
    value: 0.5,
    detail: "2/4",
    pass: false,
  });
});

Deno.test("computeMetrics() M3 and M4 split recall hits by expectation", () => {
  const cases = [
    gtCase("C1", { expect_recall_hit: true }),
    gtCase("C2", { expect_recall_hit: true }),
    gtCase("C3", { expect_recall_hit: true }),
    ...Array.from({ length: 10 }, (_, i) => gtCase(`N${i}`)),
  ];
  const s = scenario(cases);
  const hits = new Set(["C1", "C2", "N0"]);
  const results = cases.map((c) =>
    result(c.id, { actual_recall_hit: hits.has(c.id) })
  );
  const m3 = score(s, results, "M3");
  assertClose(m3.value, 2 / 3);
  assert.equal(m3.detail, "2/3");
  assert.equal(m3.pass, false);
  // M4 is lower-is-better: 1/10 = 0.10 is exactly the threshold and passes.
  assert.deepEqual(score(s, results, "M4"), {
    value: 0.1,
    detail: "1/10",
    pass: true,
  });
  hits.add("N1");
  const more = cases.map((c) =>
    result(c.id, { actual_recall_hit: hits.has(c.id) })
  );
  assert.deepEqual(score(s, more, "M4"), {
    value: 0.2,
    detail: "2/10",
    pass: false,
  });
});

Deno.test("computeMetrics() M3 passes at 0.70 and above", () => {
  const ids = Array.from({ length: 10 }, (_, i) => `C${i}`);
  const s = scenario(ids.map((id) => gtCase(id, { expect_recall_hit: true })));
  const results = ids.map((id, i) => result(id, { actual_recall_hit: i < 7 }));
  assert.deepEqual(score(s, results, "M3"), {
    value: 0.7,
    detail: "7/10",
    pass: true,
  });
});

Deno.test("computeMetrics() M5 links later members of an RCA group to the first in result order", () => {
  const s = scenario(
    [
      gtCase("C1", { rca_id: "R1" }),
      gtCase("C2", { rca_id: "R1" }),
      gtCase("C3", { rca_id: "R1" }),
      gtCase("C4", { rca_id: "R2" }), // group of one: no expected link
      gtCase("C5"), // no RCA
      gtCase("C6", { rca_id: "R3" }),
      gtCase("C7", { rca_id: "R3" }),
    ],
    [rca("R1"), rca("R2"), rca("R3")],
  );
  const ids: Record<string, number> = {
    C1: 0,
    C2: 3,
    C3: 3,
    C4: 9,
    C5: 3,
    C6: 5,
    C7: 5,
  };
  const inOrder = (order: string[]) =>
    order.map((id) => result(id, { actual_rca_id: ids[id] }));

  // C1 comes first with no link (0): neither C2 nor C3 can match it.
  assert.deepEqual(
    score(s, inOrder(["C1", "C2", "C3", "C4", "C5", "C6", "C7"]), "M5"),
    { value: 1 / 3, detail: "1/3", pass: false },
  );
  // C2 first: C1 (0) fails, C3 (3) matches; C7 matches C6.
  assert.deepEqual(
    score(s, inOrder(["C2", "C1", "C3", "C4", "C5", "C6", "C7"]), "M5"),
    { value: 2 / 3, detail: "2/3", pass: false },
  );
  // Everything linked.
  ids.C1 = 3;
  assert.deepEqual(
    score(s, inOrder(["C1", "C2", "C3", "C4", "C5", "C6", "C7"]), "M5"),
    { value: 1, detail: "3/3", pass: true },
  );
  // Two unlinked members (0 = 0) are not a link.
  ids.C6 = 0;
  ids.C7 = 0;
  assert.deepEqual(
    score(s, inOrder(["C1", "C2", "C3", "C6", "C7"]), "M5"),
    { value: 2 / 3, detail: "2/3", pass: false },
  );
});

Deno.test("computeMetrics() M6 and M7 count skips and cascades where expected", () => {
  const s = scenario([
    gtCase("C1", { expect_skip: true }),
    gtCase("C2", { expect_skip: true }),
    gtCase("C3", { expect_cascade: true }),
    gtCase("C4", { expect_cascade: true }),
    gtCase("C5"),
  ]);
  const results = [
    result("C1", { actual_skip: true }),
    result("C2"),
    result("C3", { actual_cascade: true }),
    result("C4"),
    result("C5", { actual_skip: true, actual_cascade: true }),
  ];
  assert.deepEqual(score(s, results, "M6"), {
    value: 0.5,
    detail: "1/2",
    pass: false,
  });
  // 0.50 is exactly M7's threshold.
  assert.deepEqual(score(s, results, "M7"), {
    value: 0.5,
    detail: "1/2",
    pass: true,
  });
});

Deno.test("computeMetrics() M8 correlates convergence with correctness", () => {
  const s = scenario(
    [
      gtCase("C1", { rca_id: "R1" }),
      gtCase("C2", { rca_id: "R1" }),
      gtCase("C3", { rca_id: "R1" }),
      gtCase("C4", { rca_id: "R1" }),
      gtCase("C5", { rca_id: "R1" }), // convergence 0: excluded
      gtCase("C6"), // no RCA: excluded
    ],
    [rca("R1")],
  );
  const results = [
    result("C1", { actual_convergence: 0.9, actual_defect_type: "pb001" }),
    result("C2", { actual_convergence: 0.8, actual_defect_type: "pb001" }),
    result("C3", { actual_convergence: 0.3, actual_defect_type: "ab001" }),
    result("C4", { actual_convergence: 0.2, actual_defect_type: "" }),
    result("C5", { actual_convergence: 0, actual_defect_type: "ab001" }),
    result("C6", { actual_convergence: 0.95, actual_defect_type: "ab001" }),
  ];
  // x = .9 .8 .3 .2, y = 1 1 0 0: r = 0.6 / sqrt(0.37).
  const m8 = score(s, results, "M8");
  assertClose(m8.value, 0.6 / Math.sqrt(0.37));
  assert.equal(m8.detail, "r=0.99 (n=4)");
  assert.equal(m8.pass, true);
});

Deno.test("computeMetrics() M8 handles few points, zero variance and negative r", () => {
  const s = scenario(
    [gtCase("C1", { rca_id: "R1" }), gtCase("C2", { rca_id: "R1" })],
    [rca("R1")],
  );
  const run = (
    c1: [number, string],
    c2: [number, string],
  ) =>
    score(s, [
      result("C1", { actual_convergence: c1[0], actual_defect_type: c1[1] }),
      result("C2", { actual_convergence: c2[0], actual_defect_type: c2[1] }),
    ], "M8");

  // One point (the other has convergence 0) → 0.
  assert.deepEqual(run([0.9, "pb001"], [0, "pb001"]), {
    value: 0,
    detail: "r=0.00 (n=1)",
    pass: false,
  });
  // Same convergence, all correct → 1.0.
  assert.deepEqual(run([0.7, "pb001"], [0.7, "pb001"]), {
    value: 1,
    detail: "r=1.00 (n=2)",
    pass: true,
  });
  // Varying convergence but every answer correct (zero variance in y) → 1.0.
  assert.deepEqual(run([0.9, "pb001"], [0.4, "pb001"]), {
    value: 1,
    detail: "r=1.00 (n=2)",
    pass: true,
  });
  // Same convergence, one wrong → 0.
  assert.deepEqual(run([0.7, "pb001"], [0.7, "ab001"]), {
    value: 0,
    detail: "r=0.00 (n=2)",
    pass: false,
  });
  // Every answer wrong → 0.
  assert.deepEqual(run([0.9, "x"], [0.4, "y"]), {
    value: 0,
    detail: "r=0.00 (n=2)",
    pass: false,
  });
  // Confident when wrong, unsure when right → r = −1.
  const inverse = run([0.9, "ab001"], [0.2, "pb001"]);
  assertClose(inverse.value, -1);
  assert.equal(inverse.detail, "r=-1.00 (n=2)");
  assert.equal(inverse.pass, false);
});

// --- M9–M11: workspace ---

const resolve = { selected_repos: [{ name: "repo-a", reason: "" }] };

Deno.test("computeMetrics() M9 averages per-case precision of selected repos", () => {
  const s = scenario(
    [
      gtCase("C1", { rca_id: "R1" }),
      gtCase("C2", { rca_id: "R2" }),
      gtCase("C3", { rca_id: "R1" }), // nothing selected: excluded
      gtCase("C4"), // no RCA: excluded
    ],
    [
      rca("R1", { relevant_repos: ["repo-a"] }),
      rca("R2", { relevant_repos: ["repo-b", "repo-c"] }),
    ],
  );
  const results = [
    result("C1", { actual_selected_repos: ["repo-a", "herring"] }),
    result("C2", { actual_selected_repos: ["repo-b"] }),
    result("C3"),
    result("C4", { actual_selected_repos: ["herring"] }),
  ];
  assert.deepEqual(score(s, results, "M9"), {
    value: 0.75,
    detail: "avg over 2 cases",
    pass: true,
  });
  results[1] = result("C2", { actual_selected_repos: ["repo-a"] });
  assert.deepEqual(score(s, results, "M9"), {
    value: 0.25,
    detail: "avg over 2 cases",
    pass: false,
  });
});

Deno.test("computeMetrics() M10 averages per-case recall over cases with expected resolve", () => {
  const s = scenario(
    [
      gtCase("C1", { rca_id: "R1", expected_resolve: resolve }),
      gtCase("C2", { rca_id: "R2", expected_resolve: resolve }),
      gtCase("C3", { rca_id: "R3", expected_resolve: resolve }), // 0 relevant → 1
      gtCase("C4", { rca_id: "R2" }), // no expected resolve: excluded
      gtCase("C5", { expected_resolve: resolve }), // no RCA: excluded
    ],
    [
      rca("R1", { relevant_repos: ["repo-a"] }),
      rca("R2", { relevant_repos: ["repo-b", "repo-c"] }),
      rca("R3"),
    ],
  );
  const results = [
    result("C1", { actual_selected_repos: ["repo-a"] }),
    result("C2", { actual_selected_repos: ["repo-b", "herring"] }),
    result("C3"),
    result("C4"),
    result("C5"),
  ];
  const m10 = score(s, results, "M10");
  assertClose(m10.value, 2.5 / 3);
  assert.equal(m10.detail, "avg over 3 cases");
  assert.equal(m10.pass, true);

  results[0] = result("C1");
  const worse = score(s, results, "M10");
  assertClose(worse.value, 1.5 / 3);
  assert.equal(worse.pass, false);
});

Deno.test("computeMetrics() M11 counts cases that selected a red herring", () => {
  const s = scenario(
    [gtCase("C1", { rca_id: "R1" }), gtCase("C2"), gtCase("C3"), gtCase("C4")],
    [rca("R1")],
    [repo("repo-a"), repo("repo-b"), repo("herring", { is_red_herring: true })],
  );
  const results = [
    result("C1", { actual_selected_repos: ["repo-a"] }),
    // Selecting the red herring twice still counts the case once.
    result("C2", { actual_selected_repos: ["herring", "repo-a", "herring"] }),
    result("C3"), // nothing selected: excluded
    result("C4", { actual_selected_repos: ["repo-b"] }), // no RCA filter
  ];
  const m11 = score(s, results, "M11");
  assertClose(m11.value, 2 / 3);
  assert.equal(m11.detail, "3 cases with F2, 1 selected red herring");
  assert.equal(m11.pass, false);

  results[1] = result("C2", { actual_selected_repos: ["repo-a"] });
  assert.deepEqual(score(s, results, "M11"), {
    value: 1,
    detail: "3 cases with F2, 0 selected red herring",
    pass: true,
  });
});

// --- M12–M13: evidence ---

function invest(evidence_refs: string[]) {
  return {
    rca_message: "",
    defect_type: "pb001",
    component: "",
    convergence_score: 0.8,
    evidence_refs,
  };
}

Deno.test("computeMetrics() M12 sums found over planted evidence", () => {
  const s = scenario([
    gtCase("C1", {
      expected_invest: invest([
        "repo-a:pkg/daemon/config.go:abc1234",
        "repo-a:pkg/daemon/holdover.go",
      ]),
    }),
    gtCase("C2", { expected_invest: invest(["repo-b:test/e2e/ptp_test.go"]) }),
    gtCase("C3", { expected_invest: invest([]) }), // nothing planted: excluded
    gtCase("C4"), // no expected invest: excluded
  ]);
  const results = [
    result("C1", { actual_evidence_refs: ["other:config.go:abc1234"] }),
    result("C2"),
    result("C3", { actual_evidence_refs: ["x"] }),
    result("C4", { actual_evidence_refs: ["y"] }),
  ];
  const m12 = score(s, results, "M12");
  assertClose(m12.value, 1 / 3);
  assert.equal(m12.detail, "1/3");
  assert.equal(m12.pass, false);

  results[1] = result("C2", { actual_evidence_refs: ["ptp_test.go"] });
  const better = score(s, results, "M12");
  assertClose(better.value, 2 / 3);
  assert.equal(better.detail, "2/3");
  assert.equal(better.pass, true);
});

Deno.test("computeMetrics() M13 divides found evidence by every cited reference", () => {
  const s = scenario([
    gtCase("C1", { expected_invest: invest(["repo-a:pkg/config.go"]) }),
    gtCase("C2", { expected_invest: invest([]) }),
    gtCase("C3"), // no expected invest: cited refs count, none found
    gtCase("C4", { expected_invest: invest(["repo-b:main.go"]) }),
  ]);
  const results = [
    result("C1", { actual_evidence_refs: ["repo-a:pkg/config.go", "extra"] }),
    result("C2", { actual_evidence_refs: ["whatever"] }),
    result("C3", { actual_evidence_refs: ["foo.go"] }),
    result("C4"), // nothing cited: excluded
  ];
  assert.deepEqual(score(s, results, "M13"), {
    value: 0.25,
    detail: "1/4",
    pass: false,
  });
  results[2] = result("C3");
  results[1] = result("C2");
  assert.deepEqual(score(s, results, "M13"), {
    value: 0.5,
    detail: "1/2",
    pass: true,
  });
});

// --- M14–M15: semantic ---

Deno.test("computeMetrics() M14 scores keyword coverage against the threshold", () => {
  const s = scenario(
    [
      gtCase("C1", { rca_id: "R1" }),
      gtCase("C2", { rca_id: "R1" }),
      gtCase("C3", { rca_id: "R1" }), // empty message: excluded
      gtCase("C4", { rca_id: "R2" }), // RCA without keywords: excluded
      gtCase("C5"), // no RCA: excluded
      gtCase("C6", { rca_id: "R1" }),
    ],
    [
      rca("R1", {
        required_keywords: ["holdover", "timeout", "FREERUN"],
        keyword_threshold: 2,
      }),
      rca("R2"),
    ],
  );
  const results = [
    result("C1", { actual_rca_message: "HOLDOVER timeout exceeded" }), // 2/2
    result("C2", { actual_rca_message: "holdover only" }), // 1/2
    result("C3"),
    result("C4", { actual_rca_message: "anything" }),
    result("C5", { actual_rca_message: "holdover" }),
    // All three keywords: capped at 1.
    result("C6", { actual_rca_message: "freerun after holdover timeout" }),
  ];
  const m14 = score(s, results, "M14");
  assertClose(m14.value, 2.5 / 3);
  assert.equal(m14.detail, "avg over 3 cases");
  assert.equal(m14.pass, true);

  results[0] = result("C1", { actual_rca_message: "no match" });
  results[5] = result("C6", { actual_rca_message: "no match either" });
  const worse = score(s, results, "M14");
  assertClose(worse.value, 0.5 / 3);
  assert.equal(worse.pass, false);
});

Deno.test("computeMetrics() M14 scores 1.0 when keyword_threshold is 0", () => {
  const s = scenario(
    [gtCase("C1", { rca_id: "R1" }), gtCase("C2", { rca_id: "R1" })],
    [rca("R1", { required_keywords: ["holdover"], keyword_threshold: 0 })],
  );
  const results = [
    result("C1", { actual_rca_message: "nothing relevant" }),
    result("C2", { actual_rca_message: "holdover" }),
  ];
  assert.deepEqual(score(s, results, "M14"), {
    value: 1,
    detail: "avg over 2 cases",
    pass: true,
  });
  assert.equal(
    Number.isNaN(metric(computeMetrics(s, results), "M19").value),
    false,
  );
});

Deno.test("computeMetrics() M15 accepts the component field or a mention in the message", () => {
  const s = scenario(
    [
      gtCase("C1", { rca_id: "R1" }),
      gtCase("C2", { rca_id: "R1" }),
      gtCase("C3", { rca_id: "R1" }),
      gtCase("C4"), // no RCA: excluded
    ],
    [rca("R1", { component: "linuxptp-daemon" })],
  );
  const results = [
    result("C1", { actual_component: "linuxptp-daemon" }),
    result("C2", { actual_rca_message: "Bug in LinuxPTP-Daemon holdover" }),
    result("C3", { actual_component: "ptp-operator" }),
    result("C4", { actual_component: "linuxptp-daemon" }),
  ];
  const m15 = score(s, results, "M15");
  assertClose(m15.value, 2 / 3);
  assert.equal(m15.detail, "2/3");
  assert.equal(m15.pass, false);

  results[2] = result("C3", { actual_rca_message: "linuxptp-daemon crash" });
  assert.deepEqual(score(s, results, "M15"), {
    value: 1,
    detail: "3/3",
    pass: true,
  });
});

// --- M16–M18: pipeline ---

Deno.test("computeMetrics() M16 compares paths element-wise", () => {
  const s = scenario([
    gtCase("C1", { expected_path: ["F0", "F1", "F2"] }),
    gtCase("C2", { expected_path: ["F0", "F5", "F6"] }),
    gtCase("C3", { expected_path: ["F0", "F1"] }),
  ]);
  const results = [
    result("C1", { actual_path: ["F0", "F1", "F2"] }),
    result("C2", { actual_path: ["F0", "F5"] }), // prefix only
    result("C3", { actual_path: ["F1", "F0"] }), // wrong order
  ];
  const m16 = score(s, results, "M16");
  assertClose(m16.value, 1 / 3);
  assert.equal(m16.detail, "1/3");
  assert.equal(m16.pass, false);
});

Deno.test("computeMetrics() M16 drops and fails when one more path goes wrong", () => {
  const ids = ["C1", "C2", "C3", "C4", "C5"];
  const path = ["F0", "F1", "F5", "F6"] as const;
  const s = scenario(ids.map((id) => gtCase(id, { expected_path: [...path] })));
  const results = ids.map((id, i) =>
    result(id, { actual_path: i < 3 ? [...path] : ["F0"] })
  );
  assert.deepEqual(score(s, results, "M16"), {
    value: 0.6,
    detail: "3/5",
    pass: true,
  });

  results[0] = { ...results[0], actual_path: ["F0", "F1", "F5"] };
  assert.deepEqual(score(s, results, "M16"), {
    value: 0.4,
    detail: "2/5",
    pass: false,
  });
});

Deno.test("computeMetrics() M17 compares loops taken with loops expected", () => {
  const s = scenario([
    gtCase("C1", { expected_loops: 1 }),
    gtCase("C2", { expected_loops: 1 }),
    gtCase("C3"),
  ]);
  const loops = (a: number, b: number, c = 0) =>
    score(s, [
      result("C1", { actual_loops: a }),
      result("C2", { actual_loops: b }),
      result("C3", { actual_loops: c }),
    ], "M17");

  assert.deepEqual(loops(2, 1), {
    value: 1.5,
    detail: "actual=3 expected=2",
    pass: true,
  });
  // Range edges are inclusive.
  assert.deepEqual(loops(1, 0), {
    value: 0.5,
    detail: "actual=1 expected=2",
    pass: true,
  });
  assert.deepEqual(loops(2, 1, 1), {
    value: 2,
    detail: "actual=4 expected=2",
    pass: true,
  });
  // Below and above the range fail.
  assert.deepEqual(loops(0, 0), {
    value: 0,
    detail: "actual=0 expected=2",
    pass: false,
  });
  assert.deepEqual(loops(3, 2), {
    value: 2.5,
    detail: "actual=5 expected=2",
    pass: false,
  });
});

Deno.test("computeMetrics() M17 handles zero expected loops", () => {
  const s = scenario([gtCase("C1"), gtCase("C2")]);
  const loops = (a: number, b: number) =>
    score(s, [
      result("C1", { actual_loops: a }),
      result("C2", { actual_loops: b }),
    ], "M17");
  assert.deepEqual(loops(0, 0), {
    value: 1,
    detail: "actual=0 expected=0",
    pass: true,
  });
  // Unexpected loops score actual + 1.
  assert.deepEqual(loops(1, 0), {
    value: 2,
    detail: "actual=1 expected=0",
    pass: true,
  });
  assert.deepEqual(loops(1, 1), {
    value: 3,
    detail: "actual=2 expected=0",
    pass: false,
  });
});

Deno.test("computeMetrics() M18 estimates 1000 tokens per step without measurements", () => {
  const s = scenario([gtCase("C1"), gtCase("C2")]);
  const results = [
    result("C1", { actual_path: ["F0", "F1", "F2"], prompt_tokens_total: 0 }),
    result("C2", { actual_path: ["F0", "F5"] }),
    result("C9", { actual_path: ["F0", "F1", "F2", "F3"] }), // unknown case
  ];
  assert.deepEqual(score(s, results, "M18"), {
    value: 5000,
    detail: "estimated: 5 steps × 1000",
    pass: true,
  });

  const long = Array.from({ length: 61 }, (_, i) => `C${i}`);
  const big = scenario(long.map((id) => gtCase(id)));
  const bigResults = long.map((id) => result(id, { actual_path: ["F0"] }));
  assert.deepEqual(score(big, bigResults, "M18"), {
    value: 61000,
    detail: "estimated: 61 steps × 1000",
    pass: false,
  });
});

Deno.test("computeMetrics() M18 sums measured prompt tokens when any were measured", () => {
  const s = scenario([gtCase("C1"), gtCase("C2"), gtCase("C3")]);
  const tokens = (a?: number, b?: number) =>
    score(s, [
      result("C1", { prompt_tokens_total: a }),
      result("C2", { prompt_tokens_total: b }),
      result("C3", { prompt_tokens_total: 0 }),
    ], "M18");
  assert.deepEqual(tokens(1200), {
    value: 1200,
    detail: "measured over 1 cases",
    pass: true,
  });
  // At most 60000 passes; above fails.
  assert.deepEqual(tokens(40000, 20000), {
    value: 60000,
    detail: "measured over 2 cases",
    pass: true,
  });
  assert.deepEqual(tokens(40000, 20001), {
    value: 60001,
    detail: "measured over 2 cases",
    pass: false,
  });
});

// --- M19–M20: aggregate ---

Deno.test("computeMetrics() M19 is the weighted average of M1, M2, M5, M10, M12 and M14", () => {
  const s = scenario(
    [gtCase("C1", { rca_id: "R1" }), gtCase("C2", { rca_id: "R1" })],
    [rca("R1")],
  );
  // M1 1/2, M5 0/1; M2, M10, M12, M14 have empty populations (1.0).
  const results = [
    result("C1", { actual_defect_type: "pb001", actual_rca_id: 1 }),
    result("C2", { actual_defect_type: "ab001", actual_rca_id: 2 }),
  ];
  const set = computeMetrics(s, results);
  assert.equal(metric(set, "M1").value, 0.5);
  assert.equal(metric(set, "M5").value, 0);
  const m19 = metric(set, "M19");
  assertClose(m19.value, 0.2 * 0.5 + 0.15 + 0.2 * 0 + 0.15 + 0.15 + 0.15);
  assert.equal(m19.detail, "weighted avg of M1,M2,M5,M10,M12,M14");
  assert.equal(m19.pass, true);

  // With M1 at 0 as well the weighted average drops to 0.60 and fails.
  results[0] = result("C1", { actual_defect_type: "nd001", actual_rca_id: 1 });
  const lower = metric(computeMetrics(s, results), "M19");
  assertClose(lower.value, 0.6);
  assert.equal(lower.pass, false);
});

Deno.test("computeMetrics() M20 is the single-run placeholder", () => {
  const set = computeMetrics(scenario([gtCase("C1")]), [result("C1")]);
  assert.deepEqual(metric(set, "M20"), {
    id: "M20",
    name: "run_variance",
    value: 0,
    threshold: 0.15,
    pass: true,
    detail: "single run",
  });
});
