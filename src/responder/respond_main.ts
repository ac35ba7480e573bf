/**
 * Entry point of the `asterisk respond` child that `calibrate
 * --responder=auto` starts under `deno run` (see `responderChildCommand` in
 * `responder_process.ts`): `deno run … respond_main.ts '<flags as JSON>'`
 * does what `asterisk respond` does with those flags, already parsed by the
 * parent, so the child loads neither the other commands (runner, store,
 * reports) nor a command-line parser, and is ready for the run's first
 * signal sooner. A compiled binary runs its own `respond` command instead.
 *
 * @module
 */
import type { ExitCodeValue } from "../cli/exit_code.ts";
import {
  type RespondFlags,
  runRespondCommand,
} from "../cli/run_respond_command.ts";
import { runProcess } from "../cli/run_process.ts";
import { Terminal } from "../cli/terminal.ts";
import { UsageError } from "../cli/usage_error.ts";
import { usageFailure } from "../cli/usage_failure.ts";
import { ScenarioError } from "../scenario/scenario_error.ts";

/** Dependencies of {@linkcode runRespondMain}. */
export interface RespondMainContext {
  /** @default {new Terminal()} */
  readonly terminal?: Terminal;
  /** Stops the responder (SIGTERM from the parent, Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Reads standard input to its end (its lines to `onLine`). */
  readonly stdinClosed?: (onLine?: (line: string) => void) => Promise<void>;
}

const STRING_FLAGS = ["runDir", "scenario", "agent"] as const;
const NUMBER_FLAGS = ["delay", "pollInterval", "workers"] as const;
const BOOLEAN_FLAGS = [
  "pollOnly",
  "stopOnStdinEof",
  "wakePipe",
  "debug",
  "quiet",
] as const;

/**
 * The flags in `json`, as `parseRespondFlags` gave them to the parent.
 *
 * @throws {UsageError} when `json` is not such an object.
 */
export function decodeRespondFlags(json: string | undefined): RespondFlags {
  let value: unknown;
  try {
    value = JSON.parse(json ?? "");
  } catch (error) {
    throw new UsageError(
      `Cannot read respond flags ${
        JSON.stringify(json ?? "")
      }: not JSON; expected the flags object calibrate passes`,
      { cause: error },
    );
  }
  const flags = value as Record<string, unknown>;
  const wrong = typeof value !== "object" || value === null ? "the value" : [
    ...STRING_FLAGS.filter((key) => typeof flags[key] !== "string"),
    ...NUMBER_FLAGS.filter((key) => typeof flags[key] !== "number"),
    ...BOOLEAN_FLAGS.filter((key) => typeof flags[key] !== "boolean"),
  ][0];
  if (wrong !== undefined) {
    throw new UsageError(
      `Cannot read respond flags ${json}: '${wrong}' is missing or of the wrong type; expected the flags object calibrate passes`,
    );
  }
  return value as RespondFlags;
}

/**
 * Runs `asterisk respond` with the flags encoded in `args[0]` and returns the
 * exit status; a usage or scenario error is printed and gives
 * {@linkcode ExitCode.Usage}, as `asterisk respond` reports it.
 */
export async function runRespondMain(
  args: readonly string[],
  context: RespondMainContext = {},
): Promise<ExitCodeValue> {
  const terminal = context.terminal ?? new Terminal();
  try {
    return await runRespondCommand(decodeRespondFlags(args[0]), {
      terminal,
      signal: context.signal,
      stdinClosed: context.stdinClosed,
    });
  } catch (error) {
    // As src/cli/run_cli.ts reports them.
    const usage = usageFailure(
      terminal,
      error,
      (e) => e instanceof UsageError || e instanceof ScenarioError,
    );
    if (usage !== undefined) return usage;
    throw error;
  } finally {
    // Lines held back on a pipe go out before the caller exits.
    terminal.flush();
  }
}

if (import.meta.main) {
  await runProcess((context) => runRespondMain(Deno.args, context));
}
