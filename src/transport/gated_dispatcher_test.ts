import assert from "node:assert/strict";
import { dispatchGate, GatedDispatcher } from "./gated_dispatcher.ts";
import type { DispatchContext, Dispatcher } from "./dispatcher.ts";
import { waitFor } from "../../tests/support/wait_for.ts";

const context = (i: number): DispatchContext => ({
  caseId: `C${i}`,
  step: "F0_RECALL",
  prompt: `Prompt ${i}`,
  schema: {},
  promptPath: `/p/${i}`,
  artifactPath: `/a/${i}`,
});

Deno.test("a gate admits at most its capacity at once", async () => {
  let running = 0;
  let peak = 0;
  const releases: (() => void)[] = [];
  const inner: Dispatcher = {
    async dispatch(c) {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise<void>((resolve) => releases.push(resolve));
      running -= 1;
      return c.caseId;
    },
  };
  const gated = new GatedDispatcher(inner, dispatchGate(2));
  const all = Promise.all(
    [1, 2, 3, 4, 5].map((i) => gated.dispatch(context(i))),
  );
  for (let finished = 0; finished < 5; finished++) {
    const admitted = Math.min(2, 5 - finished);
    await waitFor(() => running === admitted, `${admitted} dispatches run`);
    assert.ok(running <= 2, `running ${running}`);
    releases.shift()!();
  }
  assert.deepEqual(await all, ["C1", "C2", "C3", "C4", "C5"]);
  assert.equal(peak, 2);
});

Deno.test("a gate of zero is refused instead of deadlocking", () => {
  assert.throws(
    () => dispatchGate(0),
    /capacity 0: expected a positive integer/,
  );
});

Deno.test("a failing dispatch frees its place", async () => {
  const gate = dispatchGate(1);
  const failing = new GatedDispatcher(
    { dispatch: () => Promise.reject(new Error("boom")) },
    gate,
  );
  const ok = new GatedDispatcher({ dispatch: () => Promise.resolve(1) }, gate);
  await assert.rejects(failing.dispatch(context(1)), /boom/);
  assert.equal(await ok.dispatch(context(2)), 1);
});
