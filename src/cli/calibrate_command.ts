/**
 * `asterisk calibrate`: runs the calibration the flags describe, with the
 * responder and signal clean-up around it, and prints the report.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { buildTransport } from "./build_transport.ts";
import {
  type CalibrateFlags,
  responderOf,
  thresholdOverrides,
  transportOf,
  validateCalibrateFlags,
} from "./calibrate_options.ts";
import { ExitCode, type ExitCodeValue } from "./exit_code.ts";
import type { Terminal } from "./terminal.ts";
import { UsageError } from "./usage_error.ts";
import type { PromptTemplates } from "../adapter/prompt/render_prompt.ts";
import { reportVerdict } from "../report/report_verdict.ts";
import { writeJsonReport } from "../report/json_report.ts";
import { renderReport, type ReportFormat } from "../report/render_report.ts";
import type { ResponderProcess } from "../responder/responder_process.ts";
import { calibrate, type CalibrateOptions } from "../runner/calibrate.ts";
import { RunStoppedError } from "../runner/environment_failure.ts";
import {
  type PreparedRunDirectory,
  prepareRunDirectory,
} from "../runner/prepare_run_directory.ts";
import { REPORT_FILE } from "../runner/run_layout.ts";
import { type RunStatusChange, setRunStatusUnder } from "../runner/run_file.ts";
import type { Scenario } from "../scenario/scenario_schema.ts";
import type { RecoveredAnswer } from "../transport/recover_answers.ts";
import { checkWritable } from "../util/check_writable.ts";
import { applyStoredFlags, storedFlags } from "./stored_flags.ts";
import { loadScenario } from "../scenario/load_scenario.ts";
import {
  atomicWriteJson,
  atomicWriteTextFile,
  atomicWriteWithSync,
} from "../util/atomic_write.ts";
import { asteriskCommand } from "../util/asterisk_command.ts";
import { type Clock, systemClock } from "../util/clock.ts";

export type { CalibrateFlags } from "./calibrate_options.ts";
export { defineCalibrateOptions } from "./calibrate_options.ts";

/** Dependencies of {@linkcode runCalibrateCommand}. */
export interface CalibrateCommandContext {
  readonly terminal: Terminal;
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
  /** Flags given on the command line (not defaults), for `--resume`. */
  readonly explicit?: ReadonlySet<string>;
  /** Opens each run's store (a seam for fault tests). */
  readonly openStore?: CalibrateOptions["openStore"];
}

/** How often the in-process path commits its group of steps. */
export const IN_PROCESS_COMMIT_INTERVAL_MS = 200;

export { REPORT_FILE } from "../runner/run_layout.ts";

/** The report files the flags ask for, each with its format. */
function reportOutputs(
  flags: CalibrateFlags,
): { path: string; format: ReportFormat }[] {
  const wanted: [string | undefined, ReportFormat][] = [
    [flags.report, "json"],
    [flags.junit, "junit"],
    [flags.markdown, "markdown"],
    [flags.html, "html"],
  ];
  return wanted.flatMap(([path, format]) =>
    path === undefined ? [] : [{ path, format }]
  );
}

/** File name of the token report inside a run directory. */
export const TOKEN_REPORT_FILE = "token-report.json";

/**
 * Runs `asterisk calibrate` and returns its exit status: 0 when every metric
 * passes, 1 when one fails or a case fails. Usage and input errors throw.
 * The responder is stopped and unanswered signals are closed on every path.
 */
export async function runCalibrateCommand(
  flags: CalibrateFlags,
  context: CalibrateCommandContext,
): Promise<ExitCodeValue> {
  if (flags.resume && flags.clean !== true) {
    // The stored settings complete the flags before they are checked: with
    // --resume, --responder=auto is checked against the stored --dispatch,
    // not the default one.
    applyStoredFlags(flags, context.explicit ?? new Set(), flags.runDir);
  }
  validateCalibrateFlags(flags);
  const { terminal } = context;
  const transport = transportOf(flags);
  if (transport === "stdin" && !terminal.interactive) {
    throw new UsageError(
      "Cannot use --dispatch=stdin: standard input is not a terminal, so nobody can answer; run in a terminal or use --dispatch=file",
    );
  }
  const scenario = await loadScenario(flags.scenario);
  const outputs = reportOutputs(flags).map((o) => o.path);
  const unwritable = await checkWritable(outputs);
  if (unwritable.length > 0) {
    throw new UsageError(
      unwritable.map((p) => `Cannot write '${p.path}': ${p.reason}`).join(
        "\n",
      ),
    );
  }
  // Before any work (and before the responder starts): the run directory
  // must be usable and not in use by another calibrate.
  const directory = await prepareRunDirectory(flags.runDir, {
    resume: flags.resume,
    clean: flags.clean,
  });
  try {
    return await runInDirectory(flags, context, scenario, directory);
  } finally {
    directory.lock.release();
  }
}

