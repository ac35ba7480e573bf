import assert from "node:assert/strict";
import { ArtifactError } from "./artifact_error.ts";
import { LOOP_TARGETS, parseArtifact } from "./artifact_schemas.ts";
import { PIPELINE_STEPS, type PipelineStep } from "./step.ts";

const SOURCE = { name: "test" };
const WRAPPED = { name: "C1/recall-result.json", fieldPrefix: "data" };

/** Asserts that parsing fails with exactly `message`. */
function assertRejects(
  step: PipelineStep,
  value: unknown,
  message: string,
  source: { name: string; fieldPrefix?: string } = SOURCE,
): void {
  assert.throws(
    () => parseArtifact(step, value, source),
    (error: unknown) => {
      assert.ok(error instanceof ArtifactError, String(error));
      assert.equal(error.name, "ArtifactError");
      assert.equal(error.message, message);
      return true;
    },
  );
}

// --- zero values ----------------------------------------------------------------

Deno.test("an empty object parses to the zero value of every step", () => {
  assert.deepEqual(parseArtifact("F0_RECALL", {}, SOURCE), {
    match: false,
    prior_rca_id: 0,
    symptom_id: 0,
    confidence: 0,
    reasoning: "",
    is_regression: false,
    same_as_case_id: 0,
  });
  assert.deepEqual(parseArtifact("F1_TRIAGE", {}, SOURCE), {
    symptom_category: "",
    severity: "",
    defect_type_hypothesis: "",
    candidate_repos: [],
    skip_investigation: false,
    clock_skew_suspected: false,
    cascade_suspected: false,
    data_quality_notes: "",
  });
  assert.deepEqual(parseArtifact("F2_RESOLVE", {}, SOURCE), {
    selected_repos: [],
    cross_ref_strategy: "",
  });
  assert.deepEqual(parseArtifact("F3_INVESTIGATE", {}, SOURCE), {
    launch_id: "",
    case_ids: [],
    rca_message: "",
    defect_type: "",
    component: "",
    convergence_score: 0,
    evidence_refs: [],
  });
  assert.deepEqual(parseArtifact("F4_CORRELATE", {}, SOURCE), {
    is_duplicate: false,
    linked_rca_id: 0,
    confidence: 0,
    reasoning: "",
    cross_version_match: false,
    affected_versions: [],
    same_as_case_id: 0,
  });
  assert.deepEqual(parseArtifact("F6_REPORT", {}, SOURCE), {});
});

Deno.test("null values take the zero value", () => {
  assert.deepEqual(
    parseArtifact("F1_TRIAGE", {
      symptom_category: null,
      candidate_repos: null,
      skip_investigation: null,
      severity: "high",
    }, SOURCE),
    {
      symptom_category: "",
      severity: "high",
      defect_type_hypothesis: "",
      candidate_repos: [],
      skip_investigation: false,
      clock_skew_suspected: false,
      cascade_suspected: false,
      data_quality_notes: "",
    },
  );
  assert.deepEqual(
    parseArtifact("F5_REVIEW", {
      decision: "approve",
      human_override: null,
      loop_target: null,
    }, SOURCE),
    { decision: "approve" },
  );
  assert.deepEqual(
    parseArtifact("F2_RESOLVE", {
      selected_repos: [{ name: "a", path: null, focus_paths: null }],
    }, SOURCE).selected_repos,
    [{ name: "a", path: "", focus_paths: [], branch: "", reason: "" }],
  );
});

Deno.test("a full artifact keeps its values", () => {
  const investigate = {
    launch_id: "L1",
    case_ids: [1, 2],
    rca_message: "holdover timeout regressed to 60s",
    defect_type: "pb001",
    component: "linuxptp-daemon",
    convergence_score: 0.85,
    evidence_refs: ["repo:file.go:abc"],
  };
  assert.deepEqual(
    parseArtifact("F3_INVESTIGATE", investigate, SOURCE),
    investigate,
  );
  const correlate = {
    is_duplicate: true,
    linked_rca_id: 3,
    confidence: 0.9,
    reasoning: "same error",
    cross_version_match: true,
    affected_versions: ["4.20", "4.21"],
    same_as_case_id: 2,
  };
  assert.deepEqual(parseArtifact("F4_CORRELATE", correlate, SOURCE), correlate);
});

// --- Go-lenient key handling ------------------------------------------------------

Deno.test("unknown keys are dropped", () => {
  const parsed = parseArtifact("F0_RECALL", {
    match: true,
    confidence: 0.9,
    extra: "ignored",
    nested: { deep: 1 },
  }, SOURCE);
  assert.equal("extra" in parsed, false);
  assert.equal("nested" in parsed, false);
  assert.equal(parsed.match, true);
  const repos = parseArtifact("F2_RESOLVE", {
    selected_repos: [{ name: "a", junk: true }],
    junk: 1,
  }, SOURCE);
  assert.deepEqual(repos, {
    selected_repos: [{
      name: "a",
      path: "",
      focus_paths: [],
      branch: "",
      reason: "",
    }],
    cross_ref_strategy: "",
  });
});

