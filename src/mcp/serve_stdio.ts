/**
 * `asterisk serve` over stdio: one MCP connection on standard input and
 * output (the SDK's transport owns stdout; nothing else may write there).
 *
 * @module
 */
import process from "node:process";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { RunRegistry } from "./run_registry.ts";
import { createMcpServer } from "./create_mcp_server.ts";

/** Serves `hub` on stdio until the client closes the connection or `signal` aborts. */
export async function serveStdio(
  hub: RunRegistry,
  options: { readonly version: string; readonly signal?: AbortSignal },
): Promise<void> {
  const server = createMcpServer(hub, options.version);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    // The SDK's transport does not watch for the end of input: a client that
    // closes our stdin has gone away.
    process.stdin.once("end", () => resolve());
    options.signal?.addEventListener("abort", () => resolve(), { once: true });
  });
  await server.connect(transport);
  await closed;
  await server.close();
}
