import assert from "node:assert/strict";
import { runCli } from "../../src/cli/run_cli.ts";
import { groundTruthAnswer } from "../../src/adapter/ground_truth.ts";
import { isPipelineStep } from "../../src/pipeline/step.ts";
import { runDirKnowledge } from "../../src/responder/run_dir_knowledge.ts";
import { loadScenario } from "../../src/scenario/load_scenario.ts";
import {
  type CapturedTerminal,
  captureTerminal,
} from "../support/capture_terminal.ts";
import { withTempDir } from "../support/temp_dir.ts";

Deno.test("a person at the terminal answers every step through --dispatch=stdin", async () => {
  const scenario = await loadScenario("ptp-mock");
  await withTempDir(async (runDir) => {
    let seen = 0;
    const t: CapturedTerminal = captureTerminal(false, () => person());
    // The "person": reads the last banner, writes the ground-truth artifact
    // at the artifact path, presses Enter.
    async function person(): Promise<string> {
      const err = t.stderr().slice(seen);
      seen = t.stderr().length;
      const banner = /=== (C\d+) (F\d_[A-Z]+) ===/.exec(err);
      const artifact = /Artifact: (.+)\n/.exec(err);
      assert.ok(banner && artifact, err);
      const step = banner[2];
      assert.ok(isPipelineStep(step));
      const data = await groundTruthAnswer(
        scenario,
        { caseId: banner[1], step },
        await runDirKnowledge(runDir),
      );
      await Deno.writeTextFile(artifact[1], JSON.stringify(data));
      return "";
    }
    const code = await runCli([
      "calibrate",
      "--adapter=agent",
      `--run-dir=${runDir}`,
    ], { terminal: t.terminal });
    assert.equal(code, 0, t.stderr().slice(-2000));
    assert.match(t.stdout(), /Adapter: {2}agent\nDispatch: stdin/);
    assert.match(
      t.stdout(),
      /RESULT: PASS \(20\/20 metrics within threshold\)/,
    );
    assert.equal(t.stderr().match(/Read artifact \(\d+ bytes\)/g)?.length, 47);
  });
});
