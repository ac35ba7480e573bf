/**
 * `asterisk calibrate`: flags, their validation, and the run.
 *
 * @module
 */
import { type Command, Option } from "commander";
import { ExitCode, type ExitCodeValue } from "./exit_code.ts";
import {
  booleanValue,
  nonNegativeInteger,
  positiveInteger,
  unitInterval,
} from "./option_parsers.ts";
import type { Terminal } from "./terminal.ts";
import { UsageError } from "./usage_error.ts";
import { createStubAdapter } from "../adapter/stub_adapter.ts";
import type { Thresholds } from "../pipeline/thresholds.ts";
import { reportVerdict } from "../report/calibration_report.ts";
import { formatReport } from "../report/format_report.ts";
import { calibrate } from "../runner/calibrate.ts";
import { loadScenario } from "../scenario/load_scenario.ts";
import { atomicWriteJson } from "../util/atomic_write.ts";
import type { Clock } from "../util/clock.ts";

/** Default run directory. */
export const DEFAULT_RUN_DIR = ".asterisk/calibrate";

/** Parsed `calibrate` flags, as commander returns them. */
export interface CalibrateFlags {
  scenario: string;
  adapter: "stub" | "agent" | "cursor";
  dispatch?: "stdin" | "file" | "batch-file";
  responder?: "auto" | "external" | "none";
  runDir: string;
  runs: number;
  clean: boolean;
  parallel: number;
  tokenBudget: number;
  batchSize: number;
  promptDir?: string;
  costReport: boolean;
  agentDebug: boolean;
  report?: string;
  json: boolean;
  recallHit?: number;
  recallUncertain?: number;
  convergenceSufficient?: number;
  correlateDup?: number;
  maxInvestigateLoops?: number;
  maxReassessLoops?: number;
}

/** Adds the `calibrate` flags to `command`. */
export function defineCalibrateOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        "--scenario <name|path>",
        "built-in scenario name or path to a scenario JSON file",
      ).default("ptp-mock"),
    )
    .addOption(
      new Option("--adapter <name>", "who answers each step").choices([
        "stub",
        "agent",
        "cursor",
      ]).default("stub"),
    )
    .addOption(
      new Option(
        "--dispatch <transport>",
        "how prompts reach the agent (default: in-process for stub, stdin for agent)",
      ).choices(["stdin", "file", "batch-file"]),
    )
    .addOption(
      new Option(
        "--responder <mode>",
        "ground-truth responder for file transports",
      ).choices(["auto", "external", "none"]),
    )
    .addOption(
      new Option("--run-dir <dir>", "run directory").default(DEFAULT_RUN_DIR),
    )
    .addOption(
      new Option("--runs <n>", "number of runs (M20 measures their spread)")
        .argParser(positiveInteger).default(1),
    )
    .addOption(
      new Option(
        "--clean [bool]",
        "replace an earlier run in the run directory",
      ).argParser(booleanValue).default(true),
    )
    .addOption(new Option("--no-clean", "keep an earlier run (refuses to mix)"))
    .addOption(
      new Option("--parallel <n>", "parallel slots (1 = serial runner)")
        .argParser(positiveInteger).default(1),
    )
    .addOption(
      new Option(
        "--token-budget <n>",
        "concurrent dispatches allowed (0 = --parallel)",
      ).argParser(nonNegativeInteger).default(0),
    )
    .addOption(
      new Option("--batch-size <n>", "signals per batch manifest")
        .argParser(positiveInteger).default(4),
    )
    .addOption(
      new Option("--prompt-dir <dir>", "directory overriding prompt templates"),
    )
    .addOption(
      new Option(
        "--cost-report",
        "write token-report.json into the run directory",
      )
        .default(false),
    )
    .addOption(
      new Option("--agent-debug", "log dispatcher I/O to stderr").default(
        false,
      ),
    )
    .addOption(new Option("--report <file>", "write the JSON report to <file>"))
    .addOption(
      new Option("--json", "print the JSON report instead of the text report")
        .default(false),
    )
    .addOption(
      new Option("--recall-hit <x>", "recall-hit confidence threshold (0.80)")
        .argParser(unitInterval),
    )
    .addOption(
      new Option(
        "--recall-uncertain <x>",
        "uncertain-recall confidence threshold (0.40)",
      ).argParser(unitInterval),
    )
    .addOption(
      new Option(
        "--convergence-sufficient <x>",
        "convergence that ends investigation (0.70)",
      ).argParser(unitInterval),
    )
    .addOption(
      new Option(
        "--correlate-dup <x>",
        "duplicate confidence threshold (0.80)",
      ).argParser(unitInterval),
    )
    .addOption(
      new Option(
        "--max-investigate-loops <n>",
        "investigation loops before giving up (2)",
      ).argParser(nonNegativeInteger),
    )
    .addOption(
      new Option(
        "--max-reassess-loops <n>",
        "review reassessments before reporting as is (2)",
      ).argParser(nonNegativeInteger),
    );
}

