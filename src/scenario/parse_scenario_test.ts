import assert from "node:assert/strict";
import ptpMock from "./data/ptp_mock.json" with { type: "json" };
import { parseScenario } from "./parse_scenario.ts";
import { ScenarioError, type ScenarioProblem } from "./scenario_error.ts";

const SOURCE = "small.json";

// deno-lint-ignore no-explicit-any
type Json = any;

/** A small valid scenario: 2 RCAs, 2 symptoms, 3 cases, 3 repos. */
function smallScenario(): Json {
  return {
    name: "small",
    description: "three cases for the parser tests",
    rcas: [
      {
        id: "R1",
        title: "Holdover window too short",
        description: "The daemon renders a 60 s holdover window.",
        defect_type: "pb001",
        category: "product",
        component: "linuxptp-daemon",
        affected_versions: ["4.20", "4.21"],
        jira_id: "BUG-1",
        required_keywords: ["holdover", "60"],
        keyword_threshold: 2,
        relevant_repos: ["repo-a"],
      },
      {
        id: "R2",
        title: "Suite leaks config",
        defect_type: "ab001",
        component: "test-framework",
        relevant_repos: ["repo-b"],
      },
    ],
    symptoms: [
      {
        id: "S1",
        name: "holdover lost",
        error_pattern: "FREERUN",
        component: "linuxptp-daemon",
        maps_to_rca: "R1",
      },
      { id: "S2", name: "stale config", maps_to_rca: "R2" },
    ],
    cases: [
      {
        id: "C1",
        version: "4.20",
        job: "[T-TSC]",
        test_name: "holdover test",
        test_id: "OCP-1",
        error_message: "clock FREERUN",
        log_snippet: "log",
        symptom_id: "S1",
        rca_id: "R1",
        expected_path: ["F0", "F1", "F2", "F3", "F4", "F5", "F6"],
        expected_recall: { match: false, confidence: 0 },
        expected_triage: {
          symptom_category: "product",
          candidate_repos: ["repo-a", "repo-b"],
        },
        expected_resolve: {
          selected_repos: [{ name: "repo-a", reason: "owns the config" }],
        },
        expected_invest: { convergence_score: 0.8, evidence_refs: ["a:b:c"] },
        expected_correlate: { is_duplicate: false, confidence: 0.1 },
        expected_review: { decision: "approve" },
        expected_loops: 0,
      },
      {
        id: "C2",
        version: "4.21",
        job: "[T-BC]",
        test_name: "config test",
        symptom_id: "S2",
        rca_id: "R2",
        expected_path: ["F0", "F5", "F6"],
        expect_recall_hit: true,
      },
      {
        id: "C3",
        version: "4.21",
        job: "[T-BC]",
        test_name: "flaky test",
        expected_path: ["F0", "F1", "F5", "F6"],
        expect_skip: true,
      },
    ],
    workspace: {
      repos: [
        {
          name: "repo-a",
          path: "/src/a",
          purpose: "daemon",
          branch: "main",
          relevant_to_rcas: ["R1"],
        },
        { name: "repo-b", relevant_to_rcas: ["R2"] },
        { name: "repo-c", is_red_herring: true },
      ],
    },
  };
}

/** Runs `parseScenario` expecting a ScenarioError and returns it. */
function parseError(value: unknown, source = SOURCE): ScenarioError {
  try {
    parseScenario(value, source);
  } catch (error) {
    assert.ok(error instanceof ScenarioError, String(error));
    return error;
  }
  assert.fail("expected a ScenarioError");
}

/** Asserts a single problem with the exact line `field '<path>' <problem>`. */
function assertOneProblem(value: unknown, path: string, problem: string): void {
  const error = parseError(value);
  assert.deepEqual(error.problems, [{ path, problem }]);
  assert.equal(
    error.message,
    `Cannot load scenario '${SOURCE}': field '${path}' ${problem}`,
  );
}

function assertLinesName(error: ScenarioError, source: string): void {
  const lines = error.message.split("\n");
  assert.equal(lines.length, error.problems.length);
  lines.forEach((line, i) => {
    assert.ok(
      line.startsWith(
        `Cannot load scenario '${source}': field '${error.problems[i].path}'`,
      ),
      line,
    );
  });
}

