/**
 * What `calibrate` needs only when agents answer (`--dispatch` stdin, file or
 * batch-file), loaded on demand: the agent adapter over its dispatcher chain
 * (every single dispatch token-tracked and gated by the token budget), the
 * prompt templates, the responder, and the recovery and clean-up of signals.
 *
 * @module
 */
import { resolve } from "node:path";
import { isAgent, tokenBudgetOf } from "./calibrate_options.ts";
import type { TransportSettings } from "./build_transport.ts";
import type { RunTransport, TransportContext } from "../runner/calibrate.ts";
import { createRunAgentAdapter } from "../runner/run_agent_adapter.ts";
import { TokenTracker } from "../tokens/token_tracker.ts";
import { DispatchIds } from "../transport/dispatch_ids.ts";
import type { Dispatcher } from "../transport/dispatcher.ts";
import { BatchFileDispatcher } from "../transport/batch_file_dispatcher.ts";
import { FileDispatcher } from "../transport/file_dispatcher.ts";
import {
  dispatchGate,
  GatedDispatcher,
} from "../transport/gated_dispatcher.ts";
import { StdinDispatcher } from "../transport/stdin_dispatcher.ts";
import { TokenTrackingDispatcher } from "../transport/token_tracking_dispatcher.ts";

export { loadTemplates } from "../adapter/prompt/render_prompt.ts";
export { spawnResponder } from "../responder/responder_process.ts";
export { recoverAnswers } from "../transport/recover_answers.ts";
export { finalizeSignals } from "../transport/finalize_signals.ts";

/**
 * The run's dispatcher chain. Every single dispatch is recorded by token
 * tracking and passes the token gate (`--token-budget`); for the batch
 * transport that chain wraps each slot, not the batch.
 */
function dispatcherFor(
  settings: TransportSettings,
  context: TransportContext,
  tokens: TokenTracker,
): Dispatcher {
  const { flags, terminal } = settings;
  const gate = dispatchGate(tokenBudgetOf(flags));
  const track = (slot: Dispatcher) =>
    new TokenTrackingDispatcher(new GatedDispatcher(slot, gate), tokens);
  if (settings.transport === "stdin") {
    return track(
      // The artifact is read from the run directory only, never through a
      // symlink (as the file transport's).
      new StdinDispatcher(terminal, { confineTo: resolve(flags.runDir) }),
    );
  }
  const debug = flags.agentDebug
    ? (event: unknown) => terminal.info(`dispatch: ${JSON.stringify(event)}`)
    : undefined;
  const file = {
    pollIntervalMs: flags.pollInterval,
    timeoutMs: flags.dispatchTimeout,
    mode: flags.pollOnly ? "poll" as const : "watch" as const,
    ids: new DispatchIds(),
    onEvent: debug,
    // Agents write the run directory: no dispatch file may lead outside it.
    confineTo: resolve(flags.runDir),
    // The responder child is woken through its stdin and wakes the dispatch
    // through its stdout, instead of directory watches.
    ...(settings.wakePipe
      ? {
        watch: settings.wakePipe.watch,
        onSignalWritten: settings.wakePipe.signalWritten,
      }
      : {}),
  };
  if (settings.transport === "file") return track(new FileDispatcher(file));
  return new BatchFileDispatcher({
    suiteDir: context.run.layout.suiteDir(context.run.suiteId),
    file,
    concurrency: flags.parallel,
    wrapSlot: track,
    onEvent: debug,
  });
}

/** Builds the agent adapter (and token tracker) of one run. */
export function buildAgentTransport(
  settings: TransportSettings,
  context: TransportContext,
): RunTransport {
  const tokens = new TokenTracker();
  const adapter = createRunAgentAdapter(context.run, {
    name: isAgent(settings.flags) ? "agent" : settings.flags.adapter,
    dispatcher: dispatcherFor(settings, context, tokens),
    templates: settings.templates!,
    fieldPrefix: settings.transport === "stdin" ? "" : "data",
    recovered: settings.recovered,
  });
  return { adapter, tokens };
}
