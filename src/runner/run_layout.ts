/**
 * Where a run keeps its files.
 *
 * ```
 * {root}/
 *   run.json                      scenario, adapter, case map (scenario id → store id, dir)
 *   {suiteId}/{storeCaseId}/      one directory per case: state.json, prompts, signals, artifacts
 *   token-report.json             with --cost-report
 *   report.json                   the JSON report, when the calibration finished
 * ```
 *
 * @module
 */
import { join, resolve } from "node:path";

/** Paths of one run. All paths are absolute. */
export interface RunLayout {
  /** The run directory. */
  readonly root: string;
  /** `run.json`. */
  readonly runFile: string;
  /** Directory of a suite. */
  suiteDir(suiteId: number): string;
  /** Directory of a case. */
  caseDir(suiteId: number, storeCaseId: number): string;
}

/** File name of the run description inside the run directory. */
export const RUN_FILE = "run.json";

/** File name of the JSON report every calibration leaves in its run directory. */
export const REPORT_FILE = "report.json";

/** Returns the layout of a run rooted at `root` (made absolute). */
export function runLayout(root: string): RunLayout {
  const absolute = resolve(root);
  return {
    root: absolute,
    runFile: join(absolute, RUN_FILE),
    suiteDir: (suiteId) => join(absolute, String(suiteId)),
    caseDir: (suiteId, storeCaseId) =>
      join(absolute, String(suiteId), String(storeCaseId)),
  };
}
