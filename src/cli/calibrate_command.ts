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
import {
  loadTemplates,
  type PromptTemplates,
} from "../adapter/prompt/render_prompt.ts";
import { reportVerdict } from "../report/report_verdict.ts";
import { formatReport } from "../report/format_report.ts";
import {
  type ResponderProcess,
  spawnResponder,
} from "../responder/responder_process.ts";
import { calibrate } from "../runner/calibrate.ts";
import { loadScenario } from "../scenario/load_scenario.ts";
import { finalizeSignals } from "../transport/finalize_signals.ts";
import { atomicWriteJson } from "../util/atomic_write.ts";
import type { Clock } from "../util/clock.ts";

export type { CalibrateFlags } from "./calibrate_options.ts";
export { defineCalibrateOptions } from "./calibrate_options.ts";

/** Dependencies of {@linkcode runCalibrateCommand}. */
export interface CalibrateCommandContext {
  readonly terminal: Terminal;
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
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
  validateCalibrateFlags(flags);
  const { terminal } = context;
  const transport = transportOf(flags);
  const responderMode = responderOf(flags);
  if (transport === "stdin" && !terminal.interactive) {
    throw new UsageError(
      "Cannot use --dispatch=stdin: standard input is not a terminal, so nobody can answer; run in a terminal or use --dispatch=file",
    );
  }
  const scenario = await loadScenario(flags.scenario);
  const prices = {
    inputPerMillion: flags.inputPrice,
    outputPerMillion: flags.outputPrice,
  };
  let templates: PromptTemplates | undefined;
  if (transport !== "in-process") {
    templates = await loadTemplates(flags.promptDir);
    terminal.info(
      `asterisk: ${scenario.cases.length} cases, adapter ${flags.adapter}, dispatch ${transport}, responder ${responderMode}, run directory ${
        resolve(flags.runDir)
      }`,
    );
  }
  let responder: ResponderProcess | undefined;
  if (responderMode === "auto") {
    responder = spawnResponder({
      runDir: flags.runDir,
      scenario: flags.scenario,
      delayMs: flags.responderDelay,
      pollOnly: flags.pollOnly,
    });
    terminal.progress({
      type: "info",
      message: `responder started (pid ${responder.pid})`,
    });
  } else if (responderMode === "external") {
    terminal.info(
      `waiting for an agent to answer the signals under ${
        resolve(flags.runDir)
      } (see contracts/file-protocol.md, or run: asterisk respond --run-dir=${flags.runDir} --scenario=${flags.scenario})`,
    );
  }
  let outcome;
  try {
    outcome = await calibrate({
      scenario,
      runDir: flags.runDir,
      runs: flags.runs,
      parallel: flags.parallel,
      batchSize: flags.batchSize,
      clean: flags.clean,
      thresholds: thresholdOverrides(flags),
      prices,
      adapterName: flags.adapter === "cursor" ? "agent" : flags.adapter,
      dispatchName: transport,
      transport: (ctx) =>
        buildTransport(
          { flags, transport, scenario, terminal, templates },
          ctx,
        ),
      clock: context.clock,
      observe: (event) => terminal.progress(event),
      signal: context.signal,
    });
  } finally {
    terminal.finish();
    if (responder) {
      await responder.stop();
      terminal.progress({
        type: "info",
        message: `responder stopped (pid ${responder.pid})`,
      });
    }
    if (transport === "file" || transport === "batch-file") {
      const closed = await finalizeSignals(flags.runDir);
      if (closed > 0) {
        terminal.info(`closed ${closed} unanswered signal(s)`);
      }
    }
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
  if (flags.report !== undefined) await atomicWriteJson(flags.report, report);
  terminal.out(
    flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report),
  );
  return reportVerdict(report).pass ? ExitCode.Pass : ExitCode.Fail;
}
