/**
 * contracts/agent-guide.md is followed, not only read: its example agent (the
 * ` ```ts agent-guide-example ` block, taken from the page as written) answers
 * a real `--adapter=agent --dispatch=file` calibration of ptp-mock under
 * exactly the permissions its usage line names, every step is accepted, and
 * the agent stops by itself when the run ends.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../../src/cli/run_cli.ts";
import type { CalibrationReport } from "../../src/core/calibration_report.ts";
import { captureTerminal } from "../support/capture_terminal.ts";
import { withTempDir } from "../support/temp_dir.ts";
import { withDeadline } from "../support/wait_for.ts";

const GUIDE = new URL("../../contracts/agent-guide.md", import.meta.url);
const PTP_MOCK_CASES = 12;

/** The guide's example agent: the one block fenced as `ts agent-guide-example`. */
export async function exampleAgent(): Promise<string> {
  const text = await Deno.readTextFile(GUIDE);
  const blocks = [
    ...text.matchAll(/```ts agent-guide-example\n([\s\S]*?)```/g),
  ];
  assert.equal(blocks.length, 1, "one example agent block in the guide");
  return blocks[0][1];
}

Deno.test("the agent guide names its example agent's permissions and the stop rule", async () => {
  const code = await exampleAgent();
  assert.match(
    code,
    /deno run --allow-read=RUN_DIR --allow-write=RUN_DIR agent\.ts RUN_DIR/,
  );
  assert.match(code, /"running"/, "stops on an end status of run.json");
});

Deno.test("the agent guide's example agent answers a whole ptp-mock run and stops at its end", async () => {
  await withTempDir(async (dir) => {
    const agentPath = join(dir, "agent.ts");
    await Deno.writeTextFile(agentPath, await exampleAgent());
    const runDir = join(dir, "run");
    await Deno.mkdir(runDir);

    // The agent first, as a user would start it beside calibrate.
    const agent = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "--no-prompt",
        "--no-config",
        `--allow-read=${runDir}`,
        `--allow-write=${runDir}`,
        agentPath,
        runDir,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();

    const t = captureTerminal();
    const code = await withDeadline(
      runCli([
        "calibrate",
        "--adapter=agent",
        "--dispatch=file",
        // Several cases at once: the agent answers every waiting signal in
        // one pass, then sleeps 50 ms, so a serial run (120 steps, one pass
        // each) takes 6–7 s; four slots take about 3 s.
        "--parallel=4",
        "--responder=external",
        "--dispatch-timeout=30s",
        `--run-dir=${runDir}`,
        "--json",
      ], { terminal: t.terminal }),
      "the calibration answered by the example agent ends",
      60_000,
    );
    const report = JSON.parse(t.stdout()) as CalibrationReport;
    assert.ok(code === 0 || code === 1, `exit ${code}: ${t.stderr()}`);
    assert.equal(report.case_results.length, PTP_MOCK_CASES);
    for (const result of report.case_results) {
      assert.equal(
        result.error,
        undefined,
        `${result.case_id}: ${result.error}`,
      );
      assert.ok(result.actual_path.length >= 3, `${result.case_id} path`);
    }
    assert.equal(report.steps?.restored, 0);
    const answered = report.steps?.answered ?? 0;
    assert.ok(answered >= 3 * PTP_MOCK_CASES, `answered ${answered}`);

    const exited = await withDeadline(agent, "the example agent exits", 10_000);
    const out = new TextDecoder().decode(exited.stdout);
    assert.equal(exited.code, 0, new TextDecoder().decode(exited.stderr));
    assert.equal(out.trim(), `answered ${answered} steps`);
  });
});
