/**
 * The agent adapter of one prepared run: prompts built from the run's store
 * and case records, answered by a {@linkcode Dispatcher}.
 *
 * @module
 */
import type { PreparedRun } from "./calibration_run.ts";
import type { ModelAdapter } from "../adapter/model_adapter.ts";
import { createAgentAdapter } from "../adapter/agent_adapter.ts";
import type { PromptTemplates } from "../adapter/prompt/render_prompt.ts";
import { loopCountsOf } from "../pipeline/case_state.ts";
import type { Dispatcher } from "../transport/dispatcher.ts";
import type { RecoveredAnswer } from "../transport/recover_answers.ts";

/** Options of {@linkcode createRunAgentAdapter}. */
export interface RunAgentAdapterOptions {
  /** Delivers the prompts. */
  readonly dispatcher: Dispatcher;
  /** Prompt templates. */
  readonly templates: PromptTemplates;
  /**
   * Adapter name for the report.
   *
   * @default {"agent"}
   */
  readonly name?: string;
  /**
   * Where the payload sits in a submitted artifact, for error messages.
   *
   * @default {"data"}
   */
  readonly fieldPrefix?: string;
  /**
   * Answers already on disk, by artifact path (`--resume` after a crash);
   * each is used once instead of dispatching.
   */
  readonly recovered?: Map<string, RecoveredAnswer>;
}

/** Creates the agent adapter of `run`. */
export function createRunAgentAdapter(
  run: PreparedRun,
  options: RunAgentAdapterOptions,
): ModelAdapter {
  const records = new Map(run.records.map((r) => [r.gt.id, r]));
  return createAgentAdapter({
    name: options.name,
    store: run.store,
    workspace: run.scenario.workspace.repos,
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
    dispatcher: options.dispatcher,
    templates: options.templates,
    thresholds: run.thresholds,
    fieldPrefix: options.fieldPrefix,
    recovered: options.recovered,
    confineTo: run.layout.root,
  });
}
