/**
 * Durable runs through the CLI: unfinished runs are never deleted silently,
 * `--resume` continues from the store, settings come back from it, and the
 * environment is checked before any work.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../../src/cli/run_cli.ts";
import type { CalibrationReport } from "../../src/core/calibration_report.ts";
import type { CalibrateOptions } from "../../src/runner/calibrate.ts";
import { caseOutcomes } from "../support/case_outcome.ts";
import { captureTerminal } from "../support/capture_terminal.ts";
import { faultyStore, SQLITE_FAULTS } from "../support/faulty_store.ts";
import { withTempDir } from "../support/temp_dir.ts";

/** Steps of an uninterrupted ptp-mock run. */
const PTP_MOCK_STEPS = 47;

interface Outcome {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

async function calibrate(
  args: string[],
  openStore?: CalibrateOptions["openStore"],
): Promise<Outcome> {
  const t = captureTerminal();
  const code = await runCli(["calibrate", ...args], {
    terminal: t.terminal,
    openStore,
  });
  return { code, out: t.stdout(), err: t.stderr() };
}

function report(outcome: Outcome): CalibrationReport {
  assert.equal(outcome.code, 0, outcome.err);
  return JSON.parse(outcome.out);
}

/** No stack trace reached the user. */
function assertNoStackTrace(text: string): void {
  assert.doesNotMatch(text, /^\s+at .*:\d+:\d+\)?$/m);
}

let clean: Promise<ReturnType<typeof caseOutcomes>> | undefined;
/** The per-case lines of an uninterrupted in-process run, once per file. */
function cleanOutcomes() {
  clean ??= withTempDir(async (dir) =>
    caseOutcomes(
      report(await calibrate(["--json", `--run-dir=${dir}`])).case_results,
    )
  );
  return clean;
}

Deno.test("a fresh ptp-mock run reports 0 restored and 47 answered steps", async () => {
  await withTempDir(async (dir) => {
    const fresh = report(await calibrate(["--json", `--run-dir=${dir}`]));
    assert.deepEqual(fresh.steps, { restored: 0, answered: PTP_MOCK_STEPS });
    // A finished run is replaced as before.
    const again = report(await calibrate(["--json", `--run-dir=${dir}`]));
    assert.deepEqual(again.steps, { restored: 0, answered: PTP_MOCK_STEPS });
    // Resuming a finished run answers nothing and reports the same.
    const resumed = report(
      await calibrate(["--json", "--resume", `--run-dir=${dir}`]),
    );
    assert.deepEqual(resumed.steps, {
      restored: PTP_MOCK_STEPS,
      answered: 0,
    });
    assert.deepEqual(
      caseOutcomes(resumed.case_results),
      caseOutcomes(fresh.case_results),
    );
  });
});

for (
  const fault of Object.keys(SQLITE_FAULTS) as (keyof typeof SQLITE_FAULTS)[]
) {
  Deno.test(`${fault} mid-run stops with exit 1, keeps accepted steps, and --resume completes`, async () => {
    await withTempDir(async (dir) => {
      const runDir = join(dir, "run");
      const args = ["--dispatch=file", `--run-dir=${runDir}`, "--json"];
      // Transaction 1 scaffolds the run; the 9th write fails.
      const stopped = await calibrate(args, faultyStore(fault, 9));
      assert.equal(stopped.code, 1, stopped.err);
      assert.match(
        stopped.err,
        new RegExp(
          `Run stopped: Cannot write run store '.*run\\.db': ${
            SQLITE_FAULTS[fault]
          }\\. \\d+ of 12 cases finished; every accepted step is kept in '.*run\\.db'; fix the cause and run again with --resume`,
        ),
      );
      assertNoStackTrace(stopped.err);
      assert.equal(stopped.out, "", "no report for a stopped run");

      const refused = await calibrate(args);
      assert.equal(refused.code, 2);
      assert.match(
        refused.err,
        /holds an unfinished run; pass --resume to continue it, or --clean to delete it/,
      );

      const resumed = report(await calibrate([...args, "--resume"]));
      assert.ok(resumed.steps!.restored >= 7, JSON.stringify(resumed.steps));
      assert.equal(
        resumed.steps!.restored + resumed.steps!.answered,
        PTP_MOCK_STEPS,
      );
      assert.deepEqual(
        caseOutcomes(resumed.case_results),
        await cleanOutcomes(),
      );
    });
  });
}

Deno.test("--clean deletes an unfinished run and says what it removed", async () => {
  await withTempDir(async (dir) => {
    const args = [`--run-dir=${dir}`, "--dispatch=file"];
    assert.equal((await calibrate(args, faultyStore("I/O error", 4))).code, 1);
    // The fresh run is in-process: --clean does not depend on the transport.
    const cleaned = await calibrate([`--run-dir=${dir}`, "--clean", "--json"]);
    assert.equal(cleaned.code, 0, cleaned.err);
    assert.match(
      cleaned.err,
      /--clean removed the unfinished run in .*: (.*, )?run\.db/,
    );
    assert.deepEqual(JSON.parse(cleaned.out).steps, {
      restored: 0,
      answered: PTP_MOCK_STEPS,
    });
  });
});