// --- valid scenarios ---------------------------------------------------------

Deno.test("a valid scenario parses and keeps its values", () => {
  const scenario = parseScenario(smallScenario(), SOURCE);
  assert.equal(scenario.name, "small");
  assert.deepEqual(scenario.cases.map((c) => c.id), ["C1", "C2", "C3"]);
  assert.deepEqual(scenario.rcas[0], smallScenario().rcas[0]);
  assert.deepEqual(scenario.cases[0].expected_resolve, {
    selected_repos: [{ name: "repo-a", reason: "owns the config" }],
  });
  assert.equal(scenario.cases[1].expect_recall_hit, true);
  assert.equal(scenario.workspace.repos[2].is_red_herring, true);
});

Deno.test("missing optional keys take their defaults", () => {
  const scenario = parseScenario(smallScenario(), SOURCE);
  assert.deepEqual(scenario.rcas[1], {
    id: "R2",
    title: "Suite leaks config",
    description: "",
    defect_type: "ab001",
    category: "",
    component: "test-framework",
    affected_versions: [],
    jira_id: "",
    required_keywords: [],
    keyword_threshold: 1,
    relevant_repos: ["repo-b"],
  });
  assert.deepEqual(scenario.symptoms[1], {
    id: "S2",
    name: "stale config",
    error_pattern: "",
    component: "",
    maps_to_rca: "R2",
  });
  assert.deepEqual(scenario.cases[2], {
    id: "C3",
    version: "4.21",
    job: "[T-BC]",
    test_name: "flaky test",
    test_id: "",
    error_message: "",
    log_snippet: "",
    symptom_id: "",
    rca_id: "",
    expected_path: ["F0", "F1", "F5", "F6"],
    expect_recall_hit: false,
    expect_skip: true,
    expect_cascade: false,
    expected_loops: 0,
  });
  assert.deepEqual(scenario.cases[0].expected_triage, {
    symptom_category: "product",
    severity: "",
    defect_type_hypothesis: "",
    candidate_repos: ["repo-a", "repo-b"],
    skip_investigation: false,
    cascade_suspected: false,
  });
  assert.deepEqual(scenario.cases[0].expected_invest, {
    rca_message: "",
    defect_type: "",
    component: "",
    convergence_score: 0.8,
    evidence_refs: ["a:b:c"],
  });
  assert.deepEqual(scenario.cases[0].expected_correlate, {
    is_duplicate: false,
    confidence: 0.1,
    cross_version_match: false,
  });
  assert.deepEqual(scenario.workspace.repos[1], {
    name: "repo-b",
    path: "",
    purpose: "",
    branch: "",
    relevant_to_rcas: ["R2"],
    is_red_herring: false,
  });
});

Deno.test("a minimal scenario gets empty rcas, symptoms and workspace", () => {
  const scenario = parseScenario({
    name: "minimal",
    cases: [{
      id: "C1",
      version: "1",
      job: "j",
      test_name: "t",
      expected_path: ["F0"],
    }],
  }, SOURCE);
  assert.equal(scenario.description, "");
  assert.deepEqual(scenario.rcas, []);
  assert.deepEqual(scenario.symptoms, []);
  assert.deepEqual(scenario.workspace, { repos: [] });
});

Deno.test("null values from the Go exporter take the zero value", () => {
  const value = smallScenario();
  value.description = null;
  value.rcas[0].affected_versions = null;
  value.rcas[0].relevant_repos = null;
  value.rcas[0].jira_id = null;
  value.symptoms[0].maps_to_rca = null;
  value.cases[0].expected_triage.candidate_repos = null;
  value.cases[0].expected_resolve.selected_repos = null;
  value.cases[0].expected_invest.evidence_refs = null;
  value.cases[0].expected_recall = null;
  value.cases[1].symptom_id = null;
  value.workspace.repos[0].relevant_to_rcas = null;
  const scenario = parseScenario(value, SOURCE);
  assert.equal(scenario.description, "");
  assert.deepEqual(scenario.rcas[0].affected_versions, []);
  assert.deepEqual(scenario.rcas[0].relevant_repos, []);
  assert.equal(scenario.rcas[0].jira_id, "");
  assert.equal(scenario.symptoms[0].maps_to_rca, "");
  assert.deepEqual(scenario.cases[0].expected_triage?.candidate_repos, []);
  assert.deepEqual(scenario.cases[0].expected_resolve?.selected_repos, []);
  assert.deepEqual(scenario.cases[0].expected_invest?.evidence_refs, []);
  assert.equal(scenario.cases[0].expected_recall, undefined);
  assert.equal(scenario.cases[1].symptom_id, "");
  assert.deepEqual(scenario.workspace.repos[0].relevant_to_rcas, []);
});

