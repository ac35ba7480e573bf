/**
 * Closes signals left open after a run: a signal still `waiting` or
 * `processing` when the run ends (crash, interrupt, a dispatch that was never
 * awaited) is marked `error`, so no agent keeps working on it.
 *
 * @module
 */
import { findSignalFilesSync } from "./find_signal_files.ts";
import { readSignalSync, writeSignalSync } from "./signal.ts";
import { type Clock, formatTimestamp, systemClock } from "../util/clock.ts";
import { settle } from "../util/settle.ts";

/** The `error` of a signal closed because its run ended. */
export const RUN_ENDED_ERROR = "run ended before the artifact was accepted";

/**
 * Marks every open signal under `runDir` as `error` ("run ended before the
 * artifact was accepted") and returns how many it closed. The files are
 * small and the work runs once, when the run ends: it is done synchronously
 * (a 1,000-case run reads a thousand signals; awaited, each read costs
 * several times as much).
 */
export function finalizeSignals(
  runDir: string,
  clock: Clock = systemClock,
): Promise<number> {
  return settle(() => {
    let closed = 0;
    for (const path of findSignalFilesSync(runDir)) {
      const signal = readSignalSync(path);
      if (signal?.status !== "waiting" && signal?.status !== "processing") {
        continue;
      }
      writeSignalSync(path, {
        ...signal,
        status: "error",
        error: RUN_ENDED_ERROR,
        timestamp: formatTimestamp(clock.now()),
      });
      closed += 1;
    }
    return closed;
  });
}
