/**
 * Assembles the adapter of one run from the `calibrate` flags: the in-process
 * stub, or the agent adapter over a stdin, file or batch-file dispatcher whose
 * every single dispatch is token-tracked and gated by the token budget.
 *
 * @module
 */
import { resolve } from "node:path";
import {
  type CalibrateFlags,
  isAgent,
  tokenBudgetOf,
  type Transport,
} from "./calibrate_options.ts";
import type { Terminal } from "./terminal.ts";
import type { PromptTemplates } from "../adapter/prompt/render_prompt.ts";
import { createStubAdapter } from "../adapter/stub_adapter.ts";
import { createBasicAdapter } from "../adapter/basic_adapter.ts";
import { failureOf, workspaceOf } from "../adapter/basic/basic_request.ts";
import type { ModelAdapter } from "../adapter/model_adapter.ts";
import { type CaseRecord, isFinished } from "../runner/calibration_run.ts";
import type { RunTransport, TransportContext } from "../runner/calibrate.ts";
import { createRunAgentAdapter } from "../runner/run_agent_adapter.ts";
import type { Scenario } from "../scenario/scenario_schema.ts";
import { TokenTracker } from "../tokens/token_tracker.ts";
import { DispatchIds } from "../transport/dispatch_ids.ts";
import type { Dispatcher } from "../transport/dispatcher.ts";
import { BatchFileDispatcher } from "../transport/batch_file_dispatcher.ts";
import { FileDispatcher } from "../transport/file_dispatcher.ts";
import {
  dispatchGate,
  GatedDispatcher,
} from "../transport/gated_dispatcher.ts";
import type { RecoveredAnswer } from "../transport/recover_answers.ts";
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
  /** Answers found on disk by `--resume`, by artifact path. */
  readonly recovered?: Map<string, RecoveredAnswer>;
}

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
    return track(new StdinDispatcher(terminal));
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

/** The in-process basic adapter over the run's case records. */
function basicAdapterOf(
  scenario: Scenario,
  records: ReadonlyMap<string, CaseRecord>,
): ModelAdapter {
  return createBasicAdapter({
    failures: scenario.cases.map(failureOf),
    workspace: workspaceOf(scenario.workspace.repos),
    snapshot: (caseId) => {
      const record = records.get(caseId);
      return record && {
        caseId,
        storeCaseId: record.storeCaseId,
        symptomId: record.state.symptom_id,
        rcaId: record.state.rca_id,
        finished: isFinished(record),
      };
    },
    attempts: (caseId, step) =>
      records.get(caseId)?.artifacts.filter((a) => a.step === step).length ??
        0,
  });
}

/** Builds the adapter (and token tracker) of one run. */
export function buildTransport(
  settings: TransportSettings,
  context: TransportContext,
): RunTransport {
  const { run } = context;
  const records = new Map(run.records.map((r) => [r.gt.id, r]));
  if (settings.transport === "in-process") {
    if (settings.flags.adapter === "basic") {
      return { adapter: basicAdapterOf(settings.scenario, records) };
    }
    return { adapter: createStubAdapter(settings.scenario, run.knowledge) };
  }
  const tokens = new TokenTracker();
  const adapter = createRunAgentAdapter(run, {
    name: isAgent(settings.flags) ? "agent" : settings.flags.adapter,
    dispatcher: dispatcherFor(settings, context, tokens),
    templates: settings.templates!,
    fieldPrefix: settings.transport === "stdin" ? "" : "data",
    recovered: settings.recovered,
  });
  return { adapter, tokens };
}
