/**
 * Our own MCP worker: the ground-truth responder driving a run through the
 * tools (`get_next_step` → answer → `submit_artifact`) with the SDK's
 * {@linkcode Client}. Store ids are resolved from the run directory that
 * `get_status` names, as the file responder does, so the worker must share
 * the server's file system.
 *
 * @module
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  groundTruthAnswer,
  type GroundTruthKnowledge,
} from "../adapter/ground_truth.ts";
import { runDirKnowledge } from "../responder/run_dir_knowledge.ts";
import type { Scenario } from "../scenario/scenario_schema.ts";
import type { OfferedStep, SubmitResult } from "./mcp_dispatcher.ts";

/** A tool call failed or answered something unexpected. */
export class McpWorkerError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "McpWorkerError";
  }
}

/** Calls `name` and returns its structured result; an error result throws. */
export async function callTool<T>(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<T> {
  const result = await client.callTool({ name, arguments: args }, undefined, {
    timeout: 120_000,
  });
  const content = result.content as { type: string; text?: string }[];
  if (result.isError) {
    throw new McpWorkerError(
      `Tool ${name} failed: ${content.map((c) => c.text ?? "").join(" ")}`,
    );
  }
  if (result.structuredContent !== undefined) {
    return result.structuredContent as T;
  }
  return content[0]?.text as T;
}

/** Options of {@linkcode runGroundTruthWorker}. */
export interface GroundTruthWorkerOptions {
  readonly client: Client;
  readonly runId: string;
  readonly workerId: string;
  /** The scenario whose ground truth answers. */
  readonly scenario: Scenario;
  /**
   * Store links of the run's cases.
   *
   * @default {read from the run directory `get_status` names}
   */
  readonly knowledge?: GroundTruthKnowledge;
  /**
   * `wait_ms` of each `get_next_step`.
   *
   * @default {10000}
   */
  readonly waitMs?: number;
  /** Stop after this many accepted steps. @default {Infinity} */
  readonly maxSteps?: number;
  /** Called with every accepted step. */
  readonly onStep?: (step: OfferedStep) => void;
}

/**
 * Answers steps of `runId` until the server says the run is done; returns
 * the number of accepted submissions.
 *
 * @throws {McpWorkerError} when a tool fails or an answer is refused.
 */
export async function runGroundTruthWorker(
  options: GroundTruthWorkerOptions,
): Promise<number> {
  const { client, runId, workerId } = options;
  let knowledge = options.knowledge;
  let accepted = 0;
  while (accepted < (options.maxSteps ?? Infinity)) {
    const next = await callTool<{ done: boolean; step?: OfferedStep }>(
      client,
      "get_next_step",
      { run_id: runId, worker_id: workerId, wait_ms: options.waitMs ?? 10_000 },
    );
    if (next.done) return accepted;
    const step = next.step;
    if (step === undefined) continue;
    if (knowledge === undefined) {
      const status = await callTool<{ run_dir: string }>(client, "get_status", {
        run_id: runId,
      });
      knowledge = await runDirKnowledge(status.run_dir);
    }
    const data = await groundTruthAnswer(options.scenario, {
      caseId: step.case_id,
      step: step.step,
    }, knowledge);
    const result = await callTool<SubmitResult>(client, "submit_artifact", {
      run_id: runId,
      dispatch_id: step.dispatch_id,
      data,
      worker_id: workerId,
    });
    if (!result.accepted) {
      throw new McpWorkerError(
        `Answer for ${step.case_id} ${step.step} refused: ${
          result.errors.join("; ")
        }`,
      );
    }
    accepted += 1;
    options.onStep?.(step);
  }
  return accepted;
}
