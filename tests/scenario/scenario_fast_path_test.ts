/**
 * The scenario fast path returns exactly what the zod schema returns (values,
 * defaults and key order) for the built-in, Go and synthetic scenarios and
 * for variants of them, and leaves everything the schema rejects to it.
 */
import assert from "node:assert/strict";
import ptpMock from "../../src/scenario/data/ptp_mock.json" with {
  type: "json",
};
import { generateScaleScenario } from "../../scripts/scale_scenario.ts";
import { fastScenario } from "../../src/scenario/scenario_fast_path.ts";
import { ScenarioSchema } from "../../src/scenario/scenario_schema.ts";
import {
  HAS_UPSTREAM_DATASETS,
  UPSTREAM_DATASETS,
  upstreamDataset,
} from "../support/upstream_datasets.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** Drops null-valued keys, as parseScenario does before the schema. */
function withoutNulls(value: Json): Json {
  return JSON.parse(
    JSON.stringify(value, (_key, v) => v === null ? undefined : v),
  );
}

function assertSameAsSchema(value: Json, label: string): void {
  const fast = fastScenario(value);
  const schema = ScenarioSchema.parse(value);
  assert.notEqual(fast, undefined, `${label}: the fast path refused it`);
  assert.deepStrictEqual(fast, schema, label);
  // Same keys in the same order: reports built from them are the same text.
  assert.equal(JSON.stringify(fast), JSON.stringify(schema), label);
}

Deno.test("the fast path equals the schema on the built-in and synthetic scenarios", () => {
  assertSameAsSchema(structuredClone(ptpMock), "ptp-mock");
  assertSameAsSchema(generateScaleScenario({ cases: 300 }), "scale-300");
  assertSameAsSchema(
    generateScaleScenario({ cases: 57, seed: 3 }),
    "scale-57 seed 3",
  );
});

Deno.test({
  name: "the fast path equals the schema on the Go datasets",
  ignore: !HAS_UPSTREAM_DATASETS,
  fn: () => {
    for (const name of UPSTREAM_DATASETS) {
      const value = withoutNulls(
        JSON.parse(Deno.readTextFileSync(upstreamDataset(name))),
      );
      assertSameAsSchema(value, name);
    }
  },
});

Deno.test("the fast path equals the schema with keys left out, unknown keys and numeric references", () => {
  const minimal = {
    name: "m",
    cases: [{
      id: "C1",
      version: "4.20",
      job: "j",
      test_name: "t",
      expected_path: ["F0"],
      unknown_key: { deep: [1, 2] },
    }],
    extra: true,
  };
  assertSameAsSchema(minimal, "minimal");
  const full = structuredClone(ptpMock) as Json;
  full.workspace = {};
  full.rcas[0].keyword_threshold = 3;
  full.rcas[0].surplus = "dropped";
  const c = full.cases[0];
  c.expected_recall = { symptom_id: 7, prior_rca_id: "R1", match: true };
  c.expected_correlate = { linked_rca_id: 2, is_duplicate: true };
  c.expected_resolve = { selected_repos: [{ name: "r" }] };
  c.expected_triage = {};
  c.expected_invest = {};
  c.expected_review = { decision: "defer", other: 1 };
  c.expected_loops = 2;
  // Key order of the input is not the output's.
  full.cases[1] = Object.fromEntries(Object.entries(full.cases[1]).reverse());
  assertSameAsSchema(full, "variants");
  const noWorkspace = structuredClone(ptpMock) as Json;
  delete noWorkspace.workspace;
  delete noWorkspace.rcas;
  delete noWorkspace.symptoms;
  assertSameAsSchema(noWorkspace, "no workspace, rcas or symptoms");
});

Deno.test("the fast path leaves every value the schema rejects to the schema", () => {
  const broken: [string, (s: Json) => void][] = [
    ["name empty", (s) => s.name = ""],
    ["no cases", (s) => s.cases = []],
    ["cases not a list", (s) => s.cases = {}],
    ["case id a number", (s) => s.cases[0].id = 1],
    ["case id empty", (s) => s.cases[0].id = ""],
    ["empty path", (s) => s.cases[0].expected_path = []],
    ["unknown step", (s) => s.cases[0].expected_path = ["F9"]],
    [
      "confidence above 1",
      (s) => s.cases[0].expected_recall = { match: true, confidence: 1.5 },
    ],
    ["negative loops", (s) => s.cases[0].expected_loops = -1],
    ["fractional threshold", (s) => s.rcas[0].keyword_threshold = 1.5],
    ["string list holds a number", (s) => s.rcas[0].affected_versions = [1]],
    ["a null in a list", (s) => s.rcas[0].affected_versions = [null]],
    ["boolean as string", (s) => s.cases[0].expect_skip = "yes"],
    [
      "reference a boolean",
      (s) => s.cases[0].expected_correlate = { linked_rca_id: true },
    ],
    ["review without decision", (s) => s.cases[0].expected_review = {}],
    ["repo name empty", (s) => s.workspace.repos[0].name = ""],
    ["workspace a list", (s) => s.workspace = []],
    ["rca an array", (s) => s.rcas[0] = []],
  ];
  for (const [label, change] of broken) {
    const value = structuredClone(ptpMock) as Json;
    change(value);
    assert.equal(fastScenario(value), undefined, label);
    assert.equal(ScenarioSchema.safeParse(value).success, false, label);
  }
  assert.equal(fastScenario("text"), undefined);
  assert.equal(fastScenario([]), undefined);
});

Deno.test("the fast path shares no list with its input", () => {
  const input = structuredClone(ptpMock) as Json;
  const scenario = fastScenario(input)!;
  assert.notEqual(
    scenario.rcas[0].affected_versions,
    input.rcas[0].affected_versions,
  );
  assert.notEqual(
    scenario.cases[0].expected_path,
    input.cases[0].expected_path,
  );
});