/** Sets the status of the runs in `runDir` (`run.json`), for agents. */
async function markRun(
  runDir: string,
  change: RunStatusChange,
  terminal: Terminal,
): Promise<void> {
  try {
    await setRunStatusUnder(runDir, change);
  } catch (error) {
    // Not fatal: the run's outcome stands (the store is the source of
    // truth); an agent may then have to be stopped by hand, so say why.
    terminal.error(
      `Cannot mark the run as ${change.status} in '${runDir}': ${
        (error as Error).message
      }`,
    );
  }
}

async function runInDirectory(
  flags: CalibrateFlags,
  context: CalibrateCommandContext,
  scenario: Scenario,
  directory: PreparedRunDirectory,
): Promise<ExitCodeValue> {
  const { terminal } = context;
  const transport = transportOf(flags);
  const responderMode = responderOf(flags);
  const prices = {
    inputPerMillion: flags.inputPrice,
    outputPerMillion: flags.outputPrice,
  };
  const stopped = new AbortController();
  const signal = context.signal
    ? AbortSignal.any([context.signal, stopped.signal])
    : stopped.signal;
  let responder: ResponderProcess | undefined;
  let stopping = false;
  const startResponder = async () => {
    const { spawnResponder } = await import(
      "../responder/responder_process.ts"
    );
    const child = responder = spawnResponder({
      runDir: flags.runDir,
      scenario: flags.scenario,
      delayMs: flags.responderDelay,
      pollOnly: flags.pollOnly,
      agent: flags.adapter === "basic" ? "basic" : "ground-truth",
      // Our own child learns of signals through its stdin, not a watch.
      wakePipe: true,
    });
    terminal.progress({
      type: "info",
      message: `responder started (pid ${child.pid})`,
    });
    child.exited.then((status) => {
      if (stopping) return;
      stopped.abort(
        new RunStoppedError(
          `the responder (pid ${child.pid}) ended unexpectedly (${
            status.signal ? `signal ${status.signal}` : `exit ${status.code}`
          }), so no answer will come`,
        ),
      );
    });
  };
  if (transport !== "in-process") {
    terminal.info(
      `asterisk: ${scenario.cases.length} cases, adapter ${flags.adapter}, dispatch ${transport}, responder ${responderMode}, run directory ${
        resolve(flags.runDir)
      }`,
    );
  }
  const autoResponder = transport !== "in-process" && responderMode === "auto";
  // The child starts first (about 40 ms here), while the agent transport
  // loads and the run is prepared; on a resume only once the answers written
  // since the last stop are recovered and their signals closed, so that it
  // answers none of them twice.
  if (autoResponder && !flags.resume) await startResponder();
  let agent: typeof import("./agent_transport.ts") | undefined;
  let templates: PromptTemplates | undefined;
  let recovered: Map<string, RecoveredAnswer> | undefined;
  try {
    // The agent transports' modules load only for them: the in-process path
    // starts without them.
    agent = transport === "in-process"
      ? undefined
      : await import("./agent_transport.ts");
    if (agent !== undefined) {
      templates = await agent.loadTemplates(flags.promptDir);
    }
    // A resumed run is running again until it ends (`run.json` status).
    if (flags.resume) {
      await markRun(flags.runDir, { status: "running" }, terminal);
    }
    if (
      agent !== undefined && flags.resume &&
      (transport === "file" || transport === "batch-file")
    ) {
      // Answers written after the last calibrate stopped are accepted as they
      // are; their signals are closed so no responder answers them twice.
      recovered = await agent.recoverAnswers(flags.runDir);
      await agent.finalizeSignals(flags.runDir);
      // Accepted answers are mostly committed steps, never asked again.
      const written = [...recovered.values()].filter((a) => !a.accepted).length;
      if (written > 0) {
        terminal.info(
          `resume: ${written} answer(s) written after the last stop will be accepted without asking again`,
        );
      }
    }
    if (autoResponder && flags.resume) await startResponder();
  } catch (error) {
    // Nothing ran yet: the early responder goes, and the error is the run's.
    stopping = true;
    await responder?.stop();
    throw error;
  }
  if (responderMode === "external") {
    terminal.info(
      `waiting for an agent to answer the signals under ${
        resolve(flags.runDir)
      } (see contracts/file-protocol.md, or run: ${asteriskCommand()} respond --run-dir=${flags.runDir} --scenario=${flags.scenario})`,
    );
  }
  let outcome;
  let end: RunStatusChange = { status: "failed" };
  try {
    outcome = await calibrate({
      scenario,
      runDir: flags.runDir,
      runs: flags.runs,
      parallel: flags.parallel,
      batchSize: flags.batchSize,
      directory,
      resume: flags.resume,
      caseFiles: transport !== "in-process",
      commitIntervalMs: transport === "in-process"
        ? IN_PROCESS_COMMIT_INTERVAL_MS
        : 0,
      settings: storedFlags(flags),
      openStore: context.openStore,
      thresholds: thresholdOverrides(flags),
      prices,
      adapterName: flags.adapter === "cursor" ? "agent" : flags.adapter,
      dispatchName: transport,
      transport: (ctx) =>
        (agent?.buildAgentTransport ?? buildTransport)(
          {
            flags,
            transport,
            scenario,
            terminal,
            templates,
            recovered,
            wakePipe: responder?.wakePipe,
          },
          ctx,
        ),
      clock: context.clock,
      observe: (event) => terminal.progress(event),
      signal,
    });
    end = { status: "finished" };
  } catch (error) {
    end = {
      status: signal.aborted || error instanceof RunStoppedError
        ? "stopped"
        : "failed",
      reason: error instanceof Error ? error.message : String(error),
    };
    throw error;
  } finally {
    terminal.finish();
    stopping = true;
    if (responder) {
      await responder.stop();
      terminal.progress({
        type: "info",
        message: `responder stopped (pid ${responder.pid})`,
      });
    }
    if (
      agent !== undefined &&
      (transport === "file" || transport === "batch-file")
    ) {
      const closed = await agent.finalizeSignals(flags.runDir);
      if (closed > 0) {
        terminal.info(`closed ${closed} unanswered signal(s)`);
      }
    }
    // Last, once every signal is closed: tells agents the run has ended.
    await markRun(
      flags.runDir,
      { ...end, at: (context.clock ?? systemClock).now() },
      terminal,
    );
  }
  const { report } = outcome;
  if (flags.costReport) {
    for (const { dir, tokens } of outcome.runs) {
      if (tokens === undefined) continue;
      await atomicWriteJson(join(dir, TOKEN_REPORT_FILE), {
        ...tokens.summary(prices),
        records: tokens.records(),
      });
    }
  }
  // Each format is rendered once and encoded once for all its files (a
  // 10,000-case JSON report is 9 MB): the JSON report is encoded in chunks
  // into the run directory's report.json (never held whole), and each
  // --report file is a copy of it.
  const rendered = new Map<ReportFormat, string>();
  const render = (format: ReportFormat) => {
    let text = rendered.get(format);
    if (text === undefined) {
      rendered.set(format, text = renderReport(report, format));
    }
    return text;
  };
  const reportFile = join(flags.runDir, REPORT_FILE);
  atomicWriteWithSync(reportFile, (temp) => {
    const file = Deno.openSync(temp, { write: true, createNew: true });
    try {
      writeJsonReport(report, (chunk) => {
        for (let n = 0; n < chunk.length;) {
          n += file.writeSync(chunk.subarray(n));
        }
      });
    } finally {
      file.close();
    }
  });
  for (const { path, format } of reportOutputs(flags)) {
    if (format === "json") {
      atomicWriteWithSync(path, (temp) => Deno.copyFileSync(reportFile, temp));
    } else {
      await atomicWriteTextFile(path, render(format));
    }
  }
  terminal.out(render(flags.json ? "json" : "text"));
  return reportVerdict(report).pass ? ExitCode.Pass : ExitCode.Fail;
}
