/**
 * `asterisk calibrate` flags: their definition and the combinations allowed.
 *
 * @module
 */
import { type Command, Option } from "commander";
import {
  booleanValue,
  delay,
  duration,
  nonNegativeInteger,
  nonNegativeNumber,
  positiveInteger,
  unitInterval,
} from "./option_parsers.ts";
import { UsageError } from "./usage_error.ts";
import { resolveThresholds, type Thresholds } from "../pipeline/thresholds.ts";

/** Default run directory. */
export const DEFAULT_RUN_DIR = ".asterisk/calibrate";

/** Parsed `calibrate` flags, as commander returns them. */
export interface CalibrateFlags {
  scenario: string;
  adapter: "stub" | "basic" | "agent" | "cursor";
  dispatch?: "stdin" | "file" | "batch-file";
  responder?: "auto" | "external" | "none";
  runDir: string;
  runs: number;
  clean?: boolean;
  resume: boolean;
  parallel: number;
  tokenBudget: number;
  batchSize: number;
  promptDir?: string;
  costReport: boolean;
  inputPrice: number;
  outputPrice: number;
  agentDebug: boolean;
  dispatchTimeout: number;
  pollInterval: number;
  pollOnly: boolean;
  responderDelay: number;
  report?: string;
  junit?: string;
  markdown?: string;
  html?: string;
  json: boolean;
  recallHit?: number;
  recallUncertain?: number;
  convergenceSufficient?: number;
  correlateDup?: number;
  maxInvestigateLoops?: number;
  maxReassessLoops?: number;
}

/** Where answers come from, resolved from `--adapter` and `--dispatch`. */
export type Transport = "in-process" | "stdin" | "file" | "batch-file";

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
      new Option(
        "--adapter <name>",
        "who answers: stub (ground truth), basic (heuristic baseline) or agent (alias cursor)",
      ).choices(["stub", "basic", "agent", "cursor"]).default("stub"),
    )
    .addOption(
      new Option(
        "--dispatch <transport>",
        "how prompts travel (default: in-process for stub, stdin for agent)",
      ).choices(["stdin", "file", "batch-file"]),
    )
    .addOption(
      new Option(
        "--responder <mode>",
        "file transports: auto starts the ground-truth responder (stub), external waits for an agent, none starts nothing",
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
        "replace an earlier run in the run directory, finished or not (default: replace a finished run only)",
      ).argParser(booleanValue),
    )
    .addOption(new Option("--no-clean", "keep an earlier run (refuses to mix)"))
    .addOption(
      new Option(
        "--resume",
        "continue the run in --run-dir: answered steps are not asked again",
      ).default(false),
    )
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
      new Option("--batch-size <n>", "signals of a batch in flight at once")
        .argParser(positiveInteger).default(4),
    )
    .addOption(
      new Option(
        "--prompt-dir <dir>",
        "directory whose <family>.md / preamble.md replace the embedded prompt templates",
      ),
    )
    .addOption(
      new Option(
        "--cost-report",
        "write token-report.json (summary and per-step records) into the run directory",
      ).default(false),
    )
    .addOption(
      new Option("--input-price <usd>", "price per million prompt tokens")
        .argParser(nonNegativeNumber).default(3),
    )
    .addOption(
      new Option("--output-price <usd>", "price per million artifact tokens")
        .argParser(nonNegativeNumber).default(15),
    )
    .addOption(
      new Option(
        "--dispatch-timeout <duration>",
        "how long a file dispatch waits for its artifact",
      ).argParser(duration).default(600_000, "10m"),
    )
    .addOption(
      new Option(
        "--poll-interval <duration>",
        "fallback polling interval of file dispatch",
      ).argParser(duration).default(500, "500ms"),
    )
    .addOption(
      new Option(
        "--poll-only",
        "detect artifacts by polling only (network filesystems)",
      ).default(false),
    )
    .addOption(
      new Option(
        "--responder-delay <duration>",
        "with --responder=auto: delay before each answer",
      ).argParser(delay).default(0, "0"),
    )
    .addOption(
      new Option("--agent-debug", "log dispatcher I/O to stderr").default(
        false,
      ),
    )
    .addOption(new Option("--report <file>", "write the JSON report to <file>"))
    .addOption(
      new Option(
        "--junit <file>",
        "write a JUnit XML report to <file> (a testcase per metric and per case)",
      ),
    )
    .addOption(
      new Option(
        "--markdown <file>",
        "write a Markdown summary to <file> (pull request, CI step summary)",
      ),
    )
    .addOption(
      new Option(
        "--html <file>",
        "write a self-contained HTML page to <file> (bars, per-case table, filters)",
      ),
    )
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

