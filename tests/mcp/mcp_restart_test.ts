import assert from "node:assert/strict";
import { join } from "node:path";
import { call, caseLines, httpFixture, stubReport } from "./_mcp_support.ts";
import { runGroundTruthWorker } from "../../src/mcp/ground_truth_worker.ts";
import { loadScenario } from "../../src/scenario/load_scenario.ts";
import { withTempDir } from "../support/temp_dir.ts";

Deno.test("a server restarted mid-run on the same run root resumes the run and it completes", async () => {
  await withTempDir(async (dir) => {
    const stub = await stubReport(dir);
    const scenario = await loadScenario("ptp-mock");
    const root = join(dir, "mcp");
    const start = { scenario: "ptp-mock", parallel: 1, run_dir: "run-a" };
    {
      await using first = await httpFixture({ root });
      const client = await first.client();
      const { run_id } = await call<{ run_id: string }>(
        client,
        "start_calibration",
        start,
      );
      assert.equal(run_id, "run-a");
      const answered = await runGroundTruthWorker({
        client,
        runId: run_id,
        workerId: "before",
        scenario,
        maxSteps: 15,
      });
      assert.equal(answered, 15);
      // The fixture's disposal stops the server with the run unfinished.
    }
    await using second = await httpFixture({ root });
    const client = await second.client();
    const refused = await client.callTool({
      name: "start_calibration",
      arguments: start,
    });
    assert.equal(refused.isError, true, "an unfinished run needs resume");
    const { run_id } = await call<{ run_id: string }>(
      client,
      "start_calibration",
      { ...start, resume: true },
    );
    const answered = await runGroundTruthWorker({
      client,
      runId: run_id,
      workerId: "after",
      scenario,
    });
    const report = JSON.parse(
      await call<string>(client, "get_report", { run_id, format: "json" }),
    );
    assert.equal(report.steps.restored, 15);
    assert.equal(report.steps.answered, answered);
    assert.deepEqual(caseLines(report), caseLines(stub));
    assert.match(
      await call<string>(client, "get_report", { run_id, format: "text" }),
      /RESULT: PASS \(20\/20 metrics within threshold\)/,
    );
  });
});
