/**
 * `asterisk respond` without its command-line parser: runs the ground-truth
 * responder for parsed flags until the run it answers ends. Free of
 * commander, so the responder child `calibrate` starts (`respond_main.ts`)
 * loads only what it uses.
 *
 * @module
 */
import { ExitCode, type ExitCodeValue } from "./exit_code.ts";
import type { Terminal } from "./terminal.ts";
import { UsageError } from "./usage_error.ts";
import { startResponder } from "../responder/responder.ts";
import type { Scenario } from "../scenario/scenario_schema.ts";
import { loadScenario } from "../scenario/load_scenario.ts";
import { checkWritable, writeProbePath } from "../util/check_writable.ts";
import type { RunStatus } from "../runner/run_file.ts";

/** Parsed `respond` flags. */
export interface RespondFlags {
  runDir: string;
  scenario: string;
  delay: number;
  pollInterval: number;
  pollOnly: boolean;
  stopOnStdinEof: boolean;
  /**
   * Wake hints on the standard streams (`--wake-pipe`): waiting signals'
   * paths come in on stdin, the path of each file written goes out on
   * stdout; stdin's end stops the responder.
   */
  wakePipe: boolean;
  debug: boolean;
  quiet: boolean;
  agent: "ground-truth" | "basic";
  mcp?: string;
  token?: string;
  workers: number;
  runId?: string;
}

/** Dependencies of {@linkcode runRespondCommand}. */
export interface RespondCommandContext {
  readonly terminal: Terminal;
  /** Stops the responder (Ctrl-C, SIGTERM). */
  readonly signal?: AbortSignal;
  /** Reads standard input to its end (its lines to `onLine`). */
  readonly stdinClosed?: (onLine?: (line: string) => void) => Promise<void>;
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
  const problems = await checkWritable([writeProbePath(runDir)]);
  if (problems.length > 0) {
    throw new UsageError(
      `Cannot respond in run directory '${runDir}': ${
        problems[0].reason
      }; expected a directory the responder may read and write`,
    );
  }
}

/**
 * Runs the responder until the run it answers ends (`run.json`), `signal`
 * aborts, or stdin closes (if asked).
 */
export async function runRespondCommand(
  flags: RespondFlags,
  context: RespondCommandContext,
): Promise<ExitCodeValue> {
  const { terminal } = context;
  const scenario = await loadScenario(flags.scenario);
  if (flags.mcp !== undefined) {
    if (flags.agent !== "ground-truth") {
      throw new UsageError(
        `Cannot use --agent=${flags.agent} with --mcp: MCP workers answer from the ground truth only (expected --agent=ground-truth)`,
      );
    }
    return await respondMcp(flags, flags.mcp, scenario, terminal);
  }
  await checkRunDirectory(flags.runDir);
  let runEnded: (status: RunStatus) => void = () => {};
  const ended = new Promise<RunStatus>((resolve) => runEnded = resolve);
  const responder = startResponder({
    runDir: flags.runDir,
    scenario,
    delayMs: flags.delay,
    pollIntervalMs: flags.pollInterval,
    mode: flags.pollOnly ? "poll" : flags.wakePipe ? "hinted" : "watch",
    onRunEnded: (status) => runEnded(status),
    ...(flags.agent === "basic"
      // The heuristic agent loads only when asked for.
      ? {
        answerer: (await import("../responder/basic_answerer.ts"))
          .createBasicAnswerer(scenario),
      }
      : {}),
    onEvent: (event) => {
      if (flags.wakePipe && event.type !== "io-error") {
        // The wake hint: the file written for the dispatch (the error
        // signal is written only while the signal still waits, but naming
        // it is harmless either way).
        terminal.out(
          `${
            event.type === "answered" ? event.artifactPath : event.signalPath
          }\n`,
        );
      }
      if (event.type === "failed") {
        terminal.error(`${event.signalPath}: ${event.message}`);
      } else if (event.type === "io-error") {
        terminal.error(`${event.path}: ${event.message} (carrying on)`);
      } else if (!flags.quiet) {
        terminal.info(
          `answered ${event.caseId} ${event.step} (dispatch ${event.dispatchId})${
            flags.debug ? ` → ${event.artifactPath}` : ""
          }`,
        );
      }
    },
  });
  if (!flags.quiet) {
    terminal.info(
      `responder: answering ${scenario.name} under ${flags.runDir} (Ctrl-C stops)`,
    );
  }
  await new Promise<void>((done) => {
    if (context.signal?.aborted) return done();
    context.signal?.addEventListener("abort", () => done(), { once: true });
    if (flags.wakePipe) {
      context.stdinClosed?.((line) => responder.notice(line)).then(
        done,
        done,
      );
    } else if (flags.stopOnStdinEof) {
      context.stdinClosed?.().then(done, done);
    }
    ended.then((status) => {
      terminal.info(`responder: the run ended (${status}); stopping`);
      done();
    });
  });
  await responder.stop();
  if (!flags.quiet) {
    terminal.info(`responder: answered ${responder.answered}`);
  }
  return ExitCode.Pass;
}

/** `respond --mcp`: ground-truth workers over MCP; prints the report. */
async function respondMcp(
  flags: RespondFlags,
  target: string,
  scenario: Scenario,
  terminal: Terminal,
): Promise<ExitCodeValue> {
  // The MCP SDK loads only when answering over MCP.
  const { respondOverMcp } = await import("../mcp/respond_over_mcp.ts");
  const result = await respondOverMcp({
    target,
    token: flags.token,
    scenario,
    scenarioRef: flags.scenario,
    workers: flags.workers,
    runId: flags.runId,
    onStep: !flags.quiet
      ? (worker, step) =>
        terminal.info(
          `${worker}: answered ${step.case_id} ${step.step} (dispatch ${step.dispatch_id})`,
        )
      : undefined,
  });
  terminal.info(
    `respond --mcp: run ${result.runId}, steps per worker ${
      result.steps.join(", ")
    }`,
  );
  terminal.out(result.text);
  const { reportVerdict } = await import("../report/report_verdict.ts");
  return reportVerdict(result.report).pass ? ExitCode.Pass : ExitCode.Fail;
}
