/**
 * Kill tests with real processes: calibrate killed with SIGKILL mid-run and
 * resumed, two calibrates on one run directory, the responder killed, a case
 * directory or the run directory removed mid-run.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../../src/cli/run_cli.ts";
import { STORE_FILE } from "../../src/runner/prepare_run_directory.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import type { CalibrationReport } from "../../src/core/calibration_report.ts";
import { caseOutcomes } from "../support/case_outcome.ts";
import { captureTerminal } from "../support/capture_terminal.ts";
import { spawnAsterisk, waitForFile } from "../support/spawned.ts";
import { withTempDir } from "../support/temp_dir.ts";
import { withDeadline } from "../support/wait_for.ts";

const PTP_MOCK_STEPS = 47;

async function inProcess(args: string[]) {
  return await cli(["calibrate", ...args]);
}

async function cli(args: string[], signal?: AbortSignal) {
  const t = captureTerminal();
  const code = await runCli(args, { terminal: t.terminal, signal });
  return { code, out: t.stdout(), err: t.stderr() };
}

let expected: Promise<ReturnType<typeof caseOutcomes>> | undefined;
/** The in-process stub's per-case lines, computed once per file. */
function expectedOutcomes() {
  expected ??= withTempDir(async (dir) => {
    const run = await inProcess(["--json", `--run-dir=${dir}`]);
    assert.equal(run.code, 0, run.err);
    return caseOutcomes(
      (JSON.parse(run.out) as CalibrationReport).case_results,
    );
  });
  return expected;
}

const respondArgs = (runDir: string) => [
  "respond",
  `--run-dir=${runDir}`,
  "--scenario=ptp-mock",
  "--debug",
];

function startResponder(runDir: string) {
  return spawnAsterisk(respondArgs(runDir));
}

const answeredLines = (lines: readonly string[]) =>
  lines.filter((line) => /^answered /.test(line));

const STACK_LINE = /^\s+at .*:\d+:\d+\)?$/m;

/** The dispatch id of a responder's `answered … (dispatch N) → …` line. */
function dispatchIdOf(line: string): number {
  const id = /\(dispatch (\d+)\)/.exec(line)?.[1];
  assert.ok(id !== undefined, `no dispatch id in ${JSON.stringify(line)}`);
  return Number(id);
}

/** How many steps the run in `runDir` took from answers found on disk. */
async function recoveredDispatches(runDir: string): Promise<number> {
  const store = SqliteStore.open({ path: join(runDir, STORE_FILE) });
  try {
    return (await store.listDispatches()).filter((d) =>
      d.outcome === "recovered"
    ).length;
  } finally {
    await store.close();
  }
}

const TRANSPORTS = [
  ["--dispatch=file", ["--dispatch=file"]],
  ["a batch-file run", [
    "--dispatch=batch-file",
    "--parallel=4",
    "--batch-size=4",
  ]],
] as const;

