import assert from "node:assert/strict";
import {
  estimateTokens,
  tokenCost,
  type TokenRecord,
  TokenTracker,
} from "./token_tracker.ts";

function record(
  caseId: string,
  step: string,
  prompt: number,
  artifact: number,
  ms = 10,
): TokenRecord {
  return {
    case_id: caseId,
    step,
    prompt_bytes: prompt * 4,
    artifact_bytes: artifact * 4,
    prompt_tokens: prompt,
    artifact_tokens: artifact,
    timestamp: "2026-01-01T00:00:00Z",
    wall_clock_ms: ms,
  };
}

Deno.test("estimateTokens is floor(bytes / 4), 0 for none", () => {
  assert.equal(estimateTokens(0), 0);
  assert.equal(estimateTokens(-5), 0);
  assert.equal(estimateTokens(3), 0);
  assert.equal(estimateTokens(4), 1);
  assert.equal(estimateTokens(4003), 1000);
});

Deno.test("tokenCost uses $3 / $15 per million by default", () => {
  assert.equal(tokenCost(1_000_000, 0), 3);
  assert.equal(tokenCost(0, 1_000_000), 15);
  assert.equal(
    tokenCost(1_000_000, 1_000_000, {
      inputPerMillion: 1,
      outputPerMillion: 2,
    }),
    3,
  );
});

Deno.test("summary totals per case and per step", () => {
  const tracker = new TokenTracker();
  tracker.record(record("C1", "F0_RECALL", 100, 10, 5));
  tracker.record(record("C1", "F1_TRIAGE", 200, 20, 7));
  tracker.record(record("C2", "F0_RECALL", 300, 30, 11));
  const summary = tracker.summary();
  assert.equal(summary.total_prompt_tokens, 600);
  assert.equal(summary.total_artifact_tokens, 60);
  assert.equal(summary.total_tokens, 660);
  assert.equal(summary.total_steps, 3);
  assert.equal(summary.total_wall_clock_ms, 23);
  assert.equal(summary.total_cost_usd, (600 * 3 + 60 * 15) / 1e6);
  assert.deepEqual(summary.per_case.C1, {
    prompt_tokens: 300,
    artifact_tokens: 30,
    total_tokens: 330,
    steps: 2,
    wall_clock_ms: 12,
  });
  assert.deepEqual(summary.per_step.F0_RECALL, {
    prompt_tokens: 400,
    artifact_tokens: 40,
    total_tokens: 440,
    invocations: 2,
  });
});

Deno.test("records are copies", () => {
  const tracker = new TokenTracker();
  const r = record("C1", "F0_RECALL", 1, 1);
  tracker.record(r);
  (tracker.records()[0] as { case_id: string }).case_id = "X";
  assert.equal(tracker.records()[0].case_id, "C1");
  assert.equal(tracker.size, 1);
});
