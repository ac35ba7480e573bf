/**
 * The dispatch log in run.db: one row per dispatch (case, step, attempt,
 * transport, offered and settled times, outcome), written in the unit of
 * work that accepts the step's artifact or fails the case.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { createStubAdapter } from "../../src/adapter/stub_adapter.ts";
import type { ModelAdapter } from "../../src/adapter/model_adapter.ts";
import {
  calibrate,
  type CalibrateOptions,
} from "../../src/runner/calibrate.ts";
import { loadScenario } from "../../src/scenario/load_scenario.ts";
import type { DispatchRecord } from "../../src/store/store.ts";
import { DispatchError } from "../../src/transport/dispatch_error.ts";
import { faultyStore } from "../support/faulty_store.ts";
import { withTempDir } from "../support/temp_dir.ts";

/** Rows of `table` in the run.db of `runDir`, read by SQL. */
function rows<T>(runDir: string, table: string): T[] {
  const db = new DatabaseSync(join(runDir, "run.db"), { readOnly: true });
  try {
    return (db.prepare(`SELECT record FROM ${table} ORDER BY id`).all() as {
      record: string;
    }[]).map((r) => JSON.parse(r.record));
  } finally {
    db.close();
  }
}

interface Keyed {
  readonly caseId: number;
  readonly step: string;
  readonly attempt: number;
}

const keyOf = (r: Keyed) => `${r.caseId}:${r.step}:${r.attempt}`;

/** A clock that moves 1 ms at every reading. */
function tickingClock() {
  let ms = Date.parse("2026-01-01T00:00:00.000Z");
  return { now: () => new Date(ms++) };
}

/** The stub, except for the answers `change` returns (a value or a throw). */
function editedStub(
  change: (caseId: string, step: string) => (() => unknown) | undefined,
): CalibrateOptions["transport"] {
  return ({ run }) => {
    const stub = createStubAdapter(run.scenario, run.knowledge);
    const adapter: ModelAdapter = {
      name: "edited",
      async answer(request) {
        const edit = change(request.caseId, request.step);
        if (edit === undefined) return await stub.answer(request);
        return { data: edit(), source: { name: "edited" } };
      },
    };
    return { adapter };
  };
}

Deno.test("every in-process step has a dispatch row beside its artifact", async () => {
  const scenario = await loadScenario("ptp-mock");
  await withTempDir(async (dir) => {
    await calibrate({
      scenario,
      runDir: dir,
      adapterName: "stub",
      dispatchName: "in-process",
      caseFiles: false,
      commitIntervalMs: 200,
      clock: tickingClock(),
      transport: editedStub(() => undefined),
    });
    const dispatches = rows<DispatchRecord>(dir, "dispatches");
    const artifacts = rows<Keyed>(dir, "artifacts");
    assert.equal(dispatches.length, 47);
    assert.deepEqual(dispatches.map(keyOf), artifacts.map(keyOf));
    for (const d of dispatches) {
      assert.equal(d.transport, "in-process");
      assert.equal(d.outcome, "answered");
      assert.equal(d.detail, "");
      assert.ok(
        Date.parse(d.offeredAt) < Date.parse(d.settledAt),
        JSON.stringify(d),
      );
    }
  });
});

Deno.test("a rejected answer and a failed dispatch are logged with the case's failure", async () => {
  const scenario = await loadScenario("ptp-mock");
  await withTempDir(async (dir) => {
    const { report } = await calibrate({
      scenario,
      runDir: dir,
      adapterName: "edited",
      dispatchName: "file",
      caseFiles: false,
      transport: editedStub((caseId, step) => {
        if (caseId === "C2" && step === "F0_RECALL") {
          return () => "no artifact";
        }
        if (caseId === "C5" && step === "F0_RECALL") {
          return () => {
            throw new DispatchError("timeout", "No artifact within 1s");
          };
        }
        return undefined;
      }),
    });
    const failed = report.case_results.filter((c) => c.error);
    assert.deepEqual(failed.map((c) => c.case_id), ["C2", "C5"]);
    const dispatches = rows<DispatchRecord>(dir, "dispatches");
    const artifacts = rows<Keyed>(dir, "artifacts");
    const answered = dispatches.filter((d) => d.outcome === "answered");
    assert.deepEqual(answered.map(keyOf), artifacts.map(keyOf));
    const others = dispatches.filter((d) => d.outcome !== "answered");
    assert.deepEqual(
      others.map((d) => [d.step, d.attempt, d.outcome, d.transport]),
      [
        ["F0_RECALL", 0, "rejected", "file"],
        ["F0_RECALL", 0, "failed", "file"],
      ],
    );
    assert.match(others[0].detail, /must be a JSON object/);
    assert.equal(others[1].detail, "No artifact within 1s");
    // The failure and its dispatch row share a unit: the case state that
    // says "error" is in the database with them.
    const states = rows<{ status: string; case_id: number }>(
      dir,
      "case_states",
    );
    for (const d of others) {
      assert.equal(
        states.find((s) => s.case_id === d.caseId)?.status,
        "error",
      );
    }
  });
});

Deno.test("a store failing mid-run keeps dispatch rows and artifacts in step", async () => {
  const scenario = await loadScenario("ptp-mock");
  await withTempDir(async (dir) => {
    await assert.rejects(
      calibrate({
        scenario,
        runDir: dir,
        adapterName: "stub",
        dispatchName: "in-process",
        caseFiles: false,
        openStore: faultyStore("disk full", 9),
        transport: editedStub(() => undefined),
      }),
      /Run stopped: Cannot write run store/,
    );
    const dispatches = rows<DispatchRecord>(dir, "dispatches");
    assert.equal(dispatches.length, 7, "units 2–8 were one step each");
    assert.deepEqual(
      dispatches.map(keyOf),
      rows<Keyed>(dir, "artifacts").map(keyOf),
    );
  });
});
