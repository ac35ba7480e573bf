import assert from "node:assert/strict";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { caseLines, stubReport } from "./_mcp_support.ts";
import { ChildStdioTransport } from "../../src/mcp/child_stdio_transport.ts";
import { runCli } from "../../src/cli/run_cli.ts";
import { captureTerminal } from "../support/capture_terminal.ts";
import { withTempDir } from "../support/temp_dir.ts";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

/** The command line of `asterisk serve` on stdio with runs under `root`. */
function serveCommand(root: string): string[] {
  return [
    Deno.execPath(),
    "run",
    "--allow-read",
    `--allow-write=${root}`,
    MAIN,
    "serve",
    `--run-root=${root}`,
  ];
}

Deno.test("over stdio the SDK client lists the tools and a bad call is a tool error", async () => {
  await withTempDir(async (dir) => {
    const [command, ...args] = serveCommand(dir);
    const client = new Client({ name: "test", version: "1" });
    await client.connect(
      new ChildStdioTransport({ command, args, stderr: "null" }),
    );
    try {
      const { tools } = await client.listTools();
      assert.equal(tools.length, 6);
      const result = await client.callTool({
        name: "start_calibration",
        arguments: { scenario: "no-such-scenario" },
      });
      assert.equal(result.isError, true);
      assert.match(JSON.stringify(result.content), /no-such-scenario/);
    } finally {
      await client.close();
    }
  });
});

Deno.test("asterisk respond --mcp over stdio ends 20/20 with per-case lines equal to the in-process stub", async () => {
  await withTempDir(async (dir) => {
    const stub = await stubReport(dir);
    const t = captureTerminal();
    const code = await runCli([
      "respond",
      "--mcp",
      serveCommand(join(dir, "mcp")).join(" "),
      "--scenario=ptp-mock",
      "--workers=4",
    ], { terminal: t.terminal });
    assert.equal(code, 0, t.stderr());
    const text = t.stdout();
    assert.match(text, /RESULT: PASS \(20\/20 metrics within threshold\)/);
    const lines = text.split("\n").filter((l) => /^C\d+\s/.test(l));
    assert.deepEqual(lines, caseLines(stub));
  });
});
