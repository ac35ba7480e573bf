/**
 * The report of a stored run, for `asterisk report`: read from the
 * `report.json` a calibration leaves in its run directory, after the run's
 * store (`run.db`) confirms the run finished.
 *
 * @module
 */
import { join } from "node:path";
import { STATUS_KEY } from "./calibration_run.ts";
import { STORE_FILE } from "./prepare_run_directory.ts";
import { RunDirectoryError } from "./run_directory_error.ts";
import { REPORT_FILE, RUN_FILE } from "./run_layout.ts";
import type { CalibrationReport } from "../core/calibration_report.ts";
import { fromJsonReport, readJsonReport } from "../report/json_report.ts";
import { readStoreSetting } from "../store/sqlite_store.ts";
import { asteriskCommand } from "../util/asterisk_command.ts";

/** Options of {@linkcode readStoredReport}. */
export interface ReadStoredReportOptions {
  /**
   * The command shown in hints.
   *
   * @default {asteriskCommand()}
   */
  readonly command?: string;
}

function fail(dir: string, problem: string, cause?: unknown): never {
  throw new RunDirectoryError(
    `Cannot report run directory '${dir}': ${problem}`,
    cause === undefined ? undefined : { cause },
  );
}

/** The stores of the runs in `dir`: its own, or those of its `run-N`. */
function storesOf(dir: string, names: readonly string[]): string[] {
  if (names.includes(STORE_FILE)) return [join(dir, STORE_FILE)];
  return names.filter((name) => /^run-\d+$/.test(name)).map((name) =>
    join(dir, name, STORE_FILE)
  );
}

/**
 * Reads the report of the calibration stored in `dir`.
 *
 * @throws {RunDirectoryError} when `dir` is missing, not a directory, holds
 * no asterisk run, or holds a run that has not finished (with the command
 * that continues it).
 * @throws {ReportError} when its `report.json` is not a JSON report.
 */
export async function readStoredReport(
  dir: string,
  options: ReadStoredReportOptions = {},
): Promise<CalibrationReport> {
  let names: string[];
  try {
    if (!(await Deno.stat(dir)).isDirectory) {
      fail(dir, "it is a file; expected the --run-dir of a calibrate run");
    }
    names = await Array.fromAsync(Deno.readDir(dir), (entry) => entry.name);
  } catch (error) {
    if (error instanceof RunDirectoryError) throw error;
    if (error instanceof Deno.errors.NotFound) {
      fail(
        dir,
        "it does not exist; expected the --run-dir of a calibrate run",
        error,
      );
    }
    fail(dir, (error as Error).message, error);
  }
  for (const store of storesOf(dir, names)) {
    let status: unknown;
    try {
      status = readStoreSetting(store, STATUS_KEY);
    } catch (error) {
      fail(
        dir,
        `its store cannot be read (${(error as Error).message})`,
        error,
      );
    }
    if (status !== undefined && status !== "finished") {
      const command = options.command ?? asteriskCommand();
      fail(
        dir,
        `its run has not finished (stopped, interrupted or still running), so it has no report yet; finish it with '${command} calibrate --resume --run-dir=${dir}', then report it`,
      );
    }
  }
  if (!names.includes(REPORT_FILE)) {
    const holdsRun = names.includes(RUN_FILE) ||
      storesOf(dir, names).length > 0;
    fail(
      dir,
      holdsRun
        ? `it holds a run but no ${REPORT_FILE}; expected the --run-dir of a calibrate run that finished`
        : `it holds no asterisk run (no ${REPORT_FILE}, ${STORE_FILE} or ${RUN_FILE}); expected the --run-dir of a calibrate run`,
    );
  }
  return fromJsonReport(await readJsonReport(join(dir, REPORT_FILE)));
}
