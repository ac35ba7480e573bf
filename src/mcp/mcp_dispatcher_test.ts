import assert from "node:assert/strict";
import { McpDispatcher, type OfferedStep } from "./mcp_dispatcher.ts";
import { ARTIFACT_JSON_SCHEMAS } from "../pipeline/artifact_json_schemas.ts";
import { parseArtifact } from "../pipeline/artifact_schemas.ts";
import { DispatchError } from "../transport/dispatch_error.ts";
import { DispatchIds } from "../transport/dispatch_ids.ts";
import type { DispatchContext } from "../transport/dispatcher.ts";
import { FakeTime } from "../util/fake_time.ts";
import { withDeadline } from "../../tests/support/wait_for.ts";

function context(caseId: string, signal?: AbortSignal): DispatchContext {
  return {
    caseId,
    step: "F0_RECALL",
    prompt: `Recall prompt of ${caseId}`,
    schema: ARTIFACT_JSON_SCHEMAS.F0_RECALL,
    promptPath: `/run/${caseId}/prompt-recall.md`,
    artifactPath: `/run/${caseId}/recall-result.json`,
    signal,
    validate: (data) => {
      parseArtifact("F0_RECALL", data, {
        name: `/run/${caseId}/recall-result.json`,
        fieldPrefix: "data",
      });
    },
  };
}

function setup(leaseMs = 1_000) {
  const time = new FakeTime();
  const dispatcher = new McpDispatcher({
    clock: time,
    leaseMs,
    ids: new DispatchIds({ first: 100 }),
  });
  return { time, dispatcher };
}

function offered(step: OfferedStep | "done" | undefined): OfferedStep {
  assert.ok(step !== undefined && step !== "done", "expected a step");
  return step;
}

Deno.test("a queued step is offered with its prompt and schema, and a valid submission resolves the dispatch", async () => {
  const { dispatcher } = setup();
  const result = dispatcher.dispatch(context("C1"));
  const step = offered(await dispatcher.next({ workerId: "w1" }));
  assert.deepEqual(step, {
    dispatch_id: 100,
    case_id: "C1",
    step: "F0_RECALL",
    prompt: "Recall prompt of C1",
    schema: ARTIFACT_JSON_SCHEMAS.F0_RECALL,
  });
  assert.deepEqual(dispatcher.submit(100, { match: false }, "w1"), {
    accepted: true,
  });
  assert.deepEqual(await result, { match: false });
  const status = dispatcher.status();
  assert.equal(status.steps_done, 1);
  assert.equal(status.in_flight, 0);
  assert.deepEqual(status.workers.map((w) => [w.worker_id, w.steps]), [[
    "w1",
    1,
  ]]);
});

Deno.test("an invalid submission names the field, keeps the step open, and a corrected one is accepted", async () => {
  const { dispatcher } = setup();
  const result = dispatcher.dispatch(context("C1"));
  const step = offered(await dispatcher.next());
  const refused = dispatcher.submit(step.dispatch_id, { confidence: 7 });
  assert.equal(refused.accepted, false);
  assert.match(
    refused.accepted ? "" : refused.errors[0],
    /field 'data\.confidence' must be a number between 0 and 1/,
  );
  assert.equal(dispatcher.status().in_flight, 1);
  assert.deepEqual(
    dispatcher.submit(step.dispatch_id, { confidence: 0.5 }),
    { accepted: true },
  );
  assert.deepEqual(await result, { confidence: 0.5 });
});

Deno.test("a second submission for an accepted dispatch id is refused", async () => {
  const { dispatcher } = setup();
  const result = dispatcher.dispatch(context("C1"));
  const step = offered(await dispatcher.next({ workerId: "w1" }));
  assert.equal(dispatcher.submit(step.dispatch_id, {}, "w1").accepted, true);
  const again = dispatcher.submit(step.dispatch_id, {}, "w2");
  assert.equal(again.accepted, false);
  assert.match(
    again.accepted ? "" : again.errors[0],
    /already accepted for it \(worker 'w1'\)/,
  );
  assert.equal(dispatcher.submit(999, {}).accepted, false);
  await result;
});

