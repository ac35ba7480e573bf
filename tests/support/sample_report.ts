/**
 * A real calibration report for report and output tests: the stub oracle's
 * run of the built-in ptp-mock scenario.
 *
 * @module
 */
import type { CalibrationReport } from "../../src/core/calibration_report.ts";
import { loadScenario } from "../../src/scenario/load_scenario.ts";
import { runStub } from "./run_stub.ts";

/** Runs the stub over ptp-mock and returns its report (20/20 PASS). */
export async function sampleReport(): Promise<CalibrationReport> {
  return (await runStub(await loadScenario("ptp-mock"))).report;
}