Deno.test("null top-level lists become empty lists", () => {
  const scenario = parseScenario({
    name: "nulls",
    description: null,
    rcas: null,
    symptoms: null,
    cases: [{
      id: "C1",
      version: "1",
      job: "j",
      test_name: "t",
      expected_path: ["F0", "F1"],
      expected_triage: { candidate_repos: null },
    }],
    workspace: { repos: null },
  }, SOURCE);
  assert.deepEqual(scenario.rcas, []);
  assert.deepEqual(scenario.symptoms, []);
  assert.deepEqual(scenario.workspace.repos, []);
  assert.deepEqual(scenario.cases[0].expected_triage?.candidate_repos, []);
});

Deno.test("unknown keys are dropped", () => {
  const value = smallScenario();
  value.comment = "not part of the schema";
  value.cases[0].notes = "ignored";
  const scenario = parseScenario(value, SOURCE);
  assert.equal("comment" in scenario, false);
  assert.equal("notes" in scenario.cases[0], false);
});

Deno.test("expected ids may be strings or numbers", () => {
  const value = smallScenario();
  value.cases[0].expected_recall = { match: true, prior_rca_id: 1 };
  value.cases[0].expected_correlate = { linked_rca_id: "R1" };
  const scenario = parseScenario(value, SOURCE);
  assert.equal(scenario.cases[0].expected_recall?.prior_rca_id, 1);
  assert.equal(scenario.cases[0].expected_correlate?.linked_rca_id, "R1");
});

Deno.test("the built-in ptp-mock data parses", () => {
  const scenario = parseScenario(structuredClone(ptpMock), "ptp-mock");
  assert.equal(scenario.name, "ptp-mock");
  assert.equal(scenario.cases.length, 12);
});

Deno.test("parseScenario() does not modify its input", () => {
  const value = smallScenario();
  value.rcas[0].affected_versions = null;
  const copy = structuredClone(value);
  parseScenario(value, SOURCE);
  assert.deepEqual(value, copy);
});

// --- schema errors -------------------------------------------------------------

Deno.test("a missing required field names its path and expected type", () => {
  const value = structuredClone(ptpMock) as Json;
  delete value.cases[2].test_name;
  const error = parseError(value, "ptp-mock.json");
  assert.equal(error.name, "ScenarioError");
  assert.equal(error.source, "ptp-mock.json");
  assert.deepEqual(error.problems, [{
    path: "cases[2].test_name",
    problem: "is missing; expected a string",
  }]);
  assert.equal(
    error.message,
    "Cannot load scenario 'ptp-mock.json': field 'cases[2].test_name' is missing; expected a string",
  );
  assert.ok(error.cause !== undefined, "keeps the zod error as cause");
});

Deno.test("other missing required fields", () => {
  const noTitle = smallScenario();
  delete noTitle.rcas[1].title;
  assertOneProblem(noTitle, "rcas[1].title", "is missing; expected a string");
  const noPath = smallScenario();
  delete noPath.cases[0].expected_path;
  assertOneProblem(
    noPath,
    "cases[0].expected_path",
    "is missing; expected an array",
  );
  const noCases = smallScenario();
  delete noCases.cases;
  assertOneProblem(noCases, "cases", "is missing; expected an array");
  const noRepoName = smallScenario();
  delete noRepoName.workspace.repos[1].name;
  assertOneProblem(
    noRepoName,
    "workspace.repos[1].name",
    "is missing; expected a string",
  );
});

