import assert from "node:assert/strict";
import { join } from "node:path";
import {
  advanceCaseState,
  type CaseState,
  createCaseState,
  loopCountsOf,
  pathOf,
  STATE_FILE,
  withError,
  withLinks,
  writeCaseState,
} from "./case_state.ts";
import type { LoopCounts, RouteDecision } from "./heuristics.ts";

const T0 = "2026-02-17T10:00:00Z";
const T1 = "2026-02-17T10:00:01Z";
const T2 = "2026-02-17T10:00:02Z";
const NO_LOOPS: LoopCounts = { investigate: 0, reassess: 0 };

function newState(): CaseState {
  return createCaseState(
    { caseId: 3, suiteId: 1, scenarioCaseId: "C3" },
    T0,
  );
}

function decision(
  ruleId: string,
  next: RouteDecision["next"],
  extra: Partial<RouteDecision> = {},
): RouteDecision {
  return {
    ruleId,
    ruleName: ruleId.toLowerCase(),
    next,
    explanation: `${ruleId} → ${next}`,
    ...extra,
  };
}

Deno.test("createCaseState() enters F0 with an INIT history entry", () => {
  assert.deepEqual(newState(), {
    case_id: 3,
    suite_id: 1,
    scenario_case_id: "C3",
    current_step: "F0_RECALL",
    loop_counts: {},
    status: "running",
    symptom_id: 0,
    rca_id: 0,
    history: [{
      step: "INIT",
      next: "F0_RECALL",
      outcome: "start pipeline",
      heuristic_id: "INIT",
      timestamp: T0,
    }],
  });
});

Deno.test("loopCountsOf() fills missing counters with zero", () => {
  assert.deepEqual(loopCountsOf(newState()), NO_LOOPS);
  assert.deepEqual(
    loopCountsOf({ ...newState(), loop_counts: { investigate: 2 } }),
    { investigate: 2, reassess: 0 },
  );
  assert.deepEqual(
    loopCountsOf({
      ...newState(),
      loop_counts: { investigate: 1, reassess: 3 },
    }),
    { investigate: 1, reassess: 3 },
  );
});

Deno.test("advanceCaseState() records the transition and moves to the next step", () => {
  const before = newState();
  const after = advanceCaseState(before, {
    decision: decision("H2", "F1_TRIAGE"),
    loops: NO_LOOPS,
    timestamp: T1,
  });
  assert.equal(after.current_step, "F1_TRIAGE");
  assert.equal(after.status, "running");
  assert.deepEqual(after.loop_counts, {});
  assert.equal(after.history.length, 2);
  assert.deepEqual(after.history[1], {
    step: "F0_RECALL",
    next: "F1_TRIAGE",
    outcome: "H2 → F1_TRIAGE",
    heuristic_id: "H2",
    timestamp: T1,
  });
  assert.equal("context" in after.history[1], false);
  // The input state is unchanged.
  assert.deepEqual(before, newState());
});

Deno.test("advanceCaseState() records the rule's context when there is one", () => {
  const after = advanceCaseState(newState(), {
    decision: decision("H3", "F1_TRIAGE", {
      context: { recall_candidate: { prior_rca_id: 2 } },
    }),
    loops: NO_LOOPS,
    timestamp: T1,
  });
  assert.deepEqual(after.history[1].context, {
    recall_candidate: { prior_rca_id: 2 },
  });
});

Deno.test("advanceCaseState() omits an undefined context", () => {
  const after = advanceCaseState(newState(), {
    decision: decision("H14", "F6_REPORT", { context: undefined }),
    loops: NO_LOOPS,
    timestamp: T1,
  });
  assert.equal("context" in after.history[1], false);
});

Deno.test("advanceCaseState() stores only non-zero loop counters", () => {
  let state = newState();
  state = advanceCaseState(state, {
    decision: decision("H10", "F2_RESOLVE"),
    loops: { investigate: 1, reassess: 0 },
    timestamp: T1,
  });
  assert.deepEqual(state.loop_counts, { investigate: 1 });
  state = advanceCaseState(state, {
    decision: decision("H13", "F2_RESOLVE"),
    loops: { investigate: 1, reassess: 2 },
    timestamp: T2,
  });
  assert.deepEqual(state.loop_counts, { investigate: 1, reassess: 2 });
  assert.deepEqual(loopCountsOf(state), { investigate: 1, reassess: 2 });
});

Deno.test("advanceCaseState() marks the case done on reaching DONE", () => {
  const atF6: CaseState = { ...newState(), current_step: "F6_REPORT" };
  const done = advanceCaseState(atF6, {
    decision: decision("FALLBACK", "DONE"),
    loops: NO_LOOPS,
    timestamp: T1,
  });
  assert.equal(done.current_step, "DONE");
  assert.equal(done.status, "done");
  assert.deepEqual(done.history.at(-1), {
    step: "F6_REPORT",
    next: "DONE",
    outcome: "FALLBACK → DONE",
    heuristic_id: "FALLBACK",
    timestamp: T1,
  });
});

Deno.test("advanceCaseState() keeps a non-running status until DONE", () => {
  const paused: CaseState = { ...newState(), status: "paused" };
  const moved = advanceCaseState(paused, {
    decision: decision("H2", "F1_TRIAGE"),
    loops: NO_LOOPS,
    timestamp: T1,
  });
  assert.equal(moved.status, "paused");
});

