/**
 * `asterisk compare BASE.json NEW.json`: what changed between two JSON
 * reports, and whether the new one regressed (exit 1), so CI can gate a
 * change of prompts, agent or model.
 *
 * @module
 */
import { type Command, Option } from "commander";
import { ExitCode, type ExitCodeValue } from "./exit_code.ts";
import { nonNegativeNumber } from "./option_parsers.ts";
import type { Terminal } from "./terminal.ts";
import { compareReports } from "../report/compare_reports.ts";
import {
  COMPARISON_FORMATS,
  type ComparisonFormat,
  renderComparison,
} from "../report/format_comparison.ts";
import { fromJsonReport, readJsonReport } from "../report/json_report.ts";

/** Parsed `compare` flags. */
export interface CompareFlags {
  format: ComparisonFormat;
  tolerance: number;
}

/** Adds the `compare` arguments and flags to `command`. */
export function defineCompareOptions(command: Command): Command {
  return command
    .argument("<base>", "JSON report of the base run (--report, report.json)")
    .argument("<new>", "JSON report of the new run")
    .addOption(
      new Option("--format <format>", "output format")
        .choices(COMPARISON_FORMATS).default("text"),
    )
    .addOption(
      new Option(
        "--tolerance <n>",
        "how much worse a metric may get (in its own unit) before it counts as a regression",
      ).argParser(nonNegativeNumber).default(0),
    );
}

/** Dependencies of {@linkcode runCompareCommand}. */
export interface CompareCommandContext {
  readonly terminal: Terminal;
}

/**
 * Runs `asterisk compare`: prints the comparison and returns 1 when a metric
 * of `next` regressed beyond the tolerance, else 0. An unreadable file or
 * one that is not a JSON report throws a `ReportError` naming it (exit 2).
 */
export async function runCompareCommand(
  files: { readonly base: string; readonly new: string },
  flags: CompareFlags,
  context: CompareCommandContext,
): Promise<ExitCodeValue> {
  const base = fromJsonReport(await readJsonReport(files.base));
  const next = fromJsonReport(await readJsonReport(files.new));
  const comparison = compareReports(base, next, {
    tolerance: flags.tolerance,
  });
  context.terminal.out(renderComparison(comparison, flags.format, files));
  return comparison.regressions.length > 0 ? ExitCode.Fail : ExitCode.Pass;
}