Deno.test("a wrong type names the path and the expected type", () => {
  const loops = smallScenario();
  loops.cases[0].expected_loops = "0";
  assertOneProblem(loops, "cases[0].expected_loops", "must be a number");
  const fraction = smallScenario();
  fraction.cases[0].expected_loops = 1.5;
  assertOneProblem(fraction, "cases[0].expected_loops", "must be an integer");
  const negative = smallScenario();
  negative.cases[0].expected_loops = -1;
  assertOneProblem(negative, "cases[0].expected_loops", "must be at least 0");
  const flag = smallScenario();
  flag.cases[1].expect_recall_hit = "yes";
  assertOneProblem(flag, "cases[1].expect_recall_hit", "must be a boolean");
  const repos = smallScenario();
  repos.rcas[0].relevant_repos = "repo-a";
  assertOneProblem(repos, "rcas[0].relevant_repos", "must be an array");
  const element = smallScenario();
  element.cases[0].expected_triage.candidate_repos = ["repo-a", 7];
  assertOneProblem(
    element,
    "cases[0].expected_triage.candidate_repos[1]",
    "must be a string",
  );
  const workspace = smallScenario();
  workspace.workspace = [];
  assertOneProblem(workspace, "workspace", "must be an object");
});

Deno.test("scores must lie between 0 and 1", () => {
  const value = smallScenario();
  value.cases[0].expected_invest.convergence_score = 1.5;
  assertOneProblem(
    value,
    "cases[0].expected_invest.convergence_score",
    "must be between 0 and 1",
  );
});

Deno.test("empty ids and names are rejected", () => {
  const id = smallScenario();
  id.cases[1].id = "";
  assertOneProblem(id, "cases[1].id", "must be a non-empty string");
  const name = smallScenario();
  name.name = "";
  assertOneProblem(name, "name", "must be a non-empty string");
  const repo = smallScenario();
  repo.workspace.repos[2].name = "";
  assertOneProblem(
    repo,
    "workspace.repos[2].name",
    "must be a non-empty string",
  );
});

Deno.test("expected_path entries must be step short names", () => {
  const bad = smallScenario();
  bad.cases[1].expected_path = ["F0", "F9", "F6"];
  assertOneProblem(
    bad,
    "cases[1].expected_path[1]",
    "must be one of 'F0', 'F1', 'F2', 'F3', 'F4', 'F5', 'F6'",
  );
  const longName = smallScenario();
  longName.cases[0].expected_path = ["F0_RECALL"];
  assertOneProblem(
    longName,
    "cases[0].expected_path[0]",
    "must be one of 'F0', 'F1', 'F2', 'F3', 'F4', 'F5', 'F6'",
  );
  const empty = smallScenario();
  empty.cases[0].expected_path = [];
  assertOneProblem(
    empty,
    "cases[0].expected_path",
    "must list at least one step",
  );
});

Deno.test("a scenario must list at least one case", () => {
  const value = smallScenario();
  value.cases = [];
  assertOneProblem(value, "cases", "must list at least one case");
});

Deno.test("an expected review decision other than approve, reassess or overturn loads", () => {
  const value = smallScenario();
  value.cases[0].expected_review.decision = "defer";
  assert.equal(
    parseScenario(value, SOURCE).cases[0].expected_review?.decision,
    "defer",
  );
});

Deno.test("a value that is not an object is rejected as a whole", () => {
  for (const value of ["text", 1, [], null]) {
    const error = parseError(value);
    assert.equal(error.problems.length, 1);
    assert.equal(error.problems[0].path, "");
    assert.equal(
      error.message,
      `Cannot load scenario '${SOURCE}': ${error.problems[0].problem}`,
    );
    assert.equal(error.problems[0].problem, "the file must hold a JSON object");
  }
});

