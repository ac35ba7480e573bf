/**
 * The calibrations one `asterisk serve` process runs, by run id, shared by
 * every MCP connection (a worker on another connection names the run its
 * supervisor started).
 *
 * @module
 */
import { isAbsolute, join, normalize, relative, resolve } from "node:path";
import { CalibrationSession } from "./calibration_session.ts";
import { McpToolError } from "./mcp_tool_error.ts";
import type { RunRegistry } from "./run_registry.ts";
import {
  loadTemplates,
  type PromptTemplates,
} from "../adapter/prompt/render_prompt.ts";
import {
  prepareRunDirectory,
  RunDirectoryError,
} from "../runner/prepare_run_directory.ts";
import { loadScenario } from "../scenario/load_scenario.ts";
import { DispatchIds } from "../transport/dispatch_ids.ts";
import { systemClock, type TimerClock } from "../util/clock.ts";

/** `start_calibration`'s input. */
export interface StartCalibrationInput {
  /** Built-in scenario name or scenario file path. */
  readonly scenario: string;
  /** Workers (parallel slots). @default {4} */
  readonly parallel?: number;
  /** Steps per wave. @default {parallel} */
  readonly batch_size?: number;
  /** Run directory relative to the server's root; also the run id. @default {a new id} */
  readonly run_dir?: string;
  /** Resume the run found in `run_dir`. @default {false} */
  readonly resume?: boolean;
}

/** Options of {@linkcode CalibrationHub}. */
export interface CalibrationHubOptions {
  /** Directory every run directory lives under. */
  readonly root: string;
  /**
   * Lease of a handed-out step, in milliseconds.
   *
   * @default {DEFAULT_LEASE_MS}
   */
  readonly leaseMs?: number;
  /** Directory of prompt template overrides. */
  readonly promptDir?: string;
  /** @default {systemClock} */
  readonly clock?: TimerClock;
}

/** Default number of workers of a run. */
export const DEFAULT_WORKERS = 4;

/** Runs by id. */
export class CalibrationHub implements RunRegistry {
  readonly #options: CalibrationHubOptions;
  readonly #sessions = new Map<string, CalibrationSession>();
  readonly #ids = new DispatchIds();
  #templates: Promise<PromptTemplates> | undefined;
  #counter = 0;

  /** Creates an empty hub. */
  constructor(options: CalibrationHubOptions) {
    this.#options = options;
  }

  /**
   * Starts a calibration.
   *
   * @throws {McpToolError} for bad input (unknown scenario, a run directory
   * outside the root, a run of that id already running).
   */
  async start(input: StartCalibrationInput): Promise<CalibrationSession> {
    const parallel = input.parallel ?? DEFAULT_WORKERS;
    const batchSize = input.batch_size ?? parallel;
    const clock = this.#options.clock ?? systemClock;
    const runId = input.run_dir ??
      `${
        clock.now().toISOString().replace(/[-:]|\.\d+Z$/g, "").replace("T", "-")
      }-${++this.#counter}`;
    const runDir = this.#runDir(runId);
    const current = this.#sessions.get(runId);
    if (current !== undefined && current.status().state === "running") {
      throw new McpToolError(
        `Cannot start run '${runId}': it is running; call get_next_step with run_id '${runId}' to work on it`,
      );
    }
    for (
      const [name, value] of [["parallel", parallel], [
        "batch_size",
        batchSize,
      ]] as const
    ) {
      if (!Number.isInteger(value) || value < 1 || value > 64) {
        throw new McpToolError(
          `Cannot start a calibration with ${name} = ${value}: expected an integer from 1 to 64`,
        );
      }
    }
    const scenario = await loadScenario(input.scenario).catch((error) => {
      throw new McpToolError((error as Error).message, { cause: error });
    });
    this.#templates ??= loadTemplates(this.#options.promptDir);
    const templates = await this.#templates;
    const directory = await prepareRunDirectory(runDir, {
      resume: input.resume ?? false,
    }).catch((error) => {
      if (!(error instanceof RunDirectoryError)) throw error;
      throw new McpToolError(
        `${error.message}${
          input.resume ? "" : "; to continue it, pass resume: true"
        }`,
        { cause: error },
      );
    });
    const session = CalibrationSession.start({
      runId,
      scenario,
      runDir,
      parallel,
      batchSize,
      templates,
      directory,
      leaseMs: this.#options.leaseMs,
      clock,
      ids: this.#ids,
      resume: input.resume ?? false,
    });
    this.#sessions.set(runId, session);
    return session;
  }

  /**
   * The session of `runId`.
   *
   * @throws {McpToolError} naming the known runs when there is none.
   */
  get(runId: string): CalibrationSession {
    const session = this.#sessions.get(runId);
    if (session !== undefined) return session;
    const known = [...this.#sessions.keys()];
    throw new McpToolError(
      `Unknown run_id '${runId}': expected one returned by start_calibration (${
        known.length === 0 ? "no run started yet" : `known: ${known.join(", ")}`
      })`,
    );
  }

  /** Stops every run and waits for them to end. */
  async close(): Promise<void> {
    for (const session of this.#sessions.values()) session.stop();
    await Promise.allSettled(
      [...this.#sessions.values()].map((s) => s.finished),
    );
  }

  /** Resolves `dir` inside the root; refuses absolute paths and `..`. */
  #runDir(dir: string): string {
    const root = resolve(this.#options.root);
    const target = resolve(root, normalize(dir));
    const inside = relative(root, target);
    if (
      isAbsolute(dir) || inside === "" || inside.startsWith("..") ||
      isAbsolute(inside)
    ) {
      throw new McpToolError(
        `Cannot use run_dir '${dir}': expected a relative path inside the server's run root '${root}'`,
      );
    }
    return join(root, inside);
  }
}
