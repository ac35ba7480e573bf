/**
 * Closes signals left open after a run: a signal still `waiting` or
 * `processing` when the run ends (crash, interrupt, a dispatch that was never
 * awaited) is marked `error`, so no agent keeps working on it.
 *
 * @module
 */
import { findSignalFiles } from "./find_signal_files.ts";
import { readSignal, writeSignal } from "./signal.ts";
import { type Clock, formatTimestamp, systemClock } from "../util/clock.ts";

/** The `error` of a signal closed because its run ended. */
export const RUN_ENDED_ERROR = "run ended before the artifact was accepted";

/**
 * Marks every open signal under `runDir` as `error` ("run ended before the
 * artifact was accepted") and returns how many it closed.
 */
export async function finalizeSignals(
  runDir: string,
  clock: Clock = systemClock,
): Promise<number> {
  let closed = 0;
  for await (const path of findSignalFiles(runDir)) {
    const signal = await readSignal(path);
    if (signal?.status !== "waiting" && signal?.status !== "processing") {
      continue;
    }
    await writeSignal(path, {
      ...signal,
      status: "error",
      error: RUN_ENDED_ERROR,
      timestamp: formatTimestamp(clock.now()),
    });
    closed += 1;
  }
  return closed;
}