Deno.test("an expired lease re-offers the step under a new id and refuses the late submission", async () => {
  const { time, dispatcher } = setup(1_000);
  const result = dispatcher.dispatch(context("C1"));
  const first = offered(await dispatcher.next({ workerId: "slow" }));
  time.tick(999);
  assert.equal(await dispatcher.next({ workerId: "w2" }), undefined);
  time.tick(1);
  const second = offered(await dispatcher.next({ workerId: "w2" }));
  assert.equal(second.case_id, "C1");
  assert.notEqual(second.dispatch_id, first.dispatch_id);
  const late = dispatcher.submit(first.dispatch_id, {}, "slow");
  assert.equal(late.accepted, false);
  assert.match(
    late.accepted ? "" : late.errors[0],
    new RegExp(
      `lease expired at 2026-02-17T10:00:01.000Z .*offered again as dispatch_id ${second.dispatch_id}.*refused`,
    ),
  );
  assert.equal(dispatcher.submit(second.dispatch_id, {}, "w2").accepted, true);
  await result;
  assert.equal(dispatcher.status().expired, 1);
  assert.equal(time.pendingTimers, 0);
});

Deno.test("a waiting worker gets a step queued while it waits, or nothing after wait_ms", async () => {
  const { time, dispatcher } = setup();
  const idle = dispatcher.next({ workerId: "w1", waitMs: 500 });
  time.tick(500);
  assert.equal(await idle, undefined);
  const waiting = dispatcher.next({ workerId: "w1", waitMs: 10_000 });
  const result = dispatcher.dispatch(context("C2"));
  const step = offered(await waiting);
  assert.equal(step.case_id, "C2");
  dispatcher.submit(step.dispatch_id, {});
  await result;
});

Deno.test("close() answers waiting and later workers with done", async () => {
  const { dispatcher } = setup();
  const waiting = dispatcher.next({ waitMs: 10_000 });
  dispatcher.close();
  assert.equal(await waiting, "done");
  assert.equal(await dispatcher.next(), "done");
});

Deno.test("an aborted dispatch leaves the queue and its offer is refused", async () => {
  const { dispatcher } = setup();
  const controller = new AbortController();
  const result = dispatcher.dispatch(context("C1", controller.signal));
  const step = offered(await dispatcher.next());
  controller.abort(new Error("stop"));
  await assert.rejects(
    result,
    (e) => e instanceof DispatchError && e.reason === "aborted",
  );
  const refused = dispatcher.submit(step.dispatch_id, {});
  assert.match(refused.accepted ? "" : refused.errors[0], /cancelled/);
});

Deno.test("8 concurrent workers: every step accepted exactly once", async () => {
  const { dispatcher } = setup();
  const results = Array.from(
    { length: 40 },
    (_, i) => dispatcher.dispatch(context(`C${i}`)),
  );
  const accepted: string[] = [];
  const worker = async (id: string) => {
    while (true) {
      const step = await dispatcher.next({ workerId: id });
      if (step === undefined || step === "done") return;
      // Every worker also tries a duplicate of its submission.
      assert.equal(dispatcher.submit(step.dispatch_id, {}, id).accepted, true);
      assert.equal(dispatcher.submit(step.dispatch_id, {}, id).accepted, false);
      accepted.push(step.case_id);
      await Promise.resolve();
    }
  };
  await withDeadline(
    Promise.all(Array.from({ length: 8 }, (_, i) => worker(`w${i}`))),
    "every worker is told the run is done",
  );
  await withDeadline(Promise.all(results), "every dispatch resolves");
  assert.equal(accepted.length, 40);
  assert.equal(new Set(accepted).size, 40);
  assert.equal(dispatcher.status().steps_done, 40);
});

Deno.test("the lease must be positive", () => {
  assert.throws(() => new McpDispatcher({ leaseMs: 0 }), RangeError);
});
