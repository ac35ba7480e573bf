/**
 * Assembles the adapter of one run from the `calibrate` flags: the in-process
 * stub, or the agent adapter over a stdin or file dispatcher wrapped in token
 * tracking.
 *
 * @module
 */
import type { CalibrateFlags, Transport } from "./calibrate_options.ts";
import type { Terminal } from "./terminal.ts";
import { createAgentAdapter } from "../adapter/agent_adapter.ts";
import type { PromptTemplates } from "../adapter/prompt/render_prompt.ts";
import { createStubAdapter } from "../adapter/stub_adapter.ts";
import { loopCountsOf } from "../pipeline/case_state.ts";
import type { RunTransport, TransportContext } from "../runner/calibrate.ts";
import type { Scenario } from "../scenario/scenario_schema.ts";
import { TokenTracker } from "../tokens/token_tracker.ts";
import { DispatchIds } from "../transport/dispatch_ids.ts";
import type { Dispatcher } from "../transport/dispatcher.ts";
import {
  FileDispatcher,
  type FileDispatchEvent,
} from "../transport/file_dispatcher.ts";
import { StdinDispatcher } from "../transport/stdin_dispatcher.ts";
import { TokenTrackingDispatcher } from "../transport/token_tracking_dispatcher.ts";

/** Everything {@linkcode buildTransport} needs besides the run. */
export interface TransportSettings {
  readonly flags: CalibrateFlags;
  readonly transport: Transport;
  readonly scenario: Scenario;
  readonly terminal: Terminal;
  /** Loaded prompt templates (undefined for the in-process stub). */
  readonly templates?: PromptTemplates;
}

function describeFileEvent(event: FileDispatchEvent): string {
  return `dispatch: ${JSON.stringify(event)}`;
}

function dispatcherFor(settings: TransportSettings): Dispatcher {
  const { flags, terminal } = settings;
  if (settings.transport === "stdin") return new StdinDispatcher(terminal);
  return new FileDispatcher({
    pollIntervalMs: flags.pollInterval,
    timeoutMs: flags.dispatchTimeout,
    mode: flags.pollOnly ? "poll" : "watch",
    ids: new DispatchIds(),
    onEvent: flags.agentDebug
      ? (event) => terminal.info(describeFileEvent(event))
      : undefined,
  });
}

/** Builds the adapter (and token tracker) of one run. */
export function buildTransport(
  settings: TransportSettings,
  context: TransportContext,
): RunTransport {
  const { run } = context;
  if (settings.transport === "in-process") {
    return { adapter: createStubAdapter(settings.scenario, run.knowledge) };
  }
  const tokens = new TokenTracker();
  const records = new Map(run.records.map((r) => [r.gt.id, r]));
  const adapter = createAgentAdapter({
    name: settings.flags.adapter === "stub" ? "stub" : "agent",
    store: run.store,
    workspace: settings.scenario.workspace.repos,
    caseView: (caseId) => {
      const record = records.get(caseId);
      return record && {
        artifacts: record.artifacts,
        loops: loopCountsOf(record.state),
        version: record.gt.version,
        job: record.gt.job,
      };
    },
    caseVersions: new Map(
      run.records.map((r) => [r.storeCaseId, r.gt.version]),
    ),
    dispatcher: new TokenTrackingDispatcher(dispatcherFor(settings), tokens),
    templates: settings.templates!,
    fieldPrefix: settings.transport === "stdin" ? "" : "data",
  });
  return { adapter, tokens };
}
