/**
 * Briefings of a run's batches: the run's store and counts, handed to the
 * briefing generator, with batch numbers counted per run.
 *
 * @module
 */
import type { CalibrationRun, CaseRecord } from "./calibration_run.ts";
import type { Cluster } from "./clustering.ts";
import { generateBriefing } from "../briefing/generate_briefing.ts";
import type { BatchPhase } from "../transport/batch_dispatcher.ts";
import { isPipelineStep, STEP_INFO } from "../pipeline/step.ts";

/** What a batch's briefing describes besides the store. */
export interface BriefingContext {
  readonly phase: BatchPhase;
  readonly batchSize: number;
  /** Cases whose pipeline has finished. */
  readonly completed: number;
  /** Cluster assignments (investigation phase). */
  readonly clusters: readonly Cluster[];
  /** The cases the batch dispatches (listed as cases in flight). */
  readonly inFlight?: readonly CaseRecord[];
}

/** Writes briefings for one run, numbering them 1, 2, … as they are asked for. */
export interface BriefingSource {
  /** The next batch's briefing. */
  next(context: BriefingContext): Promise<string>;
}

/** How a briefing names a case. */
function labelOf(record: CaseRecord): string {
  return `${record.gt.id} (case #${record.storeCaseId})`;
}

/**
 * Creates the briefing source of `run`. Case labels are built at the first
 * briefing: runs whose transport asks for none (the in-process stub) kept a
 * label per case for nothing.
 */
export function briefingSource(run: CalibrationRun): BriefingSource {
  let labels: ReadonlyMap<string, string> | undefined;
  let batchId = 0;
  return {
    next(context) {
      batchId += 1;
      const label = labels ??= new Map(
        run.records.map((r) => [r.gt.id, labelOf(r)]),
      );
      return generateBriefing({
        store: run.store,
        scenario: run.scenario.name,
        suiteId: run.suiteId,
        phase: context.phase,
        batchId,
        batchSize: context.batchSize,
        totalCases: run.records.length,
        completedCases: context.completed,
        clusters: context.clusters.map((c) => ({
          key: c.key,
          representative: label.get(c.representative) ?? c.representative,
          members: c.members.map((m) => label.get(m) ?? m),
        })),
        inFlight: (context.inFlight ?? []).map((r) => {
          const step = r.state.current_step;
          return {
            storeCaseId: r.storeCaseId,
            step: isPipelineStep(step) ? STEP_INFO[step].short : step,
            testName: r.gt.test_name,
            errorMessage: r.gt.error_message,
          };
        }),
      });
    },
  };
}
