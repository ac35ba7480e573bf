/**
 * The `asterisk` command line: builds the commander program, runs the chosen
 * command, and maps errors to exit statuses.
 *
 * @module
 */
import { Command, CommanderError } from "commander";
import {
  type CalibrateFlags,
  defineCalibrateOptions,
  runCalibrateCommand,
} from "./calibrate_command.ts";
import {
  type CompareFlags,
  defineCompareOptions,
  runCompareCommand,
} from "./compare_command.ts";
import { ExitCode, type ExitCodeValue } from "./exit_code.ts";
import { defineRespondOptions, type RespondFlags } from "./respond_command.ts";
import {
  defineReportOptions,
  type ReportFlags,
  runReportCommand,
} from "./report_command.ts";
import {
  defineServeOptions,
  runServeCommand,
  type ServeFlags,
} from "./serve_command.ts";
import { Terminal } from "./terminal.ts";
import { UsageError } from "./usage_error.ts";
import { usageFailure } from "./usage_failure.ts";
import { PromptTemplateError } from "../adapter/prompt/prompt_template_error.ts";
import { ArtifactError } from "../pipeline/artifact_error.ts";
import { ReportError } from "../report/report_error.ts";
import type { CalibrateOptions } from "../runner/calibrate.ts";
import { RunStoppedError } from "../runner/environment_failure.ts";
import { RunDirectoryError } from "../runner/prepare_run_directory.ts";
import { ScenarioError } from "../scenario/scenario_error.ts";
import { asteriskCommand } from "../util/asterisk_command.ts";
import type { Clock } from "../util/clock.ts";

/** Program version. */
export const VERSION = "0.1.0";

/** Dependencies of {@linkcode runCli}. */
export interface CliContext {
  /** @default {new Terminal()} */
  readonly terminal?: Terminal;
  /** Aborts the running command (Ctrl-C). */
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
  /** Opens each calibrate run's store (a seam for fault tests). */
  readonly openStore?: CalibrateOptions["openStore"];
  /** Resolves when standard input closes (for `respond --stop-on-stdin-eof`). */
  readonly stdinClosed?: (onLine?: (line: string) => void) => Promise<void>;
}

type Selected =
  | {
    command: "calibrate";
    flags: CalibrateFlags;
    explicit: ReadonlySet<string>;
  }
  | { command: "respond"; flags: RespondFlags }
  | { command: "serve"; flags: ServeFlags }
  | { command: "report"; flags: ReportFlags }
  | {
    command: "compare";
    files: { base: string; new: string };
    flags: CompareFlags;
  };

function buildProgram(
  terminal: Terminal,
  select: (s: Selected) => void,
): Command {
  const program = new Command("asterisk")
    .description(
      "Calibrate AI-driven root-cause analysis of failed CI tests against ground truth.",
    )
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => terminal.out(text),
      writeErr: (text) => terminal.info(text.replace(/\n$/, "")),
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .showHelpAfterError("(run with --help for usage)");
  const calibrate = program
    .command("calibrate")
    .description(
      "Run a scenario through the F0–F6 pipeline and score it with metrics M1–M20.",
    )
    .exitOverride();
  defineCalibrateOptions(calibrate).action((flags: CalibrateFlags) => {
    const explicit = new Set(
      Object.keys(flags).filter((key) =>
        calibrate.getOptionValueSource(key) === "cli"
      ),
    );
    select({ command: "calibrate", flags, explicit });
  });
  const respond = program
    .command("respond")
    .description(
      "Answer the waiting signals of a run directory from a scenario's ground truth, like an external agent.",
    )
    .exitOverride();
  defineRespondOptions(respond).action((flags: RespondFlags) =>
    select({ command: "respond", flags })
  );
  const serve = program
    .command("serve")
    .description(
      "Serve calibrations to MCP-capable agents over stdio or Streamable HTTP.",
    )
    .exitOverride();
  defineServeOptions(serve).action((flags: ServeFlags) =>
    select({ command: "serve", flags })
  );
  const report = program
    .command("report")
    .description(
      "Render the report of a finished run again (text, json, markdown, junit, html).",
    )
    .exitOverride();
  defineReportOptions(report).action((flags: ReportFlags) =>
    select({ command: "report", flags })
  );
  const compare = program
    .command("compare")
    .description(
      "Compare two JSON reports: metric deltas, cases that flipped; exit 1 when NEW regressed.",
    )
    .exitOverride();
  defineCompareOptions(compare).action(
    (base: string, next: string, flags: CompareFlags) =>
      select({ command: "compare", files: { base, new: next }, flags }),
  );
  return program;
}

function isInputError(error: unknown): error is Error {
  return error instanceof UsageError || error instanceof ScenarioError ||
    error instanceof RunDirectoryError || error instanceof ArtifactError ||
    error instanceof PromptTemplateError || error instanceof ReportError;
}

/** After a calibrate stopped: the command that continues it, as typed. */
function resumeHint(terminal: Terminal, selected: Selected): void {
  if (selected.command !== "calibrate") return;
  terminal.info(
    `continue it with: ${asteriskCommand()} calibrate --resume --run-dir=${selected.flags.runDir}`,
  );
}

/**
 * Runs the CLI with `args` (without the program name) and returns the exit
 * status. Never calls `Deno.exit`; cleanup happens before it returns.
 */
export async function runCli(
  args: readonly string[],
  context: CliContext = {},
): Promise<ExitCodeValue> {
  const terminal = context.terminal ?? new Terminal();
  try {
    return await runWith(args, context, terminal);
  } finally {
    // Lines held back on a pipe go out before the caller exits (an error
    // thrown from here is printed by the runtime, after them).
    terminal.flush();
  }
}

async function runWith(
  args: readonly string[],
  context: CliContext,
  terminal: Terminal,
): Promise<ExitCodeValue> {
  let selected: Selected | undefined;
  const program = buildProgram(terminal, (s) => selected = s);
  try {
    await program.parseAsync([...args], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.Pass : ExitCode.Usage;
    }
    throw error;
  }
  if (selected === undefined) {
    program.outputHelp();
    return ExitCode.Usage;
  }
  try {
    if (selected.command === "serve") {
      return await runServeCommand(selected.flags, {
        terminal,
        signal: context.signal,
        version: VERSION,
      });
    }
    if (selected.command === "compare") {
      return await runCompareCommand(selected.files, selected.flags, {
        terminal,
      });
    }
    if (selected.command === "report") {
      return await runReportCommand(selected.flags, { terminal });
    }
    if (selected.command === "respond") {
      // The responder loads only for `respond`.
      const { runRespondCommand } = await import("./run_respond_command.ts");
      return await runRespondCommand(selected.flags, {
        terminal,
        signal: context.signal,
        stdinClosed: context.stdinClosed,
      });
    }
    return await runCalibrateCommand(selected.flags, {
      terminal,
      signal: context.signal,
      clock: context.clock,
      explicit: selected.explicit,
      openStore: context.openStore,
    });
  } catch (error) {
    terminal.finish();
    if (context.signal?.aborted) {
      terminal.error("Interrupted; run directory left as it was at the stop");
      resumeHint(terminal, selected);
      return ExitCode.Interrupted;
    }
    if (error instanceof RunStoppedError) {
      terminal.error(error.message);
      resumeHint(terminal, selected);
      return ExitCode.Fail;
    }
    const usage = usageFailure(terminal, error, isInputError);
    if (usage !== undefined) return usage;
    throw error;
  }
}