Deno.test("--resume takes the run's settings; a contradicting flag is exit 2 naming both", async () => {
  await withTempDir(async (dir) => {
    const args = [`--run-dir=${dir}`, "--dispatch=file", "--parallel=2"];
    assert.equal((await calibrate(args, faultyStore("disk full", 6))).code, 1);
    const contradicted = await calibrate([
      `--run-dir=${dir}`,
      "--resume",
      "--parallel=3",
    ]);
    assert.equal(contradicted.code, 2);
    assert.match(
      contradicted.err,
      /Cannot resume with --parallel='3': the run in '.*' was started with --parallel='2'; expected the same value or no --parallel/,
    );
    const resumed = await calibrate([`--run-dir=${dir}`, "--resume", "--json"]);
    const parsed = report(resumed);
    assert.equal(parsed.dispatch, "file");
    assert.equal(
      parsed.steps!.restored + parsed.steps!.answered,
      PTP_MOCK_STEPS,
    );
  });
});

Deno.test("--resume with nothing to resume, or with --clean, is exit 2", async () => {
  await withTempDir(async (dir) => {
    const missing = await calibrate([
      `--run-dir=${join(dir, "none")}`,
      "--resume",
    ]);
    assert.equal(missing.code, 2);
    assert.match(
      missing.err,
      /Cannot resume in run directory '.*none': it does not exist/,
    );
    const both = await calibrate([`--run-dir=${dir}`, "--resume", "--clean"]);
    assert.equal(both.code, 2);
    assert.match(both.err, /Cannot use --resume with --clean/);
  });
});

Deno.test("environment checks before any work: run dir a file, unwritable --report", async () => {
  await withTempDir(async (dir) => {
    const file = join(dir, "file");
    await Deno.writeTextFile(file, "x");
    const asFile = await calibrate([`--run-dir=${file}`]);
    assert.equal(asFile.code, 2);
    assert.match(
      asFile.err,
      /Cannot use run directory '.*file': it is a file; expected a directory/,
    );
    assertNoStackTrace(asFile.err);

    const runDir = join(dir, "run");
    const badReport = await calibrate([
      `--run-dir=${runDir}`,
      `--report=${join(dir, "no", "such", "report.json")}`,
    ]);
    assert.equal(badReport.code, 2);
    assert.match(
      badReport.err,
      /Cannot write '.*report\.json': its directory does not exist/,
    );
    await assert.rejects(
      Deno.stat(runDir),
      Deno.errors.NotFound,
      "no work done",
    );
    const dirReport = await calibrate([
      `--run-dir=${runDir}`,
      `--report=${dir}`,
    ]);
    assert.equal(dirReport.code, 2);
    assert.match(dirReport.err, /it is a directory/);
  });
});

Deno.test("a lock left by a calibrate that is gone is taken over with a notice", async () => {
  await withTempDir(async (dir) => {
    assert.equal((await calibrate([`--run-dir=${dir}`])).code, 0);
    // A holder killed with -9 leaves its pid file; its lock died with it.
    await Deno.writeTextFile(join(dir, "calibrate.pid"), "999999\n");
    const next = await calibrate([`--run-dir=${dir}`]);
    assert.equal(next.code, 0, next.err);
    assert.match(
      next.err,
      /took over the lock .* from pid 999999, which is no longer running/,
    );
  });
});

Deno.test("--resume --responder=auto without --dispatch checks the stored transport", async () => {
  await withTempDir(async (dir) => {
    const fileRun = join(dir, "file");
    const fileArgs = [`--run-dir=${fileRun}`, "--dispatch=file"];
    assert.equal(
      (await calibrate(fileArgs, faultyStore("disk full", 6))).code,
      1,
    );
    const resumed = report(
      await calibrate([
        `--run-dir=${fileRun}`,
        "--resume",
        "--responder=auto",
        "--json",
      ]),
    );
    assert.equal(resumed.dispatch, "file");
    assert.ok(resumed.steps!.restored > 0, JSON.stringify(resumed.steps));
    assert.equal(
      resumed.steps!.restored + resumed.steps!.answered,
      PTP_MOCK_STEPS,
    );

    // A run stored without a file transport still refuses the responder.
    // (The in-process path groups its steps: write 2 is the first group.)
    const inProcess = join(dir, "in-process");
    assert.equal(
      (await calibrate([`--run-dir=${inProcess}`], faultyStore("disk full", 2)))
        .code,
      1,
    );
    const refused = await calibrate([
      `--run-dir=${inProcess}`,
      "--resume",
      "--responder=auto",
    ]);
    assert.equal(refused.code, 2);
    assert.match(
      refused.err,
      /Cannot use --responder='auto': a responder needs --dispatch=file or --dispatch=batch-file/,
    );
  });
});