Deno.test("unknown keys named like Object.prototype members are dropped", () => {
  // These used to crash the key folding with a TypeError.
  for (const key of ["constructor", "toString", "hasOwnProperty", "valueOf"]) {
    for (const value of [{}, [{}], "x", 1]) {
      const parsed = parseArtifact(
        "F0_RECALL",
        { [key]: value, match: true, confidence: 0.5 },
        SOURCE,
      );
      assert.equal(parsed.match, true, `${key}: ${JSON.stringify(value)}`);
      assert.equal(Object.hasOwn(parsed, key), false, key);
    }
  }
  const proto = parseArtifact(
    "F0_RECALL",
    JSON.parse('{"__proto__": {"match": true, "confidence": 0.95}}'),
    SOURCE,
  );
  assert.equal(proto.match, false);
  assert.equal(proto.confidence, 0);
});

Deno.test("keys match case-insensitively", () => {
  assert.deepEqual(
    parseArtifact("F0_RECALL", {
      Match: true,
      CONFIDENCE: 0.85,
      Prior_Rca_Id: 4,
    }, SOURCE),
    {
      match: true,
      prior_rca_id: 4,
      symptom_id: 0,
      confidence: 0.85,
      reasoning: "",
      is_regression: false,
      same_as_case_id: 0,
    },
  );
  assert.deepEqual(
    parseArtifact("F5_REVIEW", {
      Decision: "reassess",
      Loop_Target: "F3_INVESTIGATE",
    }, SOURCE),
    { decision: "reassess", loop_target: "F3_INVESTIGATE" },
  );
});

Deno.test("the exact spelling wins when both spellings are present", () => {
  for (
    const value of [
      { Match: true, match: false },
      { match: false, Match: true },
    ]
  ) {
    assert.equal(
      parseArtifact("F0_RECALL", value, SOURCE).match,
      false,
      JSON.stringify(value),
    );
  }
  assert.equal(
    parseArtifact("F0_RECALL", { CONFIDENCE: 0.2, confidence: 0.9 }, SOURCE)
      .confidence,
    0.9,
  );
});

Deno.test("nested keys match case-insensitively too", () => {
  assert.deepEqual(
    parseArtifact("F2_RESOLVE", {
      Selected_Repos: [{
        Name: "linuxptp-daemon-operator",
        PATH: "/src/ldo",
        Focus_Paths: ["pkg/daemon"],
        Reason: "owns the config",
      }],
      Cross_Ref_Strategy: "grep",
    }, SOURCE),
    {
      selected_repos: [{
        name: "linuxptp-daemon-operator",
        path: "/src/ldo",
        focus_paths: ["pkg/daemon"],
        branch: "",
        reason: "owns the config",
      }],
      cross_ref_strategy: "grep",
    },
  );
  assert.deepEqual(
    parseArtifact("F5_REVIEW", {
      decision: "overturn",
      Human_Override: { Defect_Type: "ab001", RCA_MESSAGE: "test bug" },
    }, SOURCE),
    {
      decision: "overturn",
      human_override: { defect_type: "ab001", rca_message: "test bug" },
    },
  );
  // Exact spelling wins inside nested objects as well.
  assert.equal(
    parseArtifact("F2_RESOLVE", {
      selected_repos: [{ Name: "wrong", name: "right" }],
    }, SOURCE).selected_repos[0].name,
    "right",
  );
});

// --- errors ---------------------------------------------------------------

Deno.test("a wrong type names the field, with the wrapper prefix", () => {
  assertRejects(
    "F3_INVESTIGATE",
    { defect_type: 3 },
    "Cannot accept artifact 'C1/recall-result.json': field 'data.defect_type' must be a string",
    WRAPPED,
  );
  assertRejects(
    "F3_INVESTIGATE",
    { defect_type: 3 },
    "Cannot accept artifact 'test': field 'defect_type' must be a string",
  );
  // A case-folded key is reported under its schema name.
  assertRejects(
    "F0_RECALL",
    { MATCH: "yes" },
    "Cannot accept artifact 'test': field 'match' must be a boolean",
  );
});

Deno.test("several problems are listed together", () => {
  assertRejects(
    "F0_RECALL",
    { match: "yes", confidence: "high" },
    "Cannot accept artifact 'test': field 'match' must be a boolean; field 'confidence' must be a number",
  );
});

Deno.test("confidences and scores must lie in 0..1", () => {
  assertRejects(
    "F0_RECALL",
    { match: true, confidence: 1.5 },
    "Cannot accept artifact 'test': field 'confidence' must be a number between 0 and 1",
  );
  assertRejects(
    "F4_CORRELATE",
    { confidence: -0.1 },
    "Cannot accept artifact 'test': field 'data.confidence' must be a number between 0 and 1",
    { name: "test", fieldPrefix: "data" },
  );
  assertRejects(
    "F3_INVESTIGATE",
    { convergence_score: 2 },
    "Cannot accept artifact 'test': field 'convergence_score' must be a number between 0 and 1",
  );
  assert.equal(
    parseArtifact("F0_RECALL", { confidence: 1 }, SOURCE).confidence,
    1,
  );
});

