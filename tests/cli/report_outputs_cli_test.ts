import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../../src/cli/run_cli.ts";
import { readJsonReport } from "../../src/report/json_report.ts";
import { captureTerminal } from "../support/capture_terminal.ts";
import { withTempDir } from "../support/temp_dir.ts";

Deno.test("calibrate writes JUnit, Markdown, HTML and the run's report.json in one run", async () => {
  await withTempDir(async (dir) => {
    const t = captureTerminal();
    const files = {
      junit: join(dir, "out.xml"),
      markdown: join(dir, "out.md"),
      html: join(dir, "out.html"),
    };
    const code = await runCli([
      "calibrate",
      `--run-dir=${join(dir, "run")}`,
      `--junit=${files.junit}`,
      `--markdown=${files.markdown}`,
      `--html=${files.html}`,
    ], { terminal: t.terminal });
    assert.equal(code, 0);
    assert.match(
      await Deno.readTextFile(files.junit),
      /^<\?xml .*\n<testsuites /,
    );
    assert.match(
      await Deno.readTextFile(files.markdown),
      /^## ✅ Asterisk calibration: PASS/,
    );
    assert.match(await Deno.readTextFile(files.html), /^<!DOCTYPE html>/);
    const stored = await readJsonReport(join(dir, "run", "report.json"));
    assert.equal(stored.result, "pass");
  });
});

Deno.test("calibrate refuses an output path it cannot write before running", async () => {
  await withTempDir(async (dir) => {
    const t = captureTerminal();
    const code = await runCli([
      "calibrate",
      `--run-dir=${join(dir, "run")}`,
      `--markdown=${join(dir, "out.md")}`,
      `--html=${join(dir, "missing", "out.html")}`,
    ], { terminal: t.terminal });
    assert.equal(code, 2);
    assert.match(
      t.stderr(),
      /Cannot write '.*missing\/out\.html': its directory does not exist/,
    );
    assert.equal(t.stderr().includes("[1/12]"), false);
  });
});
