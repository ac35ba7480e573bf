import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../../src/cli/run_cli.ts";
import type { CalibrationReport } from "../../src/core/calibration_report.ts";
import { captureTerminal } from "../support/capture_terminal.ts";
import { withTempDir } from "../support/temp_dir.ts";
import ptpMock from "../../src/scenario/data/ptp_mock.json" with {
  type: "json",
};
import { writeProbePath } from "../../src/util/check_writable.ts";

Deno.test("calibrate prints the report and exits 0 when every metric passes", async () => {
  await withTempDir(async (dir) => {
    const t = captureTerminal();
    const code = await runCli(["calibrate", `--run-dir=${dir}`], {
      terminal: t.terminal,
    });
    assert.equal(code, 0);
    assert.match(t.stdout(), /^=== Asterisk Calibration Report ===/);
    assert.match(
      t.stdout(),
      /RESULT: PASS \(20\/20 metrics within threshold\)/,
    );
    assert.match(t.stderr(), /\[12\/12\] C12 F0→F1→F3→F4/);
  });
});

Deno.test("calibrate --json prints the JSON report and --report writes it", async () => {
  await withTempDir(async (dir) => {
    const t = captureTerminal();
    const reportFile = join(dir, "report.json");
    const code = await runCli([
      "calibrate",
      `--run-dir=${join(dir, "run")}`,
      "--json",
      "--report",
      reportFile,
    ], { terminal: t.terminal });
    assert.equal(code, 0);
    const printed: CalibrationReport = JSON.parse(t.stdout());
    const written: CalibrationReport = JSON.parse(
      await Deno.readTextFile(reportFile),
    );
    assert.deepEqual(printed, written);
    assert.equal(printed.scenario, "ptp-mock");
    assert.equal(printed.case_results.length, 12);
    assert.deepEqual(Object.keys(printed.metrics), [
      "structured",
      "workspace",
      "evidence",
      "semantic",
      "pipeline",
      "aggregate",
    ]);
  });
});

Deno.test("calibrate exits 1 when a metric fails", async () => {
  await withTempDir(async (dir) => {
    const scenario = structuredClone(ptpMock);
    scenario.rcas[0].defect_type = "ab001"; // R1 cases now score wrong
    const file = join(dir, "mutated.json");
    await Deno.writeTextFile(file, JSON.stringify(scenario));
    const t = captureTerminal();
    const code = await runCli([
      "calibrate",
      `--scenario=${file}`,
      `--run-dir=${join(dir, "run")}`,
    ], { terminal: t.terminal });
    assert.equal(code, 1);
    assert.match(t.stdout(), /RESULT: FAIL \(1[0-9]\/20 metrics/);
    assert.match(
      t.stdout(),
      /M1 +defect_type_accuracy +0\.36 ✗ ≥0\.80 +4\/11 of cases with a GT RCA/,
    );
  });
});

Deno.test("calibrate exits 2 with a clear message for bad input", async () => {
  await withTempDir(async (dir) => {
    const badScenario = join(dir, "bad.json");
    await Deno.writeTextFile(
      badScenario,
      JSON.stringify({ name: "x", cases: [{ id: "C1" }] }),
    );
    const cases: [string[], RegExp][] = [
      [["calibrate", "--bogus"], /unknown option '--bogus'/],
      [["calibrate", "--runs=0"], /argument '0' is invalid/],
      [
        ["calibrate", "--adapter=gpt"],
        /Allowed choices are stub, basic, agent/,
      ],
      [["calibrate", "extra"], /too many arguments/],
      [["nonsense"], /unknown command 'nonsense'/],
      [
        ["calibrate", "--scenario=daemon-mock"],
        /Cannot load scenario 'daemon-mock': no built-in scenario has this name; expected one of 'ptp-mock'/,
      ],
      [
        ["calibrate", `--scenario=${join(dir, "missing.json")}`],
        /missing\.json': file not found/,
      ],
      [
        ["calibrate", `--scenario=${badScenario}`],
        /field 'cases\[0\]\.version' is missing; expected a string/,
      ],
      [["calibrate", "--recall-hit=2"], /expected a number between 0 and 1/],
      [
        ["calibrate", "--cost-report"],
        /--cost-report with the in-process stub: it dispatches nothing to measure/,
      ],
      [
        ["calibrate", "--dispatch=stdin"],
        /--dispatch='stdin' with --adapter=stub/,
      ],
      [
        ["calibrate", "--adapter=agent", "--responder=auto", "--dispatch=file"],
        /--responder=auto with --adapter=agent/,
      ],
      [["calibrate", "--responder=auto"], /a responder needs --dispatch=file/],
      [
        ["calibrate", "--adapter=agent"],
        /--dispatch=stdin: standard input is not a terminal, so nobody can answer/,
      ],
      [["calibrate", "--dispatch-timeout=0"], /expected a positive duration/],
      [
        ["calibrate", "--dispatch-timeout=600"],
        /'600' has no unit; expected a duration such as '600ms' or '600s'/,
      ],
      [["calibrate", "--poll-interval=20"], /'20' has no unit/],
      [
        ["calibrate", "--recall-uncertain=0.9"],
        /threshold 'recallUncertain' = 0\.9: expected at most 'recallHit'/,
      ],
    ];
    for (const [args, message] of cases) {
      const t = captureTerminal();
      const code = await runCli([...args, `--run-dir=${join(dir, "run")}`], {
        terminal: t.terminal,
      });
      assert.equal(code, 2, args.join(" "));
      assert.match(t.stderr(), message, args.join(" "));
      assert.equal(t.stdout(), "", args.join(" "));
    }
  });
});

Deno.test("calibrate refuses to overwrite a directory it did not write", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "precious.txt"), "keep me");
    const t = captureTerminal();
    const code = await runCli(["calibrate", `--run-dir=${dir}`], {
      terminal: t.terminal,
    });
    assert.equal(code, 2);
    assert.match(t.stderr(), /is not empty and holds no run\.json/);
    assert.equal(await Deno.readTextFile(join(dir, "precious.txt")), "keep me");
  });
});