Deno.test("store ids must be non-negative integers", () => {
  assertRejects(
    "F0_RECALL",
    { prior_rca_id: -1 },
    "Cannot accept artifact 'test': field 'prior_rca_id' must be a non-negative integer",
  );
  assertRejects(
    "F4_CORRELATE",
    { linked_rca_id: 1.5 },
    "Cannot accept artifact 'test': field 'linked_rca_id' must be an integer",
  );
});

Deno.test("array elements are checked with their index", () => {
  assertRejects(
    "F1_TRIAGE",
    { candidate_repos: ["a", 2] },
    "Cannot accept artifact 'test': field 'candidate_repos[1]' must be a string",
  );
  assertRejects(
    "F2_RESOLVE",
    { selected_repos: [{ name: "a" }, { name: "" }] },
    "Cannot accept artifact 'test': field 'data.selected_repos[1].name' must be a non-empty string",
    { name: "test", fieldPrefix: "data" },
  );
  assertRejects(
    "F2_RESOLVE",
    { selected_repos: [{ path: "/x" }] },
    "Cannot accept artifact 'test': field 'selected_repos[0].name' is missing; expected a string",
  );
  assertRejects(
    "F3_INVESTIGATE",
    { case_ids: [1, 2.5] },
    "Cannot accept artifact 'test': field 'case_ids[1]' must be an integer",
  );
});

Deno.test("a review decision other than approve, reassess or overturn is accepted", () => {
  for (const decision of ["defer", "Approve", ""]) {
    assert.equal(
      parseArtifact("F5_REVIEW", { decision }, { name: "test" }).decision,
      decision,
    );
  }
});

Deno.test("a review decision must be a string and is required", () => {
  for (const data of [{}, { decision: 1 }]) {
    assertRejects(
      "F5_REVIEW",
      data,
      "Cannot accept artifact 'test': field 'decision' must be a string such as 'approve', 'reassess' or 'overturn'",
    );
  }
});

Deno.test("loop_target must be F1_TRIAGE, F2_RESOLVE or F3_INVESTIGATE", () => {
  assert.deepEqual(LOOP_TARGETS, ["F1_TRIAGE", "F2_RESOLVE", "F3_INVESTIGATE"]);
  for (const target of LOOP_TARGETS) {
    assert.equal(
      parseArtifact("F5_REVIEW", {
        decision: "reassess",
        loop_target: target,
      }, SOURCE).loop_target,
      target,
    );
  }
  for (const bad of ["F9", "F0_RECALL", "F5_REVIEW", "DONE", "F2"]) {
    assertRejects(
      "F5_REVIEW",
      { decision: "reassess", loop_target: bad },
      "Cannot accept artifact 'test': field 'data.loop_target' must be one of 'F1_TRIAGE', 'F2_RESOLVE', 'F3_INVESTIGATE'",
      { name: "test", fieldPrefix: "data" },
    );
  }
});

Deno.test("human_override fields must be strings", () => {
  assertRejects(
    "F5_REVIEW",
    { decision: "overturn", human_override: { defect_type: 1 } },
    "Cannot accept artifact 'test': field 'human_override.defect_type' must be a string",
  );
  assertRejects(
    "F5_REVIEW",
    { decision: "overturn", human_override: "pb001" },
    "Cannot accept artifact 'test': field 'human_override' must be an object",
  );
});

Deno.test("a non-object artifact is rejected for every step", () => {
  for (const step of PIPELINE_STEPS) {
    for (const value of [null, undefined, [], [{}], "text", 42, true]) {
      assertRejects(
        step,
        value,
        "Cannot accept artifact 'test': the artifact must be a JSON object",
      );
      assertRejects(
        step,
        value,
        "Cannot accept artifact 'x.json': field 'data' must be a JSON object",
        { name: "x.json", fieldPrefix: "data" },
      );
    }
  }
});

Deno.test("F6 accepts any object and keeps its keys as given", () => {
  const draft = {
    summary: "holdover regression",
    Components: ["linuxptp-daemon"],
    priority: null,
    nested: { any: [1, "two"] },
    constructor: "kept",
  };
  assert.deepEqual(parseArtifact("F6_REPORT", draft, SOURCE), draft);
});

Deno.test("parseArtifact() does not modify its input", () => {
  const input = {
    Match: true,
    confidence: null,
    selected_repos: [{ Name: "a" }],
  };
  const copy = structuredClone(input);
  parseArtifact("F0_RECALL", input, SOURCE);
  parseArtifact("F2_RESOLVE", input, SOURCE);
  assert.deepEqual(input, copy);
});

Deno.test("the error keeps the zod error as its cause", () => {
  try {
    parseArtifact("F0_RECALL", { match: 1 }, SOURCE);
    assert.fail("expected an ArtifactError");
  } catch (error) {
    assert.ok(error instanceof ArtifactError);
    assert.ok(error.cause instanceof Error);
  }
});
