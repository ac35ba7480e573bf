/**
 * A real calibration report for report and output tests: the stub oracle's
 * run of the built-in ptp-mock scenario.
 *
 * @module
 */
import { createStubAdapter } from "../../src/adapter/stub_adapter.ts";
import type { CalibrationReport } from "../../src/core/calibration_report.ts";
import { calibrate } from "../../src/runner/calibrate.ts";
import { loadScenario } from "../../src/scenario/load_scenario.ts";
import { withTempDir } from "./temp_dir.ts";

/** Runs the stub over ptp-mock and returns its report (20/20 PASS). */
export async function sampleReport(): Promise<CalibrationReport> {
  const scenario = await loadScenario("ptp-mock");
  return await withTempDir(async (runDir) =>
    (await calibrate({
      scenario,
      runDir,
      adapterName: "stub",
      dispatchName: "in-process",
      transport: ({ run }) => ({
        adapter: createStubAdapter(scenario, run.knowledge),
      }),
    })).report
  );
}
