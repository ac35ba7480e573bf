import assert from "node:assert/strict";
import { TokenTrackingDispatcher } from "./token_tracking_dispatcher.ts";
import type { DispatchContext, Dispatcher } from "./dispatcher.ts";
import { TokenTracker } from "../tokens/token_tracker.ts";
import type { Clock } from "../util/clock.ts";

function steppingClock(stepMs: number): Clock {
  let t = Date.UTC(2026, 0, 1);
  return { now: () => new Date((t += stepMs) - stepMs) };
}

const context: DispatchContext = {
  caseId: "C1",
  step: "F3_INVESTIGATE",
  prompt: "Investigate prompt",
  schema: {},
  promptPath: "/run/1/1/prompt-investigate.md",
  artifactPath: "/run/1/1/artifact.json",
};

Deno.test("a successful dispatch is recorded with bytes, tokens and time", async () => {
  const data = { rca_message: "x".repeat(30) };
  const inner: Dispatcher = { dispatch: () => Promise.resolve(data) };
  const tracker = new TokenTracker();
  const dispatcher = new TokenTrackingDispatcher(inner, tracker, {
    clock: steppingClock(250),
    promptSize: (path) =>
      Promise.resolve(path === context.promptPath ? 4000 : 0),
  });
  assert.equal(await dispatcher.dispatch(context), data);
  const [r] = tracker.records();
  const bytes = JSON.stringify(data).length;
  assert.deepEqual(r, {
    case_id: "C1",
    step: "F3_INVESTIGATE",
    prompt_bytes: 4000,
    artifact_bytes: bytes,
    prompt_tokens: 1000,
    artifact_tokens: Math.floor(bytes / 4),
    timestamp: "2026-01-01T00:00:00Z",
    wall_clock_ms: 250,
  });
});

Deno.test("a failed dispatch records nothing and fails unchanged", async () => {
  const failure = new Error("boom");
  const inner: Dispatcher = { dispatch: () => Promise.reject(failure) };
  const tracker = new TokenTracker();
  const dispatcher = new TokenTrackingDispatcher(inner, tracker, {
    promptSize: () => Promise.resolve(10),
  });
  await assert.rejects(dispatcher.dispatch(context), (e) => e === failure);
  assert.equal(tracker.size, 0);
});

Deno.test("an unreadable prompt counts as 0 bytes", async () => {
  const tracker = new TokenTracker();
  const dispatcher = new TokenTrackingDispatcher(
    { dispatch: () => Promise.resolve({}) },
    tracker,
  );
  await dispatcher.dispatch({ ...context, promptPath: "/nonexistent/prompt" });
  assert.equal(tracker.records()[0].prompt_bytes, 0);
});
