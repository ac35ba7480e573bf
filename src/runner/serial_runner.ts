/**
 * The serial runner: one case at a time, in scenario order, each to DONE.
 *
 * @module
 */
import {
  type CalibrationRun,
  isFinished,
  runOneStep,
} from "./calibration_run.ts";
import { pathOf } from "../pipeline/case_state.ts";

/** Runs every case of `run` to completion, one after the other. */
export async function runSerial(run: CalibrationRun): Promise<void> {
  let completed = 0;
  for (const record of run.records) {
    while (!isFinished(record)) {
      run.signal?.throwIfAborted();
      await runOneStep(run, record);
    }
    completed += 1;
    run.observe({
      type: "case-done",
      caseId: record.gt.id,
      path: pathOf(record.state),
      completed,
      total: run.records.length,
      error: record.state.error,
    });
  }
}
