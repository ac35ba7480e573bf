/**
 * The basic heuristic agent: the same per-case outcome in-process and through
 * `asterisk respond --agent=basic` over the file transports, and no access to
 * the ground truth.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../../src/cli/run_cli.ts";
import type { CalibrationReport } from "../../src/core/calibration_report.ts";
import { formatCaseLine } from "../../src/report/format_report.ts";
import { captureTerminal } from "../support/capture_terminal.ts";
import { caseOutcomes } from "../support/case_outcome.ts";
import { withTempDir } from "../support/temp_dir.ts";

async function calibrateJson(
  args: string[],
): Promise<{ code: number; report: CalibrationReport; stderr: string }> {
  const t = captureTerminal();
  const code = await runCli(["calibrate", "--json", ...args], {
    terminal: t.terminal,
  });
  return { code, report: JSON.parse(t.stdout()), stderr: t.stderr() };
}

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
      file.report.case_results.map(formatCaseLine),
      inProcess.report.case_results.map(formatCaseLine),
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
