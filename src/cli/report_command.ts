/**
 * `asterisk report`: renders the report of a stored run again, in any
 * report format, from the run directory a calibration left.
 *
 * @module
 */
import { type Command, Option } from "commander";
import { DEFAULT_RUN_DIR } from "./calibrate_options.ts";
import { ExitCode, type ExitCodeValue } from "./exit_code.ts";
import type { Terminal } from "./terminal.ts";
import { UsageError } from "./usage_error.ts";
import {
  renderReport,
  REPORT_FORMATS,
  type ReportFormat,
} from "../report/render_report.ts";
import { reportVerdict } from "../report/report_verdict.ts";
import { readStoredReport } from "../runner/read_stored_report.ts";
import { atomicWriteTextFile } from "../util/atomic_write.ts";
import { checkWritable } from "../util/check_writable.ts";

/** Parsed `report` flags. */
export interface ReportFlags {
  runDir: string;
  format: ReportFormat;
  output?: string;
}

/** Adds the `report` flags to `command`. */
export function defineReportOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--run-dir <dir>", "run directory of a finished calibration")
        .default(DEFAULT_RUN_DIR),
    )
    .addOption(
      new Option("--format <format>", "report format")
        .choices(REPORT_FORMATS).default("text"),
    )
    .addOption(
      new Option(
        "--output <file>",
        "write the report to <file> instead of standard output",
      ),
    );
}

/** Dependencies of {@linkcode runReportCommand}. */
export interface ReportCommandContext {
  readonly terminal: Terminal;
}

/**
 * Runs `asterisk report` and returns its exit status, the stored run's
 * verdict like `calibrate`'s: 0 when it passed, 1 when it failed. Input
 * errors (a bad run directory, an unfinished run, a broken report) throw.
 */
export async function runReportCommand(
  flags: ReportFlags,
  context: ReportCommandContext,
): Promise<ExitCodeValue> {
  const { terminal } = context;
  if (flags.output !== undefined) {
    const [problem] = await checkWritable([flags.output]);
    if (problem !== undefined) {
      throw new UsageError(`Cannot write '${problem.path}': ${problem.reason}`);
    }
  }
  const report = await readStoredReport(flags.runDir);
  const text = renderReport(report, flags.format);
  if (flags.output === undefined) {
    terminal.out(text);
  } else {
    await atomicWriteTextFile(flags.output, text);
    terminal.info(
      `report: wrote the ${flags.format} report to ${flags.output}`,
    );
  }
  return reportVerdict(report).pass ? ExitCode.Pass : ExitCode.Fail;
}