/**
 * Flags a run keeps in its store: `--resume` takes them back, and a flag
 * given with another value is refused.
 */
export const RESUMABLE_FLAGS = [
  "scenario",
  "adapter",
  "dispatch",
  "runs",
  "parallel",
  "batchSize",
  "promptDir",
  "recallHit",
  "recallUncertain",
  "convergenceSufficient",
  "correlateDup",
  "maxInvestigateLoops",
  "maxReassessLoops",
] as const satisfies readonly (keyof CalibrateFlags)[];

/** Kebab-case flag name of a flag key (`batchSize` → `--batch-size`). */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The token budget: concurrent dispatches allowed (`--token-budget`, 0 = `--parallel`). */
export function tokenBudgetOf(flags: CalibrateFlags): number {
  return flags.tokenBudget > 0 ? flags.tokenBudget : flags.parallel;
}

/** Threshold overrides given on the command line. */
export function thresholdOverrides(flags: CalibrateFlags): Partial<Thresholds> {
  return {
    recallHit: flags.recallHit,
    recallUncertain: flags.recallUncertain,
    convergenceSufficient: flags.convergenceSufficient,
    correlateDup: flags.correlateDup,
    maxInvestigateLoops: flags.maxInvestigateLoops,
    maxReassessLoops: flags.maxReassessLoops,
  };
}

/** Whether an external agent answers (not the stub or the basic adapter). */
export function isAgent(flags: CalibrateFlags): boolean {
  return flags.adapter === "agent" || flags.adapter === "cursor";
}

/** The transport a flag set selects. */
export function transportOf(flags: CalibrateFlags): Transport {
  if (flags.dispatch !== undefined) return flags.dispatch;
  return isAgent(flags) ? "stdin" : "in-process";
}

/** The responder mode a flag set selects (`none` when there is no file transport). */
export function responderOf(
  flags: CalibrateFlags,
): "auto" | "external" | "none" {
  const transport = transportOf(flags);
  if (transport !== "file" && transport !== "batch-file") return "none";
  return flags.responder ?? (isAgent(flags) ? "external" : "auto");
}

/**
 * Rejects flag combinations that cannot work, with the reason and the fix.
 *
 * @throws {UsageError}
 */
export function validateCalibrateFlags(flags: CalibrateFlags): void {
  const transport = transportOf(flags);
  const fileTransport = transport === "file" || transport === "batch-file";
  const agent = isAgent(flags);
  const rules: [boolean, string][] = [
    [
      flags.resume && flags.clean === true,
      "Cannot use --resume with --clean: --resume continues the run that --clean would delete; pass one of them",
    ],
    [
      transport === "stdin" && flags.parallel > 1,
      `Cannot use --parallel=${flags.parallel} with --dispatch=stdin: a person answers one prompt at a time; expected --parallel=1`,
    ],
    [
      !agent && transport === "stdin",
      `Cannot use --dispatch='stdin' with --adapter=${flags.adapter}: it answers in-process or through a file transport; use --adapter=agent for a person`,
    ],
    [
      flags.responder !== undefined && !fileTransport,
      `Cannot use --responder='${flags.responder}': a responder needs --dispatch=file or --dispatch=batch-file`,
    ],
    [
      agent && flags.responder === "auto",
      "Cannot use --responder=auto with --adapter=agent: the auto responder answers from ground truth; use --adapter=stub, or --responder=external for a real agent",
    ],
    [
      agent && flags.runs > 1,
      `Cannot use --runs=${flags.runs} with --adapter=agent: an agent run is one run; expected --runs=1`,
    ],
    [
      transport === "in-process" && flags.promptDir !== undefined,
      `Cannot use --prompt-dir with the in-process ${flags.adapter}: it writes no prompts; add --dispatch=file`,
    ],
    [
      transport === "in-process" && flags.costReport,
      `Cannot use --cost-report with the in-process ${flags.adapter}: it dispatches nothing to measure; add --dispatch=file`,
    ],
    [
      flags.responderDelay > 0 && responderOf(flags) !== "auto",
      "Cannot use --responder-delay without --responder=auto",
    ],
  ];
  for (const [bad, message] of rules) {
    if (bad) throw new UsageError(message);
  }
  try {
    resolveThresholds(thresholdOverrides(flags));
  } catch (error) {
    // Only the thresholds' range errors are the user's; any other RangeError
    // (a stack overflow among them) is a bug, not a usage error.
    if (error instanceof RangeError) {
      throw new UsageError(error.message, { cause: error });
    }
    throw error;
  }
}