Deno.test("calibrate takes an empty run directory in which a responder is checking that it may write", async () => {
  await withTempDir(async (dir) => {
    // A responder started at the same moment: its probe file exists for the
    // instant calibrate lists the directory (this once failed the kill
    // tests: "it is not empty and holds no run.json").
    await Deno.writeTextFile(writeProbePath(dir), "");
    const t = captureTerminal();
    const code = await runCli(["calibrate", `--run-dir=${dir}`], {
      terminal: t.terminal,
    });
    assert.equal(code, 0, t.stderr());
    assert.match(t.stdout(), /RESULT: PASS/);
  });
});

Deno.test("calibrate --no-clean refuses to mix runs; --clean replaces the run", async () => {
  await withTempDir(async (dir) => {
    const run = (args: string[]) => {
      const t = captureTerminal();
      return runCli(["calibrate", `--run-dir=${dir}`, ...args], {
        terminal: t.terminal,
      }).then((code) => ({ code, err: t.stderr() }));
    };
    assert.equal((await run([])).code, 0);
    const refused = await run(["--no-clean"]);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /holds an earlier run; pass --clean/);
    assert.equal((await run(["--clean=false"])).code, 2);
    assert.equal((await run(["--clean"])).code, 0);
  });
});

Deno.test("an aborted calibration exits 130, says so, and names the command that continues it", async () => {
  await withTempDir(async (dir) => {
    const t = captureTerminal();
    const controller = new AbortController();
    controller.abort(new Error("Interrupted"));
    const code = await runCli(["calibrate", `--run-dir=${dir}`], {
      terminal: t.terminal,
      signal: controller.signal,
    });
    assert.equal(code, 130);
    assert.match(t.stderr(), /Interrupted/);
    assert.ok(
      t.stderr().endsWith(
        `continue it with: deno task asterisk calibrate --resume --run-dir=${dir}\n`,
      ),
      t.stderr(),
    );
  });
});

Deno.test("--help describes calibrate's flags and exits 0", async () => {
  const t = captureTerminal();
  const code = await runCli(["calibrate", "--help"], { terminal: t.terminal });
  assert.equal(code, 0);
  for (
    const flag of [
      "--scenario",
      "--adapter",
      "--dispatch",
      "--runs",
      "--parallel",
      "--batch-size",
      "--token-budget",
      "--report",
      "--json",
      "--recall-hit",
    ]
  ) {
    assert.ok(t.stdout().includes(flag), flag);
  }
});

Deno.test("a RangeError from inside the run (a stack overflow) is not a usage error", async () => {
  await withTempDir(async (dir) => {
    const t = captureTerminal();
    const run = runCli(
      ["calibrate", `--run-dir=${join(dir, "run")}`],
      {
        terminal: t.terminal,
        openStore: () => {
          throw new RangeError("Maximum call stack size exceeded");
        },
      },
    );
    // Not exit 2: the error is a bug and reaches the top level as one.
    await assert.rejects(run, /Maximum call stack size exceeded/);
  });
});
