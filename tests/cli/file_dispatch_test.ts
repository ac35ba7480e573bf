import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../../src/cli/run_cli.ts";
import { respondCommand } from "../../src/responder/responder_process.ts";
import type { CaseResult } from "../../src/core/case_result.ts";
import { findSignalFiles } from "../../src/transport/find_signal_files.ts";
import { readSignal } from "../../src/transport/signal.ts";
import { captureTerminal } from "../support/capture_terminal.ts";
import { calibrateJson } from "../support/calibrate_json.ts";
import { withTempDir } from "../support/temp_dir.ts";
import { spawnAsterisk } from "../support/spawned.ts";
import { waitFor } from "../support/wait_for.ts";
import { readRunFile } from "../../src/runner/run_file.ts";
import { STEP_INFO, stepFromShortName } from "../../src/pipeline/step.ts";

/** The parts of a case result every transport must agree on. */
function outcome(c: CaseResult) {
  return {
    case_id: c.case_id,
    path: c.actual_path,
    defect: c.actual_defect_type,
    component: c.actual_component,
    rca: c.actual_rca_id,
    category: c.actual_category,
    recall: c.actual_recall_hit,
    skip: c.actual_skip,
    cascade: c.actual_cascade,
    repos: c.actual_selected_repos,
    evidence: c.actual_evidence_refs,
    convergence: c.actual_convergence,
  };
}

/** Whether `pid` runs: SIGCONT is harmless to a running process. */
function isAlive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

Deno.test("file dispatch with the auto responder equals the in-process stub case by case", async () => {
  await withTempDir(async (dir) => {
    const inProcess = await calibrateJson([`--run-dir=${join(dir, "stub")}`]);
    const runDir = join(dir, "file");
    const file = await calibrateJson([
      "--dispatch=file",
      `--run-dir=${runDir}`,
      "--cost-report",
    ]);
    assert.equal(file.code, 0, file.stderr);
    assert.equal(file.report.dispatch, "file");
    assert.deepEqual(
      file.report.case_results.map(outcome),
      inProcess.report.case_results.map(outcome),
    );
    assert.match(file.stderr, /responder started \(pid \d+\)/);
    assert.match(file.stderr, /responder stopped/);
    // Every executed step left its prompt and artifact; every signal is done.
    for (const result of file.report.case_results) {
      const caseDir = join(runDir, "1", String(result.store_case_id));
      const state = JSON.parse(
        await Deno.readTextFile(join(caseDir, "state.json")),
      );
      assert.equal(state.status, "done");
      for (const short of result.actual_path) {
        const step = stepFromShortName(short);
        await Deno.stat(join(caseDir, `prompt-${STEP_INFO[step].family}.md`));
        const artifact = JSON.parse(
          await Deno.readTextFile(join(caseDir, STEP_INFO[step].artifactFile)),
        );
        assert.equal(artifact.dispatch_id, undefined, "normalised payload");
      }
      const signal = await readSignal(join(caseDir, "signal.json"));
      assert.equal(signal?.status, "done");
      assert.ok(signal?.artifact_path.startsWith("/"));
    }
    const tokens = JSON.parse(
      await Deno.readTextFile(join(runDir, "token-report.json")),
    );
    assert.equal(tokens.records.length, 47);
    assert.equal(tokens.total_steps, 47);
    assert.ok(
      file.report.case_results.every((c) => (c.prompt_tokens_total ?? 0) > 0),
    );
    const m18 = file.report.metrics.pipeline.find((m) => m.id === "M18")!;
    assert.match(m18.detail, /^measured over \d+ cases$/);
  });
});

