/**
 * Terminal progress: on a TTY a live status line (cases done/total, steps,
 * steps in flight, elapsed time) redrawn on the timer seam while an agent
 * works, under per-case lines that stay; on a pipe plain lines only.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createStubAdapter } from "../../src/adapter/stub_adapter.ts";
import { runCli } from "../../src/cli/run_cli.ts";
import { calibrate } from "../../src/runner/calibrate.ts";
import type { RunEvent } from "../../src/runner/run_event.ts";
import { loadScenario } from "../../src/scenario/load_scenario.ts";
import { FakeTime } from "../../src/util/fake_time.ts";
import { captureTerminal } from "../support/capture_terminal.ts";
import { withTempDir } from "../support/temp_dir.ts";

const CLEAR_LINE = "\r\x1b[2K";

/**
 * What a person sees: stderr replayed on a screen where `\r\x1b[2K` clears
 * the current line and `\n` starts a new one.
 */
function screen(stderr: string): string[] {
  const lines = [""];
  // deno-lint-ignore no-control-regex
  for (const part of stderr.split(/(\r\x1b\[2K|\n)/)) {
    if (part === CLEAR_LINE) lines[lines.length - 1] = "";
    else if (part === "\n") lines.push("");
    else lines[lines.length - 1] += part;
  }
  return lines;
}

const START: RunEvent = {
  type: "run-start",
  run: 1,
  runs: 1,
  scenario: "ptp-mock",
  cases: 12,
  runDir: "/tmp/run",
};

Deno.test("live: the status line counts cases, steps and steps in flight, and its clock runs while an agent works", async () => {
  const time = new FakeTime();
  const t = captureTerminal(true, undefined, { clock: time, throttleMs: 0 });
  t.terminal.progress(START);
  t.terminal.progress({
    type: "step-dispatched",
    caseId: "C1",
    step: "F0_RECALL",
  });
  t.terminal.progress({
    type: "step-dispatched",
    caseId: "C2",
    step: "F0_RECALL",
  });
  assert.equal(
    screen(t.stderr()).at(-1),
    "[0/12 cases] 0 steps, 2 in flight, 0m 00s",
  );
  // Nothing happens for 65 s: the line is redrawn every second anyway.
  const before = t.stderr().length;
  await time.tickAsync(65_000);
  assert.equal(t.stderr().slice(before).split(CLEAR_LINE).length - 1, 65);
  assert.equal(
    screen(t.stderr()).at(-1),
    "[0/12 cases] 0 steps, 2 in flight, 1m 05s",
  );
  t.terminal.progress({
    type: "step-answered",
    caseId: "C1",
    step: "F0_RECALL",
    ok: true,
  });
  t.terminal.progress({
    type: "step-done",
    caseId: "C1",
    step: "F0_RECALL",
    ruleId: "H1",
    next: "F5_REVIEW",
  });
  assert.equal(
    screen(t.stderr()).at(-1),
    "[0/12 cases] 1 step, 1 in flight, 1m 05s · C1 F0_RECALL → F5_REVIEW",
  );
  t.terminal.progress({
    type: "case-done",
    caseId: "C1",
    path: ["F0", "F5", "F6"],
    completed: 1,
    total: 12,
  });
  t.terminal.progress({ type: "note", caseId: "C2", message: "a note" });
  assert.deepEqual(screen(t.stderr()), [
    "run 1/1: scenario ptp-mock, 12 cases, run directory /tmp/run",
    "[1/12] C1 F0→F5→F6",
    "C2: a note",
    "[1/12 cases] 1 step, 1 in flight, 1m 05s · C1 F0_RECALL → F5_REVIEW",
  ]);
  // finish() clears the line and stops the refresh.
  t.terminal.finish();
  assert.equal(time.pendingTimers, 0);
  const after = t.stderr().length;
  await time.tickAsync(10_000);
  assert.equal(t.stderr().length, after);
  assert.equal(screen(t.stderr()).at(-1), "");
});

Deno.test("live: step events redraw the line at most every 50 ms", async () => {
  const time = new FakeTime();
  const t = captureTerminal(true, undefined, {
    clock: time,
    refreshMs: 60_000,
  });
  t.terminal.progress(START);
  const draws = () => t.stderr().split(CLEAR_LINE).length - 1;
  const before = draws();
  const step: RunEvent = {
    type: "step-done",
    caseId: "C1",
    step: "F0_RECALL",
    ruleId: "H1",
    next: "F5_REVIEW",
  };
  for (let i = 0; i < 100; i++) t.terminal.progress(step);
  assert.equal(draws(), before, "drawn with the run line just now");
  await time.tickAsync(50);
  t.terminal.progress(step);
  assert.equal(draws(), before + 1);
  assert.match(screen(t.stderr()).at(-1)!, /^\[0\/12 cases\] 101 steps, /);
  t.terminal.finish();
});

Deno.test("live: several runs are named, and the line is cut to the terminal's width", () => {
  const time = new FakeTime();
  const t = captureTerminal(true, undefined, { clock: time, columns: 30 });
  t.terminal.progress({ ...START, run: 2, runs: 3 });
  const last = screen(t.stderr()).at(-1)!;
  assert.equal(last, "run 2/3 [0/12 cases] 0 steps…");
  assert.equal([...last].length, 29);
  t.terminal.finish();
});

Deno.test("live: while agents work on a parallel wave the line shows 4 in flight and the time running; every case line stays", async () => {
  const time = new FakeTime();
  const t = captureTerminal(true, undefined, { clock: time, throttleMs: 0 });
  const scenario = await loadScenario("ptp-mock");
  // The first wave's four answers are held until the test has looked.
  const held: (() => void)[] = [];
  let looked: Promise<void> | undefined;
  const look = async () => {
    try {
      assert.match(
        screen(t.stderr()).at(-1)!,
        /^\[0\/12 cases\] 0 steps, 4 in flight, 0m 00s$/,
      );
      await time.tickAsync(3_000);
      assert.match(
        screen(t.stderr()).at(-1)!,
        /^\[0\/12 cases\] 0 steps, 4 in flight, 0m 03s$/,
      );
    } finally {
      // Released on a failed look too: the run ends, the failure shows.
      for (const release of held) release();
    }
  };
  await withTempDir((runDir) =>
    calibrate({
      scenario,
      runDir,
      parallel: 4,
      batchSize: 4,
      adapterName: "stub",
      dispatchName: "in-process",
      transport: ({ run }) => {
        const stub = createStubAdapter(scenario, run.knowledge);
        return {
          adapter: {
            name: "held",
            answer: async (request) => {
              if (looked === undefined) {
                await new Promise<void>((release) => {
                  held.push(release);
                  if (held.length === 4) looked = look();
                });
              }
              return await stub.answer(request);
            },
          },
        };
      },
      observe: (event) => t.terminal.progress(event),
    })
  );
  await looked;
  t.terminal.finish();
  const shown = screen(t.stderr());
  assert.equal(shown.filter((l) => /^\[\d+\/12\] C\d+ /.test(l)).length, 12);
  assert.equal(shown.at(-1), "");
});

Deno.test("a pipe gets plain lines: the run, one line per case, no control sequences", async () => {
  await withTempDir(async (dir) => {
    const t = captureTerminal(false);
    const code = await runCli(["calibrate", `--run-dir=${join(dir, "run")}`], {
      terminal: t.terminal,
    });
    assert.equal(code, 0);
    // deno-lint-ignore no-control-regex
    assert.doesNotMatch(t.stderr(), /[\x00-\x09\x0b-\x1f]/);
    const lines = t.stderr().trimEnd().split("\n");
    assert.match(lines[0], /^run 1\/1: scenario ptp-mock, 12 cases, /);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(" ")[0]),
      Array.from({ length: 12 }, (_, i) => `[${i + 1}/12]`),
    );
  });
});

Deno.test("live calibrate: case lines above, the status line gone at the end, the report on stdout", async () => {
  await withTempDir(async (dir) => {
    const time = new FakeTime();
    const t = captureTerminal(true, undefined, { clock: time, throttleMs: 0 });
    const code = await runCli(["calibrate", `--run-dir=${join(dir, "run")}`], {
      terminal: t.terminal,
    });
    assert.equal(code, 0);
    assert.equal(time.pendingTimers, 0);
    assert.ok(t.stderr().includes("[0/12 cases] 0 steps, 1 in flight, 0m 00s"));
    const shown = screen(t.stderr());
    assert.equal(shown.filter((l) => /^\[\d+\/12\] C\d+ /.test(l)).length, 12);
    assert.equal(shown.at(-1), "");
    assert.match(t.stdout(), /^RESULT: PASS/m);
  });
});
