/**
 * Benchmark: wall time of a whole ptp-mock calibration through a transport,
 * answered by the ground-truth responder (a child process) after a fixed
 * delay per signal.
 *
 * @module
 */
import { join } from "node:path";
import { runCli } from "../../src/cli/run_cli.ts";
import { Terminal } from "../../src/cli/terminal.ts";

/** Wall time in milliseconds of `asterisk calibrate` with `args`. */
export async function measureCalibrateWallTime(
  args: readonly string[],
): Promise<{ ms: number; passed: boolean; dispatches: number }> {
  const dir = await Deno.makeTempDir({ prefix: "asterisk-bench-" });
  let stdout = "";
  const quiet = new Terminal({
    writeOut: (text) => stdout += text,
    writeErr: () => {},
    errIsTerminal: false,
  });
  try {
    const started = performance.now();
    const code = await runCli(
      [
        "calibrate",
        "--scenario=ptp-mock",
        `--run-dir=${join(dir, "run")}`,
        `--report=${join(dir, "report.json")}`,
        ...args,
      ],
      { terminal: quiet },
    );
    const ms = performance.now() - started;
    const report = JSON.parse(
      await Deno.readTextFile(join(dir, "report.json")).catch(() => "{}"),
    );
    return {
      ms,
      passed: code === 0 && stdout.includes("RESULT: PASS"),
      dispatches: report.steps?.answered ?? 0,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
