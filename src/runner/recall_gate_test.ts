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

Deno.test("RecallGate holds F0 of a later recall hit of the same ground-truth RCA, however unlike its failure", () => {
  const a = record("C1", "ptp4l (pid 12): FREERUN after 61s", 1);
  const b = record("C2", "chronyd: no NTP source reachable", 2);
  const c = record("C3", "phc2sys: clock jumped backwards", 3);
  const d = record("C4", "ts2phc: no PPS edge seen", 4);
  const gt = (r: CaseRecord) =>
    r.gt as { rca_id: string; expected_recall?: { match: boolean } };
  for (const r of [a, c, d]) gt(r).rca_id = "R1";
  gt(b).rca_id = "R2";
  gt(b).expected_recall = { match: true };
  gt(c).expected_recall = { match: true };
  const gate = new RecallGate([a, b, c, d]);
  assert.equal(gate.mayRun(b), true, "a recall hit of another RCA runs");
  assert.equal(gate.mayRun(d), true, "a case that investigates runs");
  assert.deepEqual(gate.waitsFor(c), ["C1"]);
  assert.equal(gate.blocker(c), "C1");
  a.state = { ...a.state, current_step: "DONE", status: "done" };
  assert.equal(gate.mayRun(c), true);
});
