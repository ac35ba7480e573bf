/**
 * The basic heuristic agent: the same per-case outcome in-process and through
 * `asterisk respond --agent=basic` over the file transports, and no access to
 * the ground truth.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { CalibrationReport } from "../../src/core/calibration_report.ts";
import { formatCaseLine } from "../../src/report/format_report.ts";
import { caseOutcomes } from "../support/case_outcome.ts";
import { calibrateJson } from "../support/calibrate_json.ts";
import { withTempDir } from "../support/temp_dir.ts";
import {
  HAS_UPSTREAM_DATASETS,
  UPSTREAM_DATASETS,
  upstreamDataset,
} from "../support/upstream_datasets.ts";

Deno.test("--adapter=basic gives the same per-case lines in-process and through respond --agent=basic", async () => {
  await withTempDir(async (dir) => {
    const inProcess = await calibrateJson([
      "--adapter=basic",
      `--run-dir=${join(dir, "in-process")}`,
    ]);
    assert.equal(inProcess.report.adapter, "basic");
    const file = await calibrateJson([
      "--adapter=basic",
      "--dispatch=file",
      `--run-dir=${join(dir, "file")}`,
    ]);
    assert.match(file.stderr, /responder started/);
    assert.equal(file.report.adapter, "basic");
    assert.equal(file.report.dispatch, "file");
    assert.deepEqual(
      file.report.case_results.map((c) => formatCaseLine(c)),
      inProcess.report.case_results.map((c) => formatCaseLine(c)),
    );
    assert.deepEqual(
      caseOutcomes(file.report.case_results),
      caseOutcomes(inProcess.report.case_results),
    );
    // Every metric but M18, which the file transport measures.
    const scores = (r: CalibrationReport) =>
      Object.values(r.metrics).flat().filter((m) => m.id !== "M18");
    assert.deepEqual(scores(file.report), scores(inProcess.report));
    // Not the oracle: some answers are wrong.
    assert.ok(inProcess.report.case_results.some((c) => !c.path_correct));
  });
});

Deno.test("--adapter=basic never reads the ground truth", async () => {
  await withTempDir(async (dir) => {
    const scenario = JSON.parse(
      await Deno.readTextFile(
        new URL("../../src/scenario/data/ptp_mock.json", import.meta.url),
      ),
    );
    // Every expected answer and hint replaced; the failures kept as they are.
    for (const c of scenario.cases) {
      c.expected_path = ["F0", "F5", "F6"];
      delete c.expected_recall;
      delete c.expected_triage;
      delete c.expected_resolve;
      delete c.expected_invest;
      delete c.expected_correlate;
      c.expect_recall_hit = !c.expect_recall_hit;
    }
    for (const r of scenario.rcas) {
      r.defect_type = "zz999";
      r.component = "nothing";
    }
    for (const repo of scenario.workspace.repos) {
      repo.relevant_to_rcas = [];
      repo.is_red_herring = !repo.is_red_herring;
    }
    const path = join(dir, "blind.json");
    await Deno.writeTextFile(path, JSON.stringify(scenario));
    const original = await calibrateJson([
      "--adapter=basic",
      `--run-dir=${join(dir, "a")}`,
    ]);
    const blind = await calibrateJson([
      "--adapter=basic",
      `--scenario=${path}`,
      `--run-dir=${join(dir, "b")}`,
    ]);
    assert.deepEqual(
      caseOutcomes(blind.report.case_results),
      caseOutcomes(original.report.case_results),
    );
  });
});

/** M3 (recall hit rate) of a report. */
function recallRate(report: CalibrationReport): number | undefined {
  return Object.values(report.metrics).flat().find((m) => m.id === "M3")
    ?.value;
}

Deno.test("--adapter=basic: serial, --parallel=4 and batch-file through respond --agent=basic agree case by case", async () => {
  await withTempDir(async (dir) => {
    const serial = await calibrateJson([
      "--adapter=basic",
      `--run-dir=${join(dir, "serial")}`,
    ]);
    const parallel = await calibrateJson([
      "--adapter=basic",
      "--parallel=4",
      `--run-dir=${join(dir, "parallel")}`,
    ]);
    const batch = await calibrateJson([
      "--adapter=basic",
      "--dispatch=batch-file",
      "--parallel=4",
      "--batch-size=4",
      `--run-dir=${join(dir, "batch")}`,
    ]);
    for (const other of [parallel, batch]) {
      assert.deepEqual(
        other.report.case_results.map((c) => formatCaseLine(c)),
        serial.report.case_results.map((c) => formatCaseLine(c)),
        other.stderr,
      );
      assert.deepEqual(
        caseOutcomes(other.report.case_results),
        caseOutcomes(serial.report.case_results),
      );
      assert.equal(recallRate(other.report), recallRate(serial.report));
    }
    // Recall is what parallel runs used to lose: the baseline hits.
    assert.ok(recallRate(serial.report)! > 0.5);
  });
});

for (const name of UPSTREAM_DATASETS) {
  Deno.test({
    name:
      `--adapter=basic: --parallel=4 equals serial on the Go dataset '${name}'`,
    ignore: !HAS_UPSTREAM_DATASETS,
    async fn() {
      await withTempDir(async (dir) => {
        const scenario = `--scenario=${upstreamDataset(name)}`;
        const serial = await calibrateJson([
          "--adapter=basic",
          scenario,
          `--run-dir=${join(dir, "serial")}`,
        ]);
        const parallel = await calibrateJson([
          "--adapter=basic",
          scenario,
          "--parallel=4",
          `--run-dir=${join(dir, "parallel")}`,
        ]);
        assert.deepEqual(
          caseOutcomes(parallel.report.case_results),
          caseOutcomes(serial.report.case_results),
        );
        assert.equal(recallRate(parallel.report), recallRate(serial.report));
      });
    },
  });
}