Deno.test("several schema problems give one line each", () => {
  const value = structuredClone(ptpMock) as Json;
  delete value.cases[2].test_name;
  value.cases[3].expected_loops = "0";
  value.cases[4].expected_path = ["F9"];
  value.rcas[0].keyword_threshold = -1;
  const error = parseError(value, "ptp-mock.json");
  assert.equal(error.problems.length, 4);
  assert.deepEqual(
    error.problems.map((p) => p.path).sort(),
    [
      "cases[2].test_name",
      "cases[3].expected_loops",
      "cases[4].expected_path[0]",
      "rcas[0].keyword_threshold",
    ],
  );
  assert.equal(error.message.split("\n").length, 4);
  assertLinesName(error, "ptp-mock.json");
  assert.ok(
    error.message.split("\n").includes(
      "Cannot load scenario 'ptp-mock.json': field 'cases[2].test_name' is missing; expected a string",
    ),
  );
});

// --- cross references -------------------------------------------------------------

Deno.test("an unknown case RCA names the path and lists the RCA ids", () => {
  const value = smallScenario();
  value.cases[1].rca_id = "R9";
  assertOneProblem(
    value,
    "cases[1].rca_id",
    "names unknown RCA 'R9'; expected one of 'R1', 'R2'",
  );
});

Deno.test("an unknown case symptom names the path and lists the symptom ids", () => {
  const value = smallScenario();
  value.cases[0].symptom_id = "S7";
  assertOneProblem(
    value,
    "cases[0].symptom_id",
    "names unknown symptom 'S7'; expected one of 'S1', 'S2'",
  );
});

Deno.test("an unknown maps_to_rca is rejected", () => {
  const value = smallScenario();
  value.symptoms[1].maps_to_rca = "R3";
  assertOneProblem(
    value,
    "symptoms[1].maps_to_rca",
    "names unknown RCA 'R3'; expected one of 'R1', 'R2'",
  );
});

Deno.test("unknown repos are rejected wherever repos are named", () => {
  const repos = "expected one of 'repo-a', 'repo-b', 'repo-c'";
  const relevant = smallScenario();
  relevant.rcas[0].relevant_repos = ["repo-a", "repo-x"];
  assertOneProblem(
    relevant,
    "rcas[0].relevant_repos[1]",
    `names unknown repo 'repo-x'; ${repos}`,
  );
  const candidates = smallScenario();
  candidates.cases[0].expected_triage.candidate_repos = ["nope"];
  assertOneProblem(
    candidates,
    "cases[0].expected_triage.candidate_repos[0]",
    `names unknown repo 'nope'; ${repos}`,
  );
  const selected = smallScenario();
  selected.cases[0].expected_resolve.selected_repos.push({ name: "ghost" });
  assertOneProblem(
    selected,
    "cases[0].expected_resolve.selected_repos[1].name",
    `names unknown repo 'ghost'; ${repos}`,
  );
});

Deno.test("an unknown RCA in relevant_to_rcas is rejected", () => {
  const value = smallScenario();
  value.workspace.repos[1].relevant_to_rcas = ["R2", "R5"];
  assertOneProblem(
    value,
    "workspace.repos[1].relevant_to_rcas[1]",
    "names unknown RCA 'R5'; expected one of 'R1', 'R2'",
  );
});

Deno.test("repo names are compared exactly", () => {
  const value = smallScenario();
  value.rcas[0].relevant_repos = ["Repo-A"];
  assertOneProblem(
    value,
    "rcas[0].relevant_repos[0]",
    "names unknown repo 'Repo-A'; expected one of 'repo-a', 'repo-b', 'repo-c'",
  );
});

Deno.test("a reference into an empty list says the scenario defines none", () => {
  const value = smallScenario();
  value.symptoms = [];
  value.cases[0].symptom_id = "S1";
  value.cases[1].symptom_id = "";
  assertOneProblem(
    value,
    "cases[0].symptom_id",
    "names unknown symptom 'S1'; the scenario defines no symptoms",
  );
});

Deno.test("empty references are allowed", () => {
  const value = smallScenario();
  value.cases[0].rca_id = "";
  value.cases[0].symptom_id = "";
  value.symptoms[0].maps_to_rca = "";
  const scenario = parseScenario(value, SOURCE);
  assert.equal(scenario.cases[0].rca_id, "");
});

