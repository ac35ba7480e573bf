/**
 * Assembles the adapter of one in-process run from the `calibrate` flags: the
 * stub or the basic adapter. The agent transports (stdin, file, batch-file)
 * are in `agent_transport.ts`, which `calibrate` loads only for them: the
 * in-process path starts without their modules.
 *
 * @module
 */
import type { CalibrateFlags, Transport } from "./calibrate_options.ts";
import type { Terminal } from "./terminal.ts";
import type { PromptTemplates } from "../adapter/prompt/render_prompt.ts";
import { createStubAdapter } from "../adapter/stub_adapter.ts";
import { createBasicAdapter } from "../adapter/basic_adapter.ts";
import { failureOf, workspaceOf } from "../adapter/basic/basic_request.ts";
import type { ModelAdapter } from "../adapter/model_adapter.ts";
import { type CaseRecord, isFinished } from "../runner/calibration_run.ts";
import type { RunTransport, TransportContext } from "../runner/calibrate.ts";
import type { Scenario } from "../scenario/scenario_schema.ts";
import type { RecoveredAnswer } from "../transport/recover_answers.ts";
import type { WakePipe } from "../responder/wake_pipe.ts";

/** Everything a transport builder needs besides the run. */
export interface TransportSettings {
  readonly flags: CalibrateFlags;
  readonly transport: Transport;
  readonly scenario: Scenario;
  readonly terminal: Terminal;
  /** Loaded prompt templates (undefined for the in-process stub). */
  readonly templates?: PromptTemplates;
  /** Answers found on disk by `--resume`, by artifact path. */
  readonly recovered?: Map<string, RecoveredAnswer>;
  /** The wake pipe of the responder child, when calibrate started one. */
  readonly wakePipe?: WakePipe;
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

/**
 * Builds the adapter of one in-process run (`--adapter=stub` or `basic`).
 * The other transports are built by `buildAgentTransport`
 * (`agent_transport.ts`), loaded only when one is asked for.
 */
export function buildTransport(
  settings: TransportSettings,
  context: TransportContext,
): RunTransport {
  const { run } = context;
  if (settings.flags.adapter === "basic") {
    const records = new Map(run.records.map((r) => [r.gt.id, r]));
    return { adapter: basicAdapterOf(settings.scenario, records) };
  }
  return { adapter: createStubAdapter(settings.scenario, run.knowledge) };
}
