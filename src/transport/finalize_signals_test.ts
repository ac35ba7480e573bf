import assert from "node:assert/strict";
import { join } from "node:path";
import { finalizeSignals } from "./finalize_signals.ts";
import { readSignal, type Signal, writeSignal } from "./signal.ts";

function signal(status: Signal["status"], id: number): Signal {
  return {
    status,
    dispatch_id: id,
    case_id: `C${id}`,
    step: "F0_RECALL",
    prompt_path: "/p",
    artifact_path: "/a",
    timestamp: "2026-01-01T00:00:00Z",
  };
}

Deno.test("finalizeSignals closes waiting and processing signals only", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const statuses: Signal["status"][] = [
      "waiting",
      "processing",
      "done",
      "error",
    ];
    for (const [i, status] of statuses.entries()) {
      await Deno.mkdir(join(dir, "1", String(i)), { recursive: true });
      await writeSignal(
        join(dir, "1", String(i), "signal.json"),
        signal(status, i),
      );
    }
    const clock = { now: () => new Date(Date.UTC(2026, 10, 23, 12)) };
    assert.equal(await finalizeSignals(dir, clock), 2);
    const after = await Promise.all(
      statuses.map((_, i) =>
        readSignal(join(dir, "1", String(i), "signal.json"))
      ),
    );
    assert.deepEqual(after.map((s) => s?.status), [
      "error",
      "error",
      "done",
      "error",
    ]);
    assert.equal(after[0]?.error, "run ended before the artifact was accepted");
    assert.equal(after[0]?.timestamp, "2026-11-23T12:00:00Z");
    assert.equal(after[3]?.error, undefined);
    assert.equal(await finalizeSignals(dir, clock), 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("finalizeSignals tolerates a missing directory", async () => {
  assert.equal(await finalizeSignals("/nonexistent/asterisk-run"), 0);
});
