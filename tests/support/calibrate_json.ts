/**
 * Runs `asterisk calibrate --json` in-process on a captured terminal, for
 * CLI tests.
 *
 * @module
 */
import { runCli } from "../../src/cli/run_cli.ts";
import type { CalibrationReport } from "../../src/core/calibration_report.ts";
import { captureTerminal } from "./capture_terminal.ts";

/** Exit code, parsed JSON report and stderr of `calibrate --json ...args`. */
export async function calibrateJson(
  args: string[],
): Promise<{ code: number; report: CalibrationReport; stderr: string }> {
  const t = captureTerminal();
  const code = await runCli(["calibrate", "--json", ...args], {
    terminal: t.terminal,
  });
  return { code, report: JSON.parse(t.stdout()), stderr: t.stderr() };
}
