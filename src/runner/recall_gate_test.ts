import assert from "node:assert/strict";
import { RecallGate } from "./recall_gate.ts";
import type { CaseRecord } from "./calibration_run.ts";
import { createCaseState } from "../pipeline/case_state.ts";
import type { GroundTruthCase } from "../scenario/scenario_schema.ts";

function record(id: string, error: string, storeCaseId: number): CaseRecord {
  return {
    gt: {
      id,
      test_name: "t",
      error_message: error,
      log_snippet: "",
      version: "4.21",
      job: "j",
    } as GroundTruthCase,
    storeCaseId,
    dir: `/tmp/${id}`,
    state: createCaseState(
      { caseId: storeCaseId, suiteId: 1, scenarioCaseId: id },
      "2026-01-01T00:00:00Z",
    ),
    artifacts: [],
    answers: [],
  };
}

Deno.test("RecallGate holds F0 of a similar later case until the earlier one finishes", () => {
  const a = record("C1", "ptp4l (pid 12): FREERUN after 61s", 1);
  const b = record("C2", "chronyd: no NTP source reachable", 2);
  const c = record("C3", "ptp4l (pid 99): FREERUN after 60s", 3);
  const gate = new RecallGate([a, b, c]);
  assert.equal(gate.mayRun(a), true);
  assert.equal(gate.mayRun(b), true, "unrelated cases run side by side");
  assert.deepEqual(gate.waitsFor(c), ["C1"]);
  assert.equal(gate.mayRun(c), false);
  a.state = { ...a.state, current_step: "F1_TRIAGE" };
  assert.equal(gate.mayRun(c), false, "an earlier case in flight still holds");
  a.state = { ...a.state, current_step: "DONE", status: "done" };
  assert.equal(gate.mayRun(c), true);
  // Only F0 waits: a later step runs whatever the others do.
  a.state = { ...a.state, current_step: "F3_INVESTIGATE", status: "running" };
  c.state = { ...c.state, current_step: "F1_TRIAGE" };
  assert.equal(gate.mayRun(c), true);
});
