/**
 * The serial runner: one case at a time, in scenario order, each to DONE.
 *
 * @module
 */
import {
  type CalibrationRun,
  isFinished,
  observeCaseDone,
} from "./calibration_run.ts";
import { briefingSource } from "./run_briefing.ts";
import { runWave } from "./run_wave.ts";

/** Runs every case of `run` to completion, one after the other. */
export async function runSerial(run: CalibrationRun): Promise<void> {
  const briefings = briefingSource(run);
  let completed = 0;
  for (const record of run.records) {
    while (!isFinished(record)) {
      const step = record.state.current_step;
      const phase = step === "F0_RECALL" || step === "F1_TRIAGE"
        ? "triage"
        : "investigation";
      await runWave(run, [record], {
        phase,
        briefing: (inFlight) =>
          briefings.next({
            phase,
            batchSize: 1,
            completed,
            clusters: [],
            inFlight,
          }),
      });
    }
    completed += 1;
    observeCaseDone(run, record, completed);
  }
}
