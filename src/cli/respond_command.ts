/**
 * `asterisk respond`: the ground-truth responder as a command. It watches a
 * run directory like an external agent and answers every waiting signal.
 * This module holds its flags; running them is `run_respond_command.ts`.
 *
 * @module
 */
import { Command, CommanderError, Option } from "commander";
import { DEFAULT_RUN_DIR } from "./calibrate_options.ts";
import { delay, duration, positiveInteger } from "./option_parsers.ts";
import type { RespondFlags } from "./run_respond_command.ts";
import { UsageError } from "./usage_error.ts";

export type {
  RespondCommandContext,
  RespondFlags,
} from "./run_respond_command.ts";

/** Adds the `respond` flags to `command`. */
export function defineRespondOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--run-dir <dir>", "run directory to watch").default(
        DEFAULT_RUN_DIR,
      ),
    )
    .addOption(
      new Option(
        "--scenario <name|path>",
        "scenario whose ground truth answers the signals",
      ).default("ptp-mock"),
    )
    .addOption(
      new Option("--delay <duration>", "delay before each answer")
        .argParser(delay).default(0, "0"),
    )
    .addOption(
      new Option(
        "--poll-interval <duration>",
        "fallback sweep interval (while the watcher finds every signal, up to 16 times longer)",
      )
        .argParser(duration).default(200, "200ms"),
    )
    .addOption(
      new Option("--poll-only", "find signals by sweeping only").default(false),
    )
    .addOption(
      new Option(
        "--stop-on-stdin-eof",
        "exit when standard input closes (used when calibrate starts the responder)",
      ).default(false).hideHelp(),
    )
    .addOption(
      new Option(
        "--wake-pipe",
        "learn of each waiting signal from standard input (its path, one a line) instead of watching, name each file written on standard output, and exit when standard input closes (used when calibrate starts the responder)",
      ).default(false).hideHelp(),
    )
    .addOption(
      new Option(
        "--agent <name>",
        "who answers: ground-truth (the scenario's expected answers) or basic (the heuristic baseline agent)",
      ).choices(["ground-truth", "basic"]).default("ground-truth"),
    )
    .addOption(
      new Option(
        "--debug",
        "also name each answer's artifact file",
      ).default(false),
    )
    .addOption(
      new Option("--quiet", "print errors only (no line per answer)")
        .default(false),
    )
    .addOption(
      new Option(
        "--mcp <command|url>",
        "work as MCP workers of an asterisk serve: its URL, or a command line serving stdio",
      ),
    )
    .addOption(
      new Option("--token <token>", "bearer token for an HTTP MCP server"),
    )
    .addOption(
      new Option("--workers <n>", "MCP workers (parallel slots of the run)")
        .argParser(positiveInteger).default(4),
    )
    .addOption(
      new Option(
        "--run-id <id>",
        "join this MCP run instead of starting one of --scenario",
      ),
    );
}

/**
 * Parses `respond` flags (`args` without the command name) as `asterisk
 * respond` does, defaults included.
 *
 * @example
 * ```ts
 * import { parseRespondFlags } from "./respond_command.ts";
 *
 * const flags = parseRespondFlags(["--run-dir=/tmp/run", "--quiet"]);
 * console.assert(flags.pollInterval === 200 && flags.quiet);
 * ```
 *
 * @throws {UsageError} when a flag is unknown or malformed.
 */
export function parseRespondFlags(args: readonly string[]): RespondFlags {
  let problem = "";
  const command = defineRespondOptions(new Command("respond"))
    .exitOverride()
    .configureOutput({
      writeOut: () => {},
      writeErr: (text) => problem += text,
    });
  try {
    command.parse([...args], { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    throw new UsageError(
      `Cannot parse respond flags ${JSON.stringify(args)}: ${
        problem.trim() || error.message
      }`,
      { cause: error },
    );
  }
  return command.opts<RespondFlags>();
}
