/**
 * One MCP server instance (one per connection) exposing the calibration
 * tools of a shared {@linkcode RunRegistry}.
 *
 * @module
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RunRegistry } from "./run_registry.ts";
import { registerCalibrationTools } from "./mcp_tools.ts";

/** Name the server reports in the MCP handshake. */
export const SERVER_NAME = "asterisk";

/** Creates a server whose tools act on `hub`. */
export function createMcpServer(
  hub: RunRegistry,
  version: string,
): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, version },
    {
      instructions:
        "asterisk calibrates root-cause analysis of failed CI tests. A supervisor calls start_calibration and hands worker_prompt to worker_count subagents; each worker loops get_next_step → submit_artifact until done; get_status, get_report and get_briefing show progress.",
    },
  );
  registerCalibrationTools(server, hub);
  return server;
}
