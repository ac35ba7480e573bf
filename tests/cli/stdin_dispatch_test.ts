import assert from "node:assert/strict";
import { runCli } from "../../src/cli/run_cli.ts";
import { loadScenario } from "../../src/scenario/load_scenario.ts";
import { terminalWithPerson } from "../support/terminal_person.ts";
import { withTempDir } from "../support/temp_dir.ts";

Deno.test("a person at the terminal answers every step through --dispatch=stdin", async () => {
  const scenario = await loadScenario("ptp-mock");
  await withTempDir(async (runDir) => {
    const t = terminalWithPerson(scenario, runDir);
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

Deno.test("end of input (Ctrl-D) stops a stdin run once, not case after case", async () => {
  const scenario = await loadScenario("ptp-mock");
  await withTempDir(async (runDir) => {
    let asked = 0;
    const t = terminalWithPerson(scenario, runDir, undefined, {
      closeAfter: 1,
      onAsk: () => asked += 1,
    });
    const code = await runCli([
      "calibrate",
      "--adapter=agent",
      `--run-dir=${runDir}`,
    ], { terminal: t.terminal });
    assert.equal(code, 1, t.stderr().slice(-1000));
    assert.equal(asked, 2, "nothing is asked after the input closed");
    assert.equal(t.stderr().match(/Standard input closed/g)?.length, 1);
    assert.match(t.stderr(), /--resume/);
  });
});
