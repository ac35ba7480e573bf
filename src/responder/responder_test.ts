import assert from "node:assert/strict";
import { join } from "node:path";
import { type ResponderEvent, startResponder } from "./responder.ts";
import { runDirKnowledge } from "./run_dir_knowledge.ts";
import { withLinks, writeCaseState } from "../pipeline/case_state.ts";
import { resolveThresholds } from "../pipeline/thresholds.ts";
import { type PreparedRun, prepareRun } from "../runner/calibration_run.ts";
import { runLayout } from "../runner/run_layout.ts";
import { loadScenario } from "../scenario/load_scenario.ts";
import { MemoryStore } from "../store/memory_store.ts";
import { readSignal, type Signal, writeSignal } from "../transport/signal.ts";
import { systemClock } from "../util/clock.ts";

const scenario = await loadScenario("ptp-mock");

async function preparedRun(dir: string): Promise<PreparedRun> {
  return await prepareRun({
    scenario,
    store: new MemoryStore(),
    layout: runLayout(dir),
    thresholds: resolveThresholds(),
    clock: systemClock,
  });
}

function signalFor(
  run: PreparedRun,
  caseId: string,
  step: Signal["step"],
  dispatchId: number,
): { path: string; signal: Signal } {
  const record = run.records.find((r) => r.gt.id === caseId)!;
  return {
    path: join(record.dir, "signal.json"),
    signal: {
      status: "waiting",
      dispatch_id: dispatchId,
      case_id: caseId,
      step,
      prompt_path: join(record.dir, "prompt.md"),
      artifact_path: join(record.dir, `${step}.json`),
      timestamp: "2026-11-23T00:00:00Z",
    },
  };
}

/** Collects responder events; `next()` resolves with the next one. */
function eventQueue() {
  const queue: ResponderEvent[] = [];
  const waiters: ((e: ResponderEvent) => void)[] = [];
  return {
    push(event: ResponderEvent) {
      const waiter = waiters.shift();
      if (waiter) waiter(event);
      else queue.push(event);
    },
    next(): Promise<ResponderEvent> {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}

for (const mode of ["watch", "poll"] as const) {
  Deno.test(`responder answers a waiting signal from ground truth (${mode})`, async () => {
    const dir = await Deno.makeTempDir();
    const events = eventQueue();
    const responder = startResponder({
      runDir: dir,
      scenario,
      mode,
      pollIntervalMs: mode === "watch" ? 60_000 : 20,
      onEvent: events.push,
    });
    try {
      const run = await preparedRun(dir);
      const { path, signal } = signalFor(run, "C8", "F1_TRIAGE", 41);
      await writeSignal(path, signal);
      const event = await events.next();
      assert.equal(event.type, "answered");
      const artifact = JSON.parse(
        await Deno.readTextFile(signal.artifact_path),
      );
      assert.equal(artifact.dispatch_id, 41);
      assert.equal(artifact.data.symptom_category, "infra");
      assert.equal(artifact.data.skip_investigation, true);
      assert.equal(responder.answered, 1);
    } finally {
      await responder.stop();
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("responder resolves store ids from the run's state files", async () => {
  const dir = await Deno.makeTempDir();
  const events = eventQueue();
  const responder = startResponder({
    runDir: dir,
    scenario,
    pollIntervalMs: 20,
    mode: "poll",
    onEvent: events.push,
  });
  try {
    const run = await preparedRun(dir);
    const c1 = run.records[0];
    await writeCaseState(
      c1.dir,
      withLinks(c1.state, { symptomId: 1, rcaId: 7 }),
    );
    const knowledge = await runDirKnowledge(dir);
    assert.deepEqual(await knowledge.links("C1"), {
      storeCaseId: 1,
      symptomId: 1,
      rcaId: 7,
    });
    const { path, signal } = signalFor(run, "C2", "F0_RECALL", 5);
    await writeSignal(path, signal);
    await events.next();
    const artifact = JSON.parse(await Deno.readTextFile(signal.artifact_path));
    assert.equal(artifact.data.match, true);
    assert.equal(artifact.data.prior_rca_id, 7);
    assert.equal(artifact.data.symptom_id, 1);
  } finally {
    await responder.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("responder answers each dispatch once and skips signals not waiting", async () => {
  const dir = await Deno.makeTempDir();
  const events = eventQueue();
  const responder = startResponder({
    runDir: dir,
    scenario,
    pollIntervalMs: 10,
    mode: "poll",
    onEvent: events.push,
  });
  try {
    const run = await preparedRun(dir);
    const done = signalFor(run, "C3", "F0_RECALL", 1);
    await writeSignal(done.path, { ...done.signal, status: "done" });
    const first = signalFor(run, "C4", "F0_RECALL", 2);
    await writeSignal(first.path, first.signal);
    await events.next();
    await Deno.remove(first.signal.artifact_path);
    // A re-dispatch of the same case and step gets a new id and is answered.
    await writeSignal(first.path, { ...first.signal, dispatch_id: 3 });
    await events.next();
    const artifact = JSON.parse(
      await Deno.readTextFile(first.signal.artifact_path),
    );
    assert.equal(artifact.dispatch_id, 3);
    assert.equal(responder.answered, 2);
    await assert.rejects(Deno.stat(done.signal.artifact_path));
  } finally {
    await responder.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("responder reports a scenario mismatch in the signal", async () => {
  const dir = await Deno.makeTempDir();
  const events = eventQueue();
  const other = { ...scenario, name: "other-scenario" };
  const responder = startResponder({
    runDir: dir,
    scenario: other,
    pollIntervalMs: 10,
    mode: "poll",
    onEvent: events.push,
  });
  try {
    const run = await preparedRun(dir);
    const { path, signal } = signalFor(run, "C1", "F0_RECALL", 9);
    await writeSignal(path, signal);
    const event = await events.next();
    assert.equal(event.type, "failed");
    const written = await readSignal(path);
    assert.equal(written?.status, "error");
    assert.equal(
      written?.error,
      "Responder answers scenario 'other-scenario' but the run is 'ptp-mock'",
    );
  } finally {
    await responder.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
