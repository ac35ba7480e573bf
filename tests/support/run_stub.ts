/**
 * Runs a calibration with the in-process stub oracle in a temporary run
 * directory, for tests.
 *
 * @module
 */
import { createStubAdapter } from "../../src/adapter/stub_adapter.ts";
import {
  calibrate,
  type CalibrationOutcome,
} from "../../src/runner/calibrate.ts";
import { IN_PROCESS_COMMIT_INTERVAL_MS } from "../../src/cli/calibrate_command.ts";
import type { RunObserver } from "../../src/runner/run_event.ts";
import type { Scenario } from "../../src/scenario/scenario_schema.ts";
import { shuffledAdapter } from "./shuffled_adapter.ts";
import { withTempDir } from "./temp_dir.ts";

/** Options of {@linkcode runStub}. */
export interface RunStubOptions {
  /** Parallel slots. @default {1} */
  readonly parallel?: number;
  /** Wave size of the parallel runner. @default {4} */
  readonly batchSize?: number;
  /** Receives the run's events. */
  readonly observe?: RunObserver;
  /**
   * Answers come back out of order (seeded; see
   * {@linkcode shuffledAdapter}).
   */
  readonly shuffleSeed?: number;
  /**
   * Writes each case's files at every step, as the file transports do (a
   * ptp-mock run takes about 0.4 s instead of 25 ms).
   *
   * @default {false}
   */
  readonly caseFiles?: boolean;
}

/** Calibrates `scenario` with the stub; the run directory is removed after. */
export function runStub(
  scenario: Scenario,
  options: RunStubOptions = {},
): Promise<CalibrationOutcome> {
  return withTempDir((runDir) =>
    calibrate({
      scenario,
      runDir,
      parallel: options.parallel ?? 1,
      batchSize: options.batchSize ?? 4,
      // As `asterisk calibrate` runs the in-process path: no per-case files,
      // steps grouped into store transactions (per-step files and commits
      // made the 2,000-case runs 25–50 s instead of about 1 s).
      caseFiles: options.caseFiles ?? false,
      commitIntervalMs: IN_PROCESS_COMMIT_INTERVAL_MS,
      adapterName: "stub",
      dispatchName: "in-process",
      transport: ({ run }) => {
        const stub = createStubAdapter(scenario, run.knowledge);
        return {
          adapter: options.shuffleSeed === undefined
            ? stub
            : shuffledAdapter(stub, options.shuffleSeed),
        };
      },
      observe: options.observe,
    })
  );
}
