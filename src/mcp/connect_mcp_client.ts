/**
 * Connects the SDK's {@linkcode Client} to an asterisk MCP server: a URL
 * (Streamable HTTP, with an optional bearer token) or a command line started
 * as a child speaking stdio.
 *
 * @module
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ChildStdioTransport } from "./child_stdio_transport.ts";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

/** Options of {@linkcode connectMcpClient}. */
export interface ConnectOptions {
  /** Bearer token for an HTTP server. */
  readonly token?: string;
  /**
   * Client name in the handshake.
   *
   * @default {"asterisk-worker"}
   */
  readonly name?: string;
  /**
   * What the child's stderr does (stdio).
   *
   * @default {"inherit"}
   */
  readonly stderr?: "inherit" | "null";
}

/** True when `target` is an HTTP(S) URL rather than a command line. */
export function isUrlTarget(target: string): boolean {
  return /^https?:\/\//i.test(target.trim());
}

/**
 * Connects to `target`: a URL, or a command line (split on whitespace, no
 * quoting) whose process serves MCP on stdio.
 */
export async function connectMcpClient(
  target: string,
  options: ConnectOptions = {},
): Promise<Client> {
  const client = new Client({
    name: options.name ?? "asterisk-worker",
    version: "0.1.0",
  });
  if (isUrlTarget(target)) {
    const headers: Record<string, string> = options.token
      ? { authorization: `Bearer ${options.token}` }
      : {};
    await client.connect(
      new StreamableHTTPClientTransport(new URL(target.trim()), {
        requestInit: { headers },
      }),
    );
    return client;
  }
  const [command, ...args] = target.trim().split(/\s+/);
  if (!command) {
    throw new RangeError(
      "Cannot connect to an empty MCP target: expected a URL or a command line",
    );
  }
  await client.connect(
    new ChildStdioTransport({
      command,
      args,
      stderr: options.stderr ?? "inherit",
    }),
  );
  return client;
}