Deno.test("a separately started asterisk respond answers a calibrate run, one short line per answer", async () => {
  await withTempDir(async (dir) => {
    const runDir = join(dir, "run");
    const { command, args } = respondCommand(
      [`--run-dir=${runDir}`, "--scenario=ptp-mock", "--stop-on-stdin-eof"],
      { runDir, scenario: "ptp-mock" },
    );
    const child = new Deno.Command(command, {
      args,
      stdin: "piped",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    try {
      const result = await calibrateJson([
        "--dispatch=file",
        "--responder=external",
        `--run-dir=${runDir}`,
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.report.case_results.length, 12);
      assert.ok(result.report.case_results.every((c) => c.path_correct));
      // The hint is a command that works as typed.
      assert.ok(
        result.stderr.includes(
          `or run: deno task asterisk respond --run-dir=${runDir} --scenario=ptp-mock)`,
        ),
        result.stderr,
      );
    } finally {
      await child.stdin.close();
      const status = await child.status;
      assert.equal(status.code, 0, "respond exits when its stdin closes");
    }
    // Without --debug: a line when it starts, one per answer, the count;
    // a line saying the run ended when the responder sees that before its
    // stdin closes (a race: the run ends first, stdin is closed after).
    const lines = (await stderr).trimEnd().split("\n");
    assert.equal(
      lines[0],
      `responder: answering ptp-mock under ${runDir} (Ctrl-C stops)`,
    );
    const answers = lines.slice(1, -1).filter((line) =>
      line !== "responder: the run ended (finished); stopping"
    );
    assert.equal(answers.length, 47, lines.join("\n"));
    for (const line of answers) {
      assert.match(line, /^answered C\d+ F\d_[A-Z]+ \(dispatch \d+\)$/);
    }
    assert.equal(lines.at(-1), "responder: answered 47");
  });
});

for (const transport of ["file", "batch-file"]) {
  Deno.test(`an interrupted ${transport} run leaves no waiting signal and no responder`, async () => {
    await withTempDir(async (dir) => {
      const runDir = join(dir, "run");
      const controller = new AbortController();
      let pid = 0;
      const t = captureTerminal();
      const running = runCli([
        "calibrate",
        `--dispatch=${transport}`,
        "--parallel=2",
        "--responder-delay=1h",
        `--run-dir=${runDir}`,
      ], { terminal: t.terminal, signal: controller.signal });
      await waitFor(
        async () => {
          pid ||= Number(
            /responder started \(pid (\d+)\)/.exec(t.stderr())?.[1],
          );
          const signals = await Array.fromAsync(findSignalFiles(runDir));
          return pid && signals.length > 0;
        },
        "the responder runs and the first signal is waiting",
        {
          intervalMs: 20,
        },
      );
      assert.ok(isAlive(pid));
      controller.abort(new Error("Interrupted"));
      assert.equal(await running, 130);
      assert.equal(isAlive(pid), false, "responder stopped");
      for await (const path of findSignalFiles(runDir)) {
        const signal = await readSignal(path);
        assert.notEqual(signal?.status, "waiting", path);
        assert.notEqual(signal?.status, "processing", path);
      }
      const run = await readRunFile(join(runDir, "run.json"));
      assert.equal(run.status, "stopped");
      assert.match(run.end_reason ?? "", /Interrupted/);
      assert.ok(run.ended_at);
    });
  });
}

Deno.test("asterisk respond exits by itself when the calibrate run it answers ends; the prompts quote the run's thresholds", async () => {
  await withTempDir(async (dir) => {
    const runDir = join(dir, "run");
    await Deno.mkdir(runDir);
    const responder = spawnAsterisk([
      "respond",
      `--run-dir=${runDir}`,
      "--scenario=ptp-mock",
    ]);
    try {
      const result = await calibrateJson([
        "--dispatch=file",
        "--responder=external",
        `--run-dir=${runDir}`,
        "--recall-hit=0.65",
        "--recall-uncertain=0.35",
        "--correlate-dup=0.9",
      ]);
      assert.equal(result.code, 0, result.stderr);
      const run = await readRunFile(join(runDir, "run.json"));
      assert.equal(run.status, "finished");
      await responder.waitForLine(/the run ended \(finished\); stopping/);
      assert.equal((await responder.status).code, 0);

      // The prompts written through the file transport quote the run's
      // thresholds, not the defaults.
      const first = result.report.case_results[0];
      const caseDir = join(runDir, "1", String(first.store_case_id));
      const recall = await Deno.readTextFile(join(caseDir, "prompt-recall.md"));
      assert.match(
        recall,
        /≥ 0\.65 hit .* 0\.35–0\.65 uncertain .* < 0\.35 miss/,
      );
      assert.doesNotMatch(recall, /0\.80/);
      const correlate = await Deno.readTextFile(
        join(caseDir, "prompt-correlate.md"),
      );
      assert.match(correlate, /below 0\.90 nothing is linked/);
    } finally {
      try {
        responder.kill("SIGKILL");
      } catch {
        // It has exited already, as it should: nothing to stop.
      }
      await responder.status;
    }
  });
});