Deno.test("duplicate ids and repo names are rejected naming both entries", () => {
  const cases = smallScenario();
  cases.cases[2].id = "C1";
  assertOneProblem(
    cases,
    "cases[2].id",
    "duplicates id 'C1' of cases[0]; expected unique ids",
  );
  const rcas = smallScenario();
  rcas.rcas[1].id = "R1";
  rcas.symptoms[1].maps_to_rca = "R1";
  rcas.cases[1].rca_id = "R1";
  rcas.workspace.repos[1].relevant_to_rcas = ["R1"];
  assertOneProblem(
    rcas,
    "rcas[1].id",
    "duplicates id 'R1' of rcas[0]; expected unique ids",
  );
  const symptoms = smallScenario();
  symptoms.symptoms[1].id = "S1";
  symptoms.cases[1].symptom_id = "S1";
  assertOneProblem(
    symptoms,
    "symptoms[1].id",
    "duplicates id 'S1' of symptoms[0]; expected unique ids",
  );
  const repos = smallScenario();
  repos.workspace.repos[2].name = "repo-a";
  assertOneProblem(
    repos,
    "workspace.repos[2].name",
    "duplicates name 'repo-a' of workspace.repos[0]; expected unique names",
  );
});

Deno.test("each repeat of an id is reported against the first occurrence", () => {
  const value = smallScenario();
  value.cases[1].id = "C1";
  value.cases[2].id = "C1";
  const error = parseError(value);
  assert.deepEqual(error.problems, [
    {
      path: "cases[1].id",
      problem: "duplicates id 'C1' of cases[0]; expected unique ids",
    },
    {
      path: "cases[2].id",
      problem: "duplicates id 'C1' of cases[0]; expected unique ids",
    },
  ]);
});

Deno.test("several cross-reference problems give one line per problem", () => {
  const value = smallScenario();
  value.cases[2].id = "C2";
  value.symptoms[0].maps_to_rca = "R8";
  value.cases[0].rca_id = "R9";
  value.cases[1].symptom_id = "S9";
  value.cases[0].expected_resolve.selected_repos[0].name = "ghost";
  value.workspace.repos[0].relevant_to_rcas = ["R7"];
  const error = parseError(value);
  const expected: ScenarioProblem[] = [
    {
      path: "cases[2].id",
      problem: "duplicates id 'C2' of cases[1]; expected unique ids",
    },
    {
      path: "symptoms[0].maps_to_rca",
      problem: "names unknown RCA 'R8'; expected one of 'R1', 'R2'",
    },
    {
      path: "workspace.repos[0].relevant_to_rcas[0]",
      problem: "names unknown RCA 'R7'; expected one of 'R1', 'R2'",
    },
    {
      path: "cases[0].rca_id",
      problem: "names unknown RCA 'R9'; expected one of 'R1', 'R2'",
    },
    {
      path: "cases[0].expected_resolve.selected_repos[0].name",
      problem:
        "names unknown repo 'ghost'; expected one of 'repo-a', 'repo-b', 'repo-c'",
    },
    {
      path: "cases[1].symptom_id",
      problem: "names unknown symptom 'S9'; expected one of 'S1', 'S2'",
    },
  ];
  assert.deepEqual(error.problems, expected);
  const lines = error.message.split("\n");
  assert.equal(lines.length, 6);
  assertLinesName(error, SOURCE);
  assert.deepEqual(
    lines,
    expected.map((p) =>
      `Cannot load scenario '${SOURCE}': field '${p.path}' ${p.problem}`
    ),
  );
});

// --- ScenarioError ----------------------------------------------------------------

Deno.test("ScenarioError formats field and whole-file problems", () => {
  const error = new ScenarioError("x.json", [
    { path: "", problem: "file not found" },
    { path: "cases[0].id", problem: "must be a string" },
  ], { cause: "why" });
  assert.ok(error instanceof Error);
  assert.equal(error.name, "ScenarioError");
  assert.equal(error.source, "x.json");
  assert.equal(error.problems.length, 2);
  assert.equal(error.cause, "why");
  assert.equal(
    error.message,
    "Cannot load scenario 'x.json': file not found\n" +
      "Cannot load scenario 'x.json': field 'cases[0].id' must be a string",
  );
});
