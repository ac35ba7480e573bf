/**
 * Repairs, flags and rejections are kept in run.db with each step, so a
 * resumed run's report counts the same answers section as an uninterrupted
 * run.
 */
import assert from "node:assert/strict";
import { createStubAdapter } from "../../src/adapter/stub_adapter.ts";
import type { ModelAdapter } from "../../src/adapter/model_adapter.ts";
import type { CalibrationReport } from "../../src/core/calibration_report.ts";
import {
  calibrate,
  type CalibrateOptions,
} from "../../src/runner/calibrate.ts";
import { loadScenario } from "../../src/scenario/load_scenario.ts";
import type { Scenario } from "../../src/scenario/scenario_schema.ts";
import { faultyStore } from "../support/faulty_store.ts";
import { withTempDir } from "../support/temp_dir.ts";

type Data = Record<string, unknown>;

/** Payload changes by `case:step`: flagged values and a rejected answer. */
const EDITS: Record<string, (data: Data) => Data> = {
  "C4:F1_TRIAGE": (d) => ({ ...d, symptom_category: "produkt" }),
  "C8:F0_RECALL": (d) => ({ ...d, symptom_id: 999 }),
  "C12:F0_RECALL": (d) => ({ ...d, confidence: 7 }),
};

/** Repairs the "transport" reports by `case:step`. */
const REPAIRS: Record<string, { kind: "bom" | "prose"; detail: string }> = {
  "C1:F0_RECALL": { kind: "bom", detail: "byte order mark removed" },
  "C1:F1_TRIAGE": { kind: "prose", detail: "answer read from the prose" },
  "C10:F0_RECALL": { kind: "prose", detail: "answer read from the prose" },
};

function leniencyTransport(): CalibrateOptions["transport"] {
  return ({ run }) => {
    const stub = createStubAdapter(run.scenario, run.knowledge);
    const adapter: ModelAdapter = {
      name: "lenient",
      async answer(request) {
        const answer = await stub.answer(request);
        const key = `${request.caseId}:${request.step}`;
        const repair = REPAIRS[key];
        return {
          ...answer,
          data: EDITS[key]?.(answer.data as Data) ?? answer.data,
          ...(repair ? { repairs: [repair] } : {}),
        };
      },
    };
    return { adapter };
  };
}

function run(
  scenario: Scenario,
  runDir: string,
  extra: Partial<CalibrateOptions> = {},
) {
  return calibrate({
    scenario,
    runDir,
    adapterName: "lenient",
    dispatchName: "file",
    caseFiles: false,
    transport: leniencyTransport(),
    ...extra,
  });
}

function answersOf(report: CalibrationReport) {
  return {
    answers: report.answers,
    notes: report.case_results.map((c) => [c.case_id, c.answer_notes ?? []]),
  };
}

Deno.test("a resumed run counts the same repairs, flags and rejections as an uninterrupted one", async () => {
  const scenario = await loadScenario("ptp-mock");
  await withTempDir(async (dir) => {
    const { report: whole } = await run(scenario, `${dir}/whole`);
    const expected = answersOf(whole);
    assert.deepEqual(
      { ...expected.answers, as_written: 0 },
      {
        as_written: 0,
        repaired: 3,
        flagged: 2,
        rejected: 1,
        repairs: { bom: 1, prose: 2 },
        flags: { "unknown-value": 1, "unknown-id": 1 },
      },
    );

    const runDir = `${dir}/resumed`;
    // Write 1 scaffolds the run; every step is one write: the run stops
    // after C1's answers, before C8's, C10's and C12's.
    await assert.rejects(
      run(scenario, runDir, { openStore: faultyStore("I/O error", 14) }),
      /Run stopped/,
    );
    const { report: resumed } = await run(scenario, runDir, { resume: true });
    assert.ok(resumed.steps!.restored >= 12, JSON.stringify(resumed.steps));
    assert.ok(resumed.steps!.answered > 0, JSON.stringify(resumed.steps));
    assert.deepEqual(answersOf(resumed), expected);
  });
});
