/**
 * A 1,000-case synthetic scenario (scripts/scale_scenario.ts) through the
 * file transport: every prompt stays within 8 KB, and the oracle's per-case
 * lines equal the in-process run's. The file run uses `--parallel=4` with the
 * auto responder (about 30 s here; serial `--dispatch=file` takes twice as
 * long). Every step writes a prompt file of its own (loops get `-loop-N`
 * names), so the prompts left in the run directory are all the prompts of the
 * run: the test checks there is one per accepted step.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { generateScaleScenario } from "../../scripts/scale_scenario.ts";
import { runCli } from "../../src/cli/run_cli.ts";
import type { CalibrationReport } from "../../src/core/calibration_report.ts";
import { caseOutcomes } from "../support/case_outcome.ts";
import { captureTerminal } from "../support/capture_terminal.ts";
import { withTempDir } from "../support/temp_dir.ts";
import { withDeadline } from "../support/wait_for.ts";

const CASES = 1000;
const PROMPT_LIMIT_BYTES = 8 * 1024;

async function calibrateJson(args: string[]): Promise<CalibrationReport> {
  const t = captureTerminal();
  const code = await runCli(
    ["calibrate", "--adapter=stub", "--json", ...args],
    {
      terminal: t.terminal,
    },
  );
  // The synthetic scenario fails M18 (its prompt tokens exceed the fixed
  // threshold): exit 1 with a report is expected, anything else is not.
  assert.ok(code === 0 || code === 1, `exit ${code}: ${t.stderr()}`);
  return JSON.parse(t.stdout()) as CalibrationReport;
}

/**
 * Sizes of every `prompt-*.md` under `dir`. Synchronous: thousands of small
 * metadata calls, each much cheaper than an awaited one.
 */
function promptSizes(dir: string): number[] {
  const sizes: number[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) sizes.push(...promptSizes(path));
    else if (/^prompt-.*\.md$/.test(entry.name)) {
      sizes.push(Deno.statSync(path).size);
    }
  }
  return sizes;
}

Deno.test("1,000 cases through the file transport: prompts ≤ 8 KB, per-case lines equal in-process", async () => {
  await withTempDir(async (dir) => {
    const scenario = join(dir, "scale-1000.json");
    await Deno.writeTextFile(
      scenario,
      JSON.stringify(generateScaleScenario({ cases: CASES })),
    );
    const inProcess = await calibrateJson([
      `--scenario=${scenario}`,
      `--run-dir=${join(dir, "in-process")}`,
    ]);
    const runDir = join(dir, "file");
    const file = await withDeadline(
      calibrateJson([
        `--scenario=${scenario}`,
        "--dispatch=file",
        "--parallel=4",
        "--responder=auto",
        `--run-dir=${runDir}`,
      ]),
      "the 1,000-case file run ends",
      180_000,
    );
    assert.equal(file.case_results.length, CASES);
    assert.deepEqual(
      caseOutcomes(file.case_results),
      caseOutcomes(inProcess.case_results),
    );

    const sizes = promptSizes(runDir);
    const steps = file.steps!.answered;
    assert.equal(sizes.length, steps, "one prompt file per accepted step");
    assert.ok(steps >= 3 * CASES, `${steps} steps`);
    const largest = Math.max(...sizes);
    assert.ok(
      largest <= PROMPT_LIMIT_BYTES,
      `largest prompt ${largest} bytes, expected at most ${PROMPT_LIMIT_BYTES}`,
    );
  });
});