for (
  const [name, transport, signal] of [
    ...TRANSPORTS.map(([n, t]) => [n, t, "SIGKILL"] as const),
    ...TRANSPORTS.map(([n, t]) => [n, t, "SIGTERM"] as const),
    [...TRANSPORTS[0], "SIGINT"] as const,
  ]
) {
  Deno.test(`${signal} mid ${name}, then --resume: 20/20, nothing answered twice`, async () => {
    await withTempDir(async (dir) => {
      const runDir = join(dir, "run");
      await Deno.mkdir(runDir);
      const args = [
        "calibrate",
        ...transport,
        "--responder=external",
        `--run-dir=${runDir}`,
        "--json",
      ];
      // The responder's first sweep answers signals written before it
      // watches: both processes start at once.
      const first = startResponder(runDir);
      const killed = spawnAsterisk(args);
      await killed.waitForLine(/^\[4\/12\]/);
      killed.kill(signal);
      first.kill("SIGKILL");
      const killedStatus = await killed.status;
      if (signal === "SIGKILL") {
        assert.equal(killedStatus.signal, "SIGKILL");
      } else {
        // An interrupt ends the run cleanly: exit 130, no stack trace.
        assert.equal(killedStatus.code, 130, killed.lines.join("\n"));
        assert.doesNotMatch(killed.lines.join("\n"), STACK_LINE);
      }
      await first.status;

      // The resume is not about processes: it and its responder run here.
      // In one process, Deno 2.9's shared file watcher goes deaf on a case
      // directory once the file dispatcher closes its own watcher there, so
      // the responder finds most signals by its sweep: a 20 ms sweep instead
      // of the default 200 ms keeps the resume at ~1 s instead of ~5 s.
      const stopResponder = new AbortController();
      const second = cli(
        [...respondArgs(runDir), "--poll-interval=20ms"],
        stopResponder.signal,
      );
      let resumed;
      try {
        // The resume's dispatch ids start at its start time in microseconds
        // (src/transport/dispatch_ids.ts): a smaller id is the killed run's.
        const resumeIdsFrom = Date.now() * 1000;
        resumed = await withDeadline(
          inProcess([...args.slice(1), "--resume"]),
          "the resumed run ends",
          60_000,
        );
        // The responder stops by itself once the resumed run has ended.
        const responded = await withDeadline(
          second,
          "the responder stops after the run ended",
        );
        assert.equal(responded.code, 0, responded.err);
        assert.match(responded.err, /the run ended \(finished\); stopping/);
        assert.equal(resumed.code, 0, resumed.err);
        const report = JSON.parse(resumed.out) as CalibrationReport;
        assert.deepEqual(
          caseOutcomes(report.case_results),
          await expectedOutcomes(),
        );
        const { restored, answered } = report.steps!;
        assert.ok(restored >= 4, `restored ${restored}`);
        assert.equal(restored + answered, PTP_MOCK_STEPS);
        // The second responder may answer a signal the killed run left
        // waiting in the instant before the resume closes it: the resume
        // removes that answer and asks again (a stale answer, not a second
        // answer of a live dispatch), so such lines are left out.
        const answers = [
          ...answeredLines(first.lines),
          ...answeredLines(responded.err.split("\n")).filter((line) =>
            dispatchIdOf(line) >= resumeIdsFrom
          ),
        ];
        // Nothing answered twice (ptp-mock's paths repeat no step).
        const steps = answers.map((line) =>
          line.split(" ").slice(1, 3).join(" ")
        );
        assert.equal(new Set(steps).size, steps.length, answers.join("\n"));
        // Every step answered: by a line of a responder, or by an answer the
        // resume took from before the stop — written by the killed responder
        // (which may have died before printing its line), or accepted by the
        // killed calibrate but not committed (a SIGINT's shutdown). An answer
        // the killed responder wrote but did not print, which the killed
        // calibrate then accepted and committed, is a restored step without a
        // line: at most one per signal it could answer at once (a slot).
        const recovered = await recoveredDispatches(runDir);
        const slots = (transport as readonly string[]).includes("--parallel=4")
          ? 4
          : 1;
        assert.ok(
          answers.length <= PTP_MOCK_STEPS &&
            answers.length >= PTP_MOCK_STEPS - recovered - slots,
          `${answers.length} answered, ${recovered} recovered:\n${
            answers.join("\n")
          }`,
        );
        assert.doesNotMatch(resumed.err, STACK_LINE);
      } finally {
        stopResponder.abort();
        await withDeadline(second, "the responder stops when aborted");
      }
    });
  });
}

Deno.test("a second calibrate on a run directory exits 2 at once naming the first; the first is untouched", async () => {
  await withTempDir(async (dir) => {
    const first = spawnAsterisk([
      "calibrate",
      "--dispatch=file",
      "--responder=external",
      `--run-dir=${dir}`,
    ]);
    await first.waitForLine(/^waiting for an agent/);
    const signalPath = join(dir, "1", "1", "signal.json");
    await waitForFile(signalPath);
    const signalBefore = await Deno.readTextFile(signalPath);
    const started = performance.now();
    const second = await inProcess([`--run-dir=${dir}`]);
    const elapsed = performance.now() - started;
    assert.equal(second.code, 2);
    assert.match(
      second.err,
      new RegExp(
        `another calibrate \\(pid ${first.pid}\\) is running in it; wait for it to end or choose another --run-dir`,
      ),
    );
    assert.ok(elapsed < 1000, `second calibrate took ${elapsed} ms`);
    assert.equal(await Deno.readTextFile(signalPath), signalBefore);
    assert.match(signalBefore, /"status": "waiting"/);
    first.kill("SIGTERM");
    assert.equal((await first.status).code, 130);
  });
});

