/**
 * The calibration tools (names and fields as the Go successor's skills use
 * them): `start_calibration`, `get_next_step`, `submit_artifact`,
 * `get_status`, `get_report`, `get_briefing`. See `contracts/mcp-protocol.md`.
 *
 * @module
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { RunRegistry } from "./run_registry.ts";
import { McpToolError } from "./mcp_tool_error.ts";
import { workerPrompt } from "./worker_prompt.ts";

/** Default `wait_ms` of `get_next_step`. */
export const DEFAULT_WAIT_MS = 10_000;
/** Longest `wait_ms` (below the clients' usual 60 s request timeout). */
export const MAX_WAIT_MS = 50_000;

const runId = z.string().min(1).describe("Run id from start_calibration");

/** What a tool handler gets besides its input. */
interface ToolExtra {
  /** Aborts when the client cancels the request or goes away. */
  readonly signal: AbortSignal;
}

/**
 * Registers one tool. The handler's input type comes from the zod shape (the
 * SDK's own inference does not reach our zod under Deno's resolution).
 */
function tool<S extends z.ZodRawShape>(
  server: McpServer,
  name: string,
  config: { readonly description: string; readonly inputSchema: S },
  handler: (
    input: z.infer<z.ZodObject<S>>,
    extra: ToolExtra,
  ) => Promise<CallToolResult>,
): void {
  server.registerTool(name, config, handler as never);
}

function ok(value: Record<string, unknown>): CallToolResult {
  return {
    content: [{ type: "text", text: JSON.stringify(value) }],
    structuredContent: value,
  };
}

function text(value: string): CallToolResult {
  return { content: [{ type: "text", text: value }] };
}

/** Runs `fn`; a {@linkcode McpToolError} becomes an error result. */
async function guarded(
  fn: () => Promise<CallToolResult> | CallToolResult,
): Promise<CallToolResult> {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof McpToolError)) throw error;
    return { isError: true, content: [{ type: "text", text: error.message }] };
  }
}

/** Registers the calibration tools of `hub` on `server`. */
export function registerCalibrationTools(
  server: McpServer,
  hub: RunRegistry,
): void {
  tool(server, "start_calibration", {
    description:
      "Start a calibration run. Returns run_id, total_cases, worker_count and worker_prompt: hand worker_prompt to each of worker_count subagents.",
    inputSchema: {
      scenario: z.string().min(1).describe(
        "Built-in scenario name (e.g. ptp-mock) or scenario file path",
      ),
      parallel: z.number().int().min(1).max(64).optional().describe(
        "Workers (parallel slots), default 4",
      ),
      batch_size: z.number().int().min(1).max(64).optional().describe(
        "Steps per wave, default: parallel",
      ),
      run_dir: z.string().min(1).optional().describe(
        "Run directory relative to the server's run root, default: the run id",
      ),
      resume: z.boolean().optional().describe(
        "Resume the run stored in run_dir",
      ),
    },
  }, (input, _extra) =>
    guarded(async () => {
      const session = await hub.start(input);
      return ok({
        run_id: session.runId,
        total_cases: session.totalCases,
        worker_count: session.workerCount,
        worker_prompt: workerPrompt(session.runId, session.workerCount),
      });
    }));

  tool(server, "get_next_step", {
    description:
      "Lease the next step of a run: {done, step?}; step has dispatch_id, case_id, step, prompt, schema (JSON Schema of the answer), briefing?. Waits up to wait_ms for work.",
    inputSchema: {
      run_id: runId,
      worker_id: z.string().min(1).max(200).optional().describe(
        "Your worker name (shown by get_status)",
      ),
      wait_ms: z.number().int().min(0).max(MAX_WAIT_MS).optional().describe(
        `How long to wait for a step, default ${DEFAULT_WAIT_MS}`,
      ),
    },
  }, (input, extra) =>
    guarded(async () => {
      const session = hub.get(input.run_id);
      const step = await session.dispatcher.next({
        workerId: input.worker_id,
        waitMs: input.wait_ms ?? DEFAULT_WAIT_MS,
        signal: extra.signal,
      });
      if (step === "done") return ok({ done: true });
      return ok(step === undefined ? { done: false } : { done: false, step });
    }));

  tool(server, "submit_artifact", {
    description:
      "Submit the answer (the artifact's data) of a leased step: {accepted, errors?}. A refused answer names the field and what was expected; fix it and submit again under the same dispatch_id.",
    inputSchema: {
      run_id: runId,
      dispatch_id: z.number().int().describe("dispatch_id of the step"),
      data: z.unknown().describe("The artifact's data (a JSON object)"),
      worker_id: z.string().min(1).max(200).optional(),
    },
  }, (input, _extra) =>
    guarded(() => {
      const session = hub.get(input.run_id);
      return ok({
        ...session.dispatcher.submit(
          input.dispatch_id,
          input.data,
          input.worker_id,
        ),
      });
    }));

  tool(
    server,
    "get_status",
    {
      description:
        "Progress of a run: cases done/total, steps done, queued and in flight, and per worker its last call and accepted steps.",
      inputSchema: { run_id: runId },
    },
    (input, _extra) => guarded(() => ok({ ...hub.get(input.run_id).status() })),
  );

  tool(
    server,
    "get_report",
    {
      description:
        "The run's calibration report (partial while running), as json or text.",
      inputSchema: {
        run_id: runId,
        format: z.enum(["json", "text"]).optional().describe("default json"),
      },
    },
    (input, _extra) =>
      guarded(async () =>
        text(await hub.get(input.run_id).report(input.format ?? "json"))
      ),
  );

  tool(server, "get_briefing", {
    description:
      "The run's current briefing (markdown; empty before the first batch).",
    inputSchema: { run_id: runId },
  }, (input, _extra) => guarded(() => text(hub.get(input.run_id).briefing())));
}