Deno.test("withLinks() sets the store links without touching the rest", () => {
  const before = newState();
  const linked = withLinks(before, { symptomId: 4, rcaId: 9 });
  assert.deepEqual(linked, { ...before, symptom_id: 4, rca_id: 9 });
  assert.equal(before.symptom_id, 0);
  assert.deepEqual(withLinks(linked, { symptomId: 0, rcaId: 0 }), before);
});

Deno.test("withError() marks the state failed with the message", () => {
  const before = newState();
  const failed = withError(before, "Cannot accept artifact 'x': bad");
  assert.deepEqual(failed, {
    ...before,
    status: "error",
    error: "Cannot accept artifact 'x': bad",
  });
  assert.equal(before.status, "running");
  assert.equal("error" in before, false);
});

Deno.test("pathOf() lists the executed steps' short names, without INIT", () => {
  assert.deepEqual(pathOf(newState()), []);
  const hops: [string, RouteDecision["next"]][] = [
    ["H2", "F1_TRIAGE"],
    ["H6", "F2_RESOLVE"],
    ["H8", "F3_INVESTIGATE"],
    ["H10", "F2_RESOLVE"],
    ["H8", "F3_INVESTIGATE"],
    ["H9", "F4_CORRELATE"],
    ["H15b", "F5_REVIEW"],
    ["H12", "F6_REPORT"],
    ["FALLBACK", "DONE"],
  ];
  let state = newState();
  for (const [ruleId, next] of hops) {
    state = advanceCaseState(state, {
      decision: decision(ruleId, next),
      loops: NO_LOOPS,
      timestamp: T1,
    });
  }
  assert.deepEqual(pathOf(state), [
    "F0",
    "F1",
    "F2",
    "F3",
    "F2",
    "F3",
    "F4",
    "F5",
    "F6",
  ]);
  assert.equal(state.status, "done");
});

Deno.test("pathOf() of a case that stopped early ends at the last executed step", () => {
  let state = newState();
  state = advanceCaseState(state, {
    decision: decision("H1", "F5_REVIEW"),
    loops: NO_LOOPS,
    timestamp: T1,
  });
  assert.deepEqual(pathOf(state), ["F0"]);
  state = withError(state, "stopped");
  assert.deepEqual(pathOf(state), ["F0"]);
});

Deno.test("writeCaseState() writes state.json with the Go keys and ours", async () => {
  const dir = await Deno.makeTempDir({ prefix: "asterisk-case-state-" });
  try {
    let state = newState();
    state = advanceCaseState(state, {
      decision: decision("H3", "F1_TRIAGE", {
        context: { recall_candidate: { prior_rca_id: 1 } },
      }),
      loops: NO_LOOPS,
      timestamp: T1,
    });
    state = withLinks(state, { symptomId: 2, rcaId: 5 });
    await writeCaseState(dir, state);

    assert.equal(STATE_FILE, "state.json");
    const text = await Deno.readTextFile(join(dir, "state.json"));
    assert.ok(text.endsWith("}\n"), "trailing newline");
    assert.ok(text.startsWith('{\n  "case_id": 3,'), "2-space indentation");
    const json = JSON.parse(text);
    // Go keys.
    assert.equal(json.case_id, 3);
    assert.equal(json.suite_id, 1);
    assert.equal(json.current_step, "F1_TRIAGE");
    assert.deepEqual(json.loop_counts, {});
    assert.equal(json.status, "running");
    assert.equal(json.history.length, 2);
    for (const entry of json.history) {
      for (const key of ["step", "outcome", "heuristic_id", "timestamp"]) {
        assert.equal(typeof entry[key], "string", `history[].${key}`);
      }
    }
    assert.deepEqual(
      json.history.map((
        e: Record<string, string>,
      ) => [e.step, e.heuristic_id, e.outcome, e.timestamp]),
      [
        ["INIT", "INIT", "start pipeline", T0],
        ["F0_RECALL", "H3", "H3 → F1_TRIAGE", T1],
      ],
    );
    // Ours.
    assert.equal(json.scenario_case_id, "C3");
    assert.equal(json.symptom_id, 2);
    assert.equal(json.rca_id, 5);
    assert.equal(json.history[1].next, "F1_TRIAGE");
    assert.deepEqual(json.history[1].context, {
      recall_candidate: { prior_rca_id: 1 },
    });
    assert.equal("error" in json, false);
    assert.deepEqual(json, JSON.parse(JSON.stringify(state)));
    // Only state.json is left behind (no temporary file).
    const names = [];
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
    assert.deepEqual(names, ["state.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeCaseState() overwrites the previous state", async () => {
  const dir = await Deno.makeTempDir({ prefix: "asterisk-case-state-" });
  try {
    const first = newState();
    await writeCaseState(dir, first);
    const failed = withError(
      advanceCaseState(first, {
        decision: decision("H10", "F2_RESOLVE"),
        loops: { investigate: 1, reassess: 0 },
        timestamp: T1,
      }),
      "boom",
    );
    await writeCaseState(dir, failed);
    const json = JSON.parse(await Deno.readTextFile(join(dir, STATE_FILE)));
    assert.equal(json.status, "error");
    assert.equal(json.error, "boom");
    assert.deepEqual(json.loop_counts, { investigate: 1 });
    assert.equal(json.history.length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeCaseState() fails when the case directory does not exist", async () => {
  const dir = await Deno.makeTempDir({ prefix: "asterisk-case-state-" });
  try {
    await assert.rejects(
      writeCaseState(join(dir, "missing"), newState()),
      Deno.errors.NotFound,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
