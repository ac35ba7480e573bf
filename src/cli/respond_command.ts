/**
 * `asterisk respond`: the ground-truth responder as a command. It watches a
 * run directory like an external agent and answers every waiting signal.
 *
 * @module
 */
import { join } from "node:path";
import { type Command, Option } from "commander";
import { DEFAULT_RUN_DIR } from "./calibrate_options.ts";
import { ExitCode, type ExitCodeValue } from "./exit_code.ts";
import { delay, duration } from "./option_parsers.ts";
import type { Terminal } from "./terminal.ts";
import { UsageError } from "./usage_error.ts";
import { createBasicAnswerer } from "../responder/basic_answerer.ts";
import { startResponder } from "../responder/responder.ts";
import { loadScenario } from "../scenario/load_scenario.ts";
import { checkWritable } from "../util/check_writable.ts";

/** Parsed `respond` flags. */
export interface RespondFlags {
  runDir: string;
  scenario: string;
  delay: number;
  pollInterval: number;
  pollOnly: boolean;
  stopOnStdinEof: boolean;
  debug: boolean;
  agent: "ground-truth" | "basic";
}

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
      new Option("--poll-interval <duration>", "fallback sweep interval")
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
        "--agent <name>",
        "who answers: ground-truth (the scenario's expected answers) or basic (the heuristic baseline agent)",
      ).choices(["ground-truth", "basic"]).default("ground-truth"),
    )
    .addOption(
      new Option("--debug", "log every answer to stderr").default(false),
    );
}

/** Dependencies of {@linkcode runRespondCommand}. */
export interface RespondCommandContext {
  readonly terminal: Terminal;
  /** Stops the responder (Ctrl-C, SIGTERM). */
  readonly signal?: AbortSignal;
  /** Resolves when standard input closes. */
  readonly stdinClosed?: () => Promise<void>;
}

/**
 * Checks that the responder may read and write `runDir` (without write
 * permission it would answer nothing, silently).
 *
 * @throws {UsageError} when it may not.
 */
async function checkRunDirectory(runDir: string): Promise<void> {
  try {
    await Deno.mkdir(runDir, { recursive: true });
    for await (const _ of Deno.readDir(runDir)) break;
  } catch (error) {
    throw new UsageError(
      `Cannot respond in run directory '${runDir}': ${
        (error as Error).message
      }; expected a directory the responder may read and write`,
      { cause: error },
    );
  }
  const problems = await checkWritable([
    join(runDir, `.respond-write-check-${Deno.pid}`),
  ]);
  if (problems.length > 0) {
    throw new UsageError(
      `Cannot respond in run directory '${runDir}': ${
        problems[0].reason
      }; expected a directory the responder may read and write`,
    );
  }
}

/** Runs the responder until `signal` aborts (or stdin closes, if asked). */
export async function runRespondCommand(
  flags: RespondFlags,
  context: RespondCommandContext,
): Promise<ExitCodeValue> {
  const { terminal } = context;
  const scenario = await loadScenario(flags.scenario);
  await checkRunDirectory(flags.runDir);
  const responder = startResponder({
    runDir: flags.runDir,
    scenario,
    delayMs: flags.delay,
    pollIntervalMs: flags.pollInterval,
    mode: flags.pollOnly ? "poll" : "watch",
    ...(flags.agent === "basic"
      ? { answerer: createBasicAnswerer(scenario) }
      : {}),
    onEvent: (event) => {
      if (event.type === "failed") {
        terminal.error(`${event.signalPath}: ${event.message}`);
      } else if (flags.debug) {
        terminal.info(
          `answered ${event.caseId} ${event.step} (dispatch ${event.dispatchId})`,
        );
      }
    },
  });
  if (flags.debug) {
    terminal.info(
      `responder: answering ${scenario.name} under ${flags.runDir}`,
    );
  }
  await new Promise<void>((done) => {
    if (context.signal?.aborted) return done();
    context.signal?.addEventListener("abort", () => done(), { once: true });
    if (flags.stopOnStdinEof) context.stdinClosed?.().then(done, done);
  });
  await responder.stop();
  if (flags.debug) terminal.info(`responder: answered ${responder.answered}`);
  return ExitCode.Pass;
}
