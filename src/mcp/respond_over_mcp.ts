/**
 * `asterisk respond --mcp`: starts (or joins) a run on an MCP server and
 * answers it with ground-truth workers, then fetches the report.
 *
 * @module
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { connectMcpClient, isUrlTarget } from "./connect_mcp_client.ts";
import {
  callTool,
  McpWorkerError,
  runGroundTruthWorker,
} from "./ground_truth_worker.ts";
import type { OfferedStep } from "./mcp_dispatcher.ts";
import type { CalibrationReport } from "../core/calibration_report.ts";
import type { Scenario } from "../scenario/scenario_schema.ts";

/** Options of {@linkcode respondOverMcp}. */
export interface RespondOverMcpOptions {
  /** Server URL or command line. */
  readonly target: string;
  readonly token?: string;
  /** The scenario to start (and whose ground truth answers). */
  readonly scenario: Scenario;
  /** Scenario name or path as the server should load it. */
  readonly scenarioRef: string;
  /** Workers to run. */
  readonly workers: number;
  /** Join this run instead of starting one. */
  readonly runId?: string;
  /** Steps per wave of a started run. @default {workers} */
  readonly batchSize?: number;
  /** Called after every accepted step. */
  readonly onStep?: (workerId: string, step: OfferedStep) => void;
}

/** What {@linkcode respondOverMcp} got. */
export interface RespondOverMcpResult {
  readonly runId: string;
  /** Accepted steps per worker. */
  readonly steps: readonly number[];
  /** The final report. */
  readonly report: CalibrationReport;
  /** The report as text. */
  readonly text: string;
}

/**
 * Runs `workers` ground-truth workers on the run and returns its report.
 * Over HTTP every worker has its own session; over stdio they share the one
 * connection to the child server.
 */
export async function respondOverMcp(
  options: RespondOverMcpOptions,
): Promise<RespondOverMcpResult> {
  const connect = (name: string) =>
    connectMcpClient(options.target, { token: options.token, name });
  const supervisor = await connect("asterisk-supervisor");
  const clients: Client[] = [supervisor];
  try {
    const runId = options.runId ?? (await callTool<{ run_id: string }>(
      supervisor,
      "start_calibration",
      {
        scenario: options.scenarioRef,
        parallel: options.workers,
        batch_size: options.batchSize ?? options.workers,
      },
    )).run_id;
    const workerClients: Client[] = [];
    for (let i = 0; i < options.workers; i++) {
      if (isUrlTarget(options.target)) {
        const client = await connect(`asterisk-worker-${i + 1}`);
        clients.push(client);
        workerClients.push(client);
      } else {
        workerClients.push(supervisor);
      }
    }
    const steps = await Promise.all(workerClients.map((client, i) => {
      const workerId = `worker-${i + 1}`;
      return runGroundTruthWorker({
        client,
        runId,
        workerId,
        scenario: options.scenario,
        onStep: (step) => options.onStep?.(workerId, step),
      });
    }));
    const json = await callTool<string>(supervisor, "get_report", {
      run_id: runId,
      format: "json",
    });
    const text = await callTool<string>(supervisor, "get_report", {
      run_id: runId,
      format: "text",
    });
    const report = JSON.parse(json);
    if (report.partial) {
      throw new McpWorkerError(
        `Run ${runId} ended without a report (${report.state}${
          report.error ? `: ${report.error}` : ""
        })`,
      );
    }
    return { runId, steps, report, text };
  } finally {
    await Promise.allSettled(clients.map((c) => c.close()));
  }
}
