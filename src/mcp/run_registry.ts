/**
 * What the calibration tools act on: runs by id. {@linkcode CalibrationHub}
 * is the implementation; the interface lets a benchmark serve synthetic
 * steps through the same tools and transports.
 *
 * @module
 */
import type { StartCalibrationInput } from "./calibration_hub.ts";
import type { SessionStatus } from "./calibration_session.ts";
import type { McpDispatcher } from "./mcp_dispatcher.ts";

/** One run as the tools see it. */
export interface RunHandle {
  readonly runId: string;
  readonly totalCases: number;
  readonly workerCount: number;
  /** The run's steps queue. */
  readonly dispatcher: Pick<McpDispatcher, "next" | "submit">;
  /** Counts for `get_status`. */
  status(): SessionStatus;
  /** The report (partial while running). */
  report(format: "json" | "text"): Promise<string>;
  /** The current briefing. */
  briefing(): string;
}

/** Runs by id. */
export interface RunRegistry {
  /** Starts a run. @throws {McpToolError} for bad input. */
  start(input: StartCalibrationInput): Promise<RunHandle>;
  /** The run `runId`. @throws {McpToolError} when there is none. */
  get(runId: string): RunHandle;
}
