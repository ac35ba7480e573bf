/**
 * Briefings of a run's batches: the run's store and counts, handed to the
 * briefing generator, with batch numbers counted per run.
 *
 * @module
 */
import type { CalibrationRun } from "./calibration_run.ts";
import type { Cluster } from "./clustering.ts";
import { generateBriefing } from "../briefing/generate_briefing.ts";
import type { BatchPhase } from "../transport/batch_dispatcher.ts";

/** What a batch's briefing describes besides the store. */
export interface BriefingContext {
  readonly phase: BatchPhase;
  readonly batchSize: number;
  /** Cases whose pipeline has finished. */
  readonly completed: number;
  /** Cluster assignments (investigation phase). */
  readonly clusters: readonly Cluster[];
}

/** Writes briefings for one run, numbering them 1, 2, … as they are asked for. */
export interface BriefingSource {
  /** The next batch's briefing. */
  next(context: BriefingContext): Promise<string>;
}

/** Creates the briefing source of `run`. */
export function briefingSource(run: CalibrationRun): BriefingSource {
  const label = new Map(
    run.records.map((r) => [r.gt.id, `${r.gt.id} (case #${r.storeCaseId})`]),
  );
  let batchId = 0;
  return {
    next(context) {
      batchId += 1;
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
      });
    },
  };
}