function thresholdOverrides(flags: CalibrateFlags): Partial<Thresholds> {
  return {
    recallHit: flags.recallHit,
    recallUncertain: flags.recallUncertain,
    convergenceSufficient: flags.convergenceSufficient,
    correlateDup: flags.correlateDup,
    maxInvestigateLoops: flags.maxInvestigateLoops,
    maxReassessLoops: flags.maxReassessLoops,
  };
}

/** Rejects flag combinations this version does not support. */
export function validateCalibrateFlags(flags: CalibrateFlags): void {
  const unsupported: [boolean, string][] = [
    [
      flags.adapter !== "stub",
      `Cannot use --adapter='${flags.adapter}': the agent adapter is not supported yet; expected 'stub'`,
    ],
    [
      flags.dispatch !== undefined,
      `Cannot use --dispatch='${flags.dispatch}': dispatch transports are not supported yet; omit --dispatch to answer in-process`,
    ],
    [
      flags.responder !== undefined,
      `Cannot use --responder='${flags.responder}': responders are not supported yet; omit --responder`,
    ],
    [
      flags.parallel > 1,
      `Cannot use --parallel=${flags.parallel}: the parallel runner is not supported yet; expected 1`,
    ],
    [
      flags.promptDir !== undefined,
      "Cannot use --prompt-dir: prompts are not supported yet; omit --prompt-dir",
    ],
    [
      flags.costReport,
      "Cannot use --cost-report: token tracking is not supported yet; omit --cost-report",
    ],
  ];
  for (const [bad, message] of unsupported) {
    if (bad) throw new UsageError(message);
  }
}

/** Dependencies of {@linkcode runCalibrateCommand}. */
export interface CalibrateCommandContext {
  readonly terminal: Terminal;
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
}

/**
 * Runs `asterisk calibrate` and returns its exit status: 0 when every metric
 * passes, 1 when one fails or a case fails. Usage and input errors throw.
 */
export async function runCalibrateCommand(
  flags: CalibrateFlags,
  context: CalibrateCommandContext,
): Promise<ExitCodeValue> {
  validateCalibrateFlags(flags);
  const { terminal } = context;
  const scenario = await loadScenario(flags.scenario);
  const { report } = await calibrate({
    scenario,
    runDir: flags.runDir,
    runs: flags.runs,
    clean: flags.clean,
    thresholds: thresholdOverrides(flags),
    adapterName: "stub",
    dispatchName: "in-process",
    transport: ({ knowledge }) => ({
      adapter: createStubAdapter(scenario, knowledge),
    }),
    clock: context.clock,
    observe: (event) => terminal.progress(event),
    signal: context.signal,
  });
  terminal.finish();
  if (flags.report !== undefined) await atomicWriteJson(flags.report, report);
  terminal.out(
    flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report),
  );
  return reportVerdict(report).pass ? ExitCode.Pass : ExitCode.Fail;
}
