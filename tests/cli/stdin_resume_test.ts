/**
 * `--resume` with the stdin transport: a person answers a few prompts, the
 * input ends (Ctrl-D), and the resumed run asks only the remaining steps;
 * the result equals an uninterrupted stdin run case by case.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../../src/cli/run_cli.ts";
import type { CalibrationReport } from "../../src/core/calibration_report.ts";
import { loadScenario } from "../../src/scenario/load_scenario.ts";
import type { Scenario } from "../../src/scenario/scenario_schema.ts";
import { caseOutcomes } from "../support/case_outcome.ts";
import { terminalWithPerson } from "../support/terminal_person.ts";
import { withTempDir } from "../support/temp_dir.ts";

const PTP_MOCK_STEPS = 47;

/** Runs calibrate with a person who answers; records each (case, step). */
async function stdinRun(
  scenario: Scenario,
  runDir: string,
  args: string[],
  options: { closeAfter?: number } = {},
) {
  const asked: string[] = [];
  const t = terminalWithPerson(
    scenario,
    runDir,
    ({ caseId, step, data }) => {
      asked.push(`${caseId} ${step}`);
      return JSON.stringify(data);
    },
    options,
  );
  const code = await runCli([
    "calibrate",
    "--adapter=agent",
    `--run-dir=${runDir}`,
    "--json",
    ...args,
  ], { terminal: t.terminal });
  return { code, asked, out: t.stdout(), err: t.stderr() };
}

const counts = (asked: readonly string[]) => {
  const byStep = new Map<string, number>();
  for (const key of asked) byStep.set(key, (byStep.get(key) ?? 0) + 1);
  return [...byStep].sort(([a], [b]) => a.localeCompare(b));
};

Deno.test("a stdin run stopped after 5 answers resumes with the rest: no step asked twice, same result", async () => {
  const scenario = await loadScenario("ptp-mock");
  await withTempDir(async (dir) => {
    const whole = await stdinRun(scenario, join(dir, "whole"), []);
    assert.equal(whole.code, 0, whole.err.slice(-1000));
    assert.equal(whole.asked.length, PTP_MOCK_STEPS);
    const expected = JSON.parse(whole.out) as CalibrationReport;

    const runDir = join(dir, "run");
    const first = await stdinRun(scenario, runDir, [], { closeAfter: 5 });
    assert.equal(first.code, 1, first.err.slice(-1000));
    assert.equal(first.asked.length, 5);
    assert.match(first.err, /Standard input closed/);
    assert.match(first.err, /--resume/);

    const resumed = await stdinRun(scenario, runDir, ["--resume"]);
    assert.equal(resumed.code, 0, resumed.err.slice(-1000));
    const report = JSON.parse(resumed.out) as CalibrationReport;
    assert.equal(report.dispatch, "stdin");
    assert.deepEqual(report.steps, {
      restored: 5,
      answered: PTP_MOCK_STEPS - 5,
    });
    // Every step asked exactly as often as in the uninterrupted run.
    assert.deepEqual(
      counts([...first.asked, ...resumed.asked]),
      counts(whole.asked),
    );
    assert.deepEqual(
      caseOutcomes(report.case_results),
      caseOutcomes(expected.case_results),
    );
    assert.deepEqual(report.answers, expected.answers);
  });
});
