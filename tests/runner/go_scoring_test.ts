/**
 * Shapes of ground truth the Go version scores in its own way: an uncertain
 * recall followed by a triage that skips investigation (the tentative link
 * keeps the recalled RCA's defect), a duplicate below the threshold, and a
 * review decision other than approve/reassess/overturn (fallback to F6).
 */
import assert from "node:assert/strict";
import { allMetrics } from "../../src/core/metric.ts";
import type { CaseResult } from "../../src/core/case_result.ts";
import { parseScenario } from "../../src/scenario/parse_scenario.ts";
import { loadScenario } from "../../src/scenario/load_scenario.ts";
import type { Scenario } from "../../src/scenario/scenario_schema.ts";
import { caseOutcomes } from "../support/case_outcome.ts";
import { runStub } from "../support/run_stub.ts";

function run(scenario: Scenario, parallel = 1) {
  return runStub(scenario, { parallel });
}

/**
 * ptp-mock plus C13, a recurrence of C1's test recalled with confidence 0.6
 * (H3) whose triage skips investigation, and C14, a skipped case whose
 * review says "defer".
 */
function shapesScenario(): Scenario {
  const raw = structuredClone(
    JSON.parse(
      Deno.readTextFileSync(
        new URL("../../src/scenario/data/ptp_mock.json", import.meta.url),
      ),
    ),
  );
  const c1 = raw.cases.find((c: { id: string }) => c.id === "C1");
  const c8 = raw.cases.find((c: { id: string }) => c.id === "C8");
  raw.cases.push({
    ...structuredClone(c1),
    id: "C13",
    version: "4.22",
    job: "[T-BC]",
    expected_path: ["F0", "F1", "F5", "F6"],
    expected_recall: { match: true, confidence: 0.6 },
    expected_triage: {
      ...c1.expected_triage,
      skip_investigation: true,
      candidate_repos: [],
    },
    expected_resolve: undefined,
    expected_invest: undefined,
    expected_correlate: undefined,
    expect_skip: true,
  });
  raw.cases.push({
    ...structuredClone(c8),
    id: "C14",
    rca_id: "",
    symptom_id: "",
    expected_review: { decision: "defer" },
  });
  return parseScenario(raw, "ptp-mock-shapes");
}

function resultOf(results: readonly CaseResult[], id: string): CaseResult {
  const found = results.find((r) => r.case_id === id);
  assert.ok(found, `case ${id} missing`);
  return found;
}

Deno.test("an uncertain recall followed by a skip keeps the recalled RCA's defect (H3, tentative link)", async () => {
  const scenario = shapesScenario();
  const { report } = await run(scenario);
  const c13 = resultOf(report.case_results, "C13");
  assert.deepEqual(c13.actual_path, ["F0", "F1", "F5", "F6"]);
  assert.equal(c13.actual_recall_hit, false);
  assert.equal(c13.actual_defect_type, "pb001");
  assert.equal(c13.defect_type_correct, true);
  assert.equal(
    c13.actual_rca_id,
    resultOf(report.case_results, "C1").actual_rca_id,
  );
  const m1 = allMetrics(report.metrics).find((m) => m.id === "M1");
  assert.equal(m1?.detail, "11/12");
  assert.ok(report.case_results.every((c) => c.path_correct));
});

Deno.test("a review decision 'defer' loads and falls back from F5 to F6", async () => {
  const scenario = shapesScenario();
  assert.equal(
    scenario.cases.find((c) => c.id === "C14")?.expected_review?.decision,
    "defer",
  );
  const { report } = await run(scenario);
  const c14 = resultOf(report.case_results, "C14");
  assert.deepEqual(c14.actual_path.slice(-2), ["F5", "F6"]);
  assert.equal(c14.path_correct, true);
  assert.equal(c14.error, undefined);
});

Deno.test("the parallel runner scores the shapes as the serial runner", async () => {
  const scenario = shapesScenario();
  const serial = await run(scenario);
  const parallel = await run(scenario, 4);
  assert.deepEqual(
    caseOutcomes(parallel.report.case_results),
    caseOutcomes(serial.report.case_results),
  );
});

Deno.test("ptp-mock still scores as the Go stub: 20/20, M1 10/11", async () => {
  const { report } = await run(await loadScenario("ptp-mock"));
  const metrics = allMetrics(report.metrics);
  assert.ok(metrics.every((m) => m.pass));
  assert.equal(metrics.find((m) => m.id === "M1")?.detail, "10/11");
});
