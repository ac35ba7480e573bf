/**
 * A batch-file run whose live manifest can no longer be written (its place
 * taken, as by a full disk or a removed directory) stops within a second with
 * exit 1 and the message, never waiting for the dispatch timeout; `--resume`
 * then completes.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { runCli } from "../../src/cli/run_cli.ts";
import type { CalibrationReport } from "../../src/core/calibration_report.ts";
import { groundTruthAnswer } from "../../src/adapter/ground_truth.ts";
import { startResponder } from "../../src/responder/responder.ts";
import { loadScenario } from "../../src/scenario/load_scenario.ts";
import { MANIFEST_FILE } from "../../src/transport/batch_manifest.ts";
import { caseOutcomes } from "../support/case_outcome.ts";
import { captureTerminal } from "../support/capture_terminal.ts";
import { withTempDir } from "../support/temp_dir.ts";
import { withDeadline } from "../support/wait_for.ts";

const PTP_MOCK_STEPS = 47;

async function calibrate(args: string[]) {
  const t = captureTerminal();
  const code = await runCli(["calibrate", ...args], { terminal: t.terminal });
  return { code, out: t.stdout(), err: t.stderr() };
}

/**
 * Puts a directory where the file at `path` is, so that renaming a file
 * over it fails (a write of the file may land in between: try again).
 */
async function occupy(path: string): Promise<void> {
  for (let attempt = 1;; attempt++) {
    await Deno.remove(path).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
    try {
      await Deno.mkdir(path);
      return;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists) || attempt >= 100) {
        throw error;
      }
    }
  }
}

Deno.test("a batch manifest that cannot be written stops the run within a second; --resume completes", async () => {
  const scenario = await loadScenario("ptp-mock");
  await withTempDir(async (dir) => {
    const stub = await calibrate(["--json", `--run-dir=${join(dir, "stub")}`]);
    assert.equal(stub.code, 0, stub.err);
    const expected = caseOutcomes(
      (JSON.parse(stub.out) as CalibrationReport).case_results,
    );

    const runDir = join(dir, "run");
    let manifestPath: string | undefined;
    let brokeAt = 0;
    const held: (() => void)[] = [];
    const responder = startResponder({
      runDir,
      scenario,
      pollIntervalMs: 20,
      answerer: async ({ signal, knowledge }) => {
        const answer = () =>
          groundTruthAnswer(
            scenario,
            { caseId: signal.case_id, step: signal.step },
            knowledge,
          );
        // The first triage breaks the manifest and is answered; the later
        // ones wait, as agents that find no manifest would. A triage is
        // dispatched only after its case's recall was committed, so the
        // store holds accepted steps when the run stops (breaking at a
        // recall of the first batch raced the first commit: restored 0).
        if (signal.step !== "F1_TRIAGE") return await answer();
        if (manifestPath === undefined) {
          manifestPath = join(
            dirname(dirname(signal.artifact_path)),
            MANIFEST_FILE,
          );
          await occupy(manifestPath);
          brokeAt = performance.now();
          return await answer();
        }
        await new Promise<void>((resolve) => held.push(resolve));
        return undefined;
      },
    });
    const args = [
      "--dispatch=batch-file",
      "--parallel=4",
      "--batch-size=4",
      "--dispatch-timeout=10m",
      `--run-dir=${runDir}`,
      "--json",
    ];
    let stopped;
    try {
      stopped = await withDeadline(
        calibrate([...args, "--responder=external"]),
        "the run stops",
        30_000,
      );
    } finally {
      const stopping = responder.stop();
      for (const release of held) release();
      await stopping;
    }
    const elapsed = performance.now() - brokeAt;
    assert.ok(manifestPath, "the manifest was broken");
    assert.equal(stopped.code, 1, stopped.err);
    assert.match(
      stopped.err,
      /Run stopped: Cannot write batch manifest '.*batch-manifest\.json' of batch \d+: .*\. \d+ of 12 cases finished; every accepted step is kept in '.*run\.db'; fix the cause and run again with --resume/,
    );
    assert.doesNotMatch(stopped.err, /^\s+at .*:\d+:\d+\)?$/m);
    assert.equal(stopped.out, "", "no report for a stopped run");
    assert.ok(elapsed < 1000, `stopped ${Math.round(elapsed)} ms after`);

    // The cause fixed, the run resumes with the auto responder.
    await Deno.remove(manifestPath);
    const resumed = await calibrate([
      `--run-dir=${runDir}`,
      "--resume",
      "--responder=auto",
      "--json",
    ]);
    assert.equal(resumed.code, 0, resumed.err);
    const report = JSON.parse(resumed.out) as CalibrationReport;
    assert.equal(report.dispatch, "batch-file");
    assert.deepEqual(caseOutcomes(report.case_results), expected);
    const { restored, answered } = report.steps!;
    assert.ok(restored > 0, `restored ${restored}`);
    assert.equal(restored + answered, PTP_MOCK_STEPS);
  });
});