Deno.test("the auto responder killed mid-run stops the run with exit 1; --resume completes", async () => {
  await withTempDir(async (dir) => {
    const run = spawnAsterisk([
      "calibrate",
      "--dispatch=file",
      `--run-dir=${dir}`,
      "--dispatch-timeout=10m",
    ]);
    const started = await run.waitForLine(/responder started \(pid \d+\)/);
    const pid = Number(started.match(/pid (\d+)/)![1]);
    await run.waitForLine(/^\[2\/12\]/);
    const killedAt = performance.now();
    Deno.kill(pid, "SIGKILL");
    await run.waitForLine(/Run stopped: the responder/, 10_000);
    const noticed = performance.now() - killedAt;
    assert.ok(noticed < 1000, `noticed ${Math.round(noticed)} ms after`);
    const status = await run.status;
    assert.equal(status.code, 1);
    const err = run.lines.join("\n");
    assert.match(
      err,
      new RegExp(
        `Run stopped: the responder \\(pid ${pid}\\) ended unexpectedly \\(signal SIGKILL\\), so no answer will come\\. \\d+ of 12 cases finished`,
      ),
    );
    assert.doesNotMatch(err, STACK_LINE);
    const resumed = await inProcess([`--run-dir=${dir}`, "--resume", "--json"]);
    assert.equal(resumed.code, 0, resumed.err);
    const { restored, answered } = JSON.parse(resumed.out).steps;
    assert.ok(restored >= 2);
    assert.equal(restored + answered, PTP_MOCK_STEPS);
  });
});

Deno.test("a case directory removed mid-run stops the run with exit 1; --resume completes", async () => {
  await withTempDir(async (dir) => {
    // Not about processes: the run is in-process.
    const run = inProcess([
      "--dispatch=file",
      "--responder=external",
      `--run-dir=${dir}`,
    ]);
    const caseDir = join(dir, "1", "1");
    await waitForFile(join(caseDir, "signal.json"));
    await Deno.remove(caseDir, { recursive: true });
    const { code, err } = await withDeadline(run, "the run stops", 20_000);
    assert.equal(code, 1, err);
    assert.match(err, /^waiting for an agent/m);
    assert.match(
      err,
      /Run stopped: Cannot wait in '.*1' for C1 F0_RECALL \(dispatch \d+\): the case directory was removed\. 0 of 12 cases finished; every accepted step is kept in '.*run\.db'/,
    );
    assert.doesNotMatch(err, STACK_LINE);
    const resumed = await inProcess([`--run-dir=${dir}`, "--resume", "--json"]);
    assert.equal(resumed.code, 0, resumed.err);
    assert.equal(JSON.parse(resumed.out).steps.answered, PTP_MOCK_STEPS);
  });
});

Deno.test("the run directory removed mid-run stops the run with exit 1 and no stack trace", async () => {
  await withTempDir(async (dir) => {
    const runDir = join(dir, "run");
    // Not about processes: the run is in-process.
    const run = inProcess([
      "--dispatch=file",
      "--responder=external",
      `--run-dir=${runDir}`,
    ]);
    await waitForFile(join(runDir, "1", "1", "signal.json"));
    await Deno.remove(runDir, { recursive: true });
    const { code, err } = await withDeadline(run, "the run stops", 20_000);
    assert.equal(code, 1, err);
    assert.match(err, /^waiting for an agent/m);
    assert.match(err, /Run stopped: .*removed/);
    assert.doesNotMatch(err, STACK_LINE);
  });
});

Deno.test("a run directory outside the permitted paths is exit 2 before any work", async () => {
  await withTempDir(async (dir) => {
    const allowed = join(dir, "allowed");
    await Deno.mkdir(allowed);
    const outside = join(dir, "outside");
    for (
      const args of [
        ["calibrate", `--run-dir=${outside}`],
        ["respond", `--run-dir=${outside}`, "--scenario=ptp-mock"],
      ]
    ) {
      const child = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--quiet",
          "--no-prompt",
          "--allow-read",
          `--allow-write=${allowed}`,
          new URL("../../src/main.ts", import.meta.url).pathname,
          ...args,
        ],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      const err = new TextDecoder().decode(child.stderr);
      assert.equal(child.code, 2, err);
      assert.match(err, /outside the paths asterisk may write|write access/);
      assert.doesNotMatch(err, STACK_LINE);
    }
    await assert.rejects(Deno.stat(outside), Deno.errors.NotFound);
  });
});
