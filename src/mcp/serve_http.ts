/**
 * `asterisk serve --http`: Streamable HTTP on `Deno.serve`, one MCP session
 * (server + transport) per client, all on one {@linkcode RunRegistry}.
 *
 * Every request passes three checks before the MCP transport sees it:
 * - **Host** must name the bound address (or `localhost` when bound to
 *   loopback), against DNS rebinding;
 * - **Origin**, when a browser sends one, must be such a host too;
 * - **Authorization: Bearer <token>** when a token is set (required for a
 *   binding beyond loopback).
 *
 * @module
 */
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { RunRegistry } from "./run_registry.ts";
import { createMcpServer } from "./create_mcp_server.ts";

/** The MCP endpoint's path. */
export const MCP_PATH = "/mcp";

/** Options of {@linkcode serveHttp}. */
export interface ServeHttpOptions {
  /** Address to bind, e.g. `127.0.0.1`. */
  readonly hostname: string;
  /** Port to bind; 0 picks a free one. */
  readonly port: number;
  /** Bearer token every request must carry (required beyond loopback). */
  readonly token?: string;
  /** Server version for the handshake. */
  readonly version: string;
  /** Stops the server. */
  readonly signal?: AbortSignal;
}

/** A listening server. */
export interface HttpServer {
  /** The endpoint, e.g. `http://127.0.0.1:4567/mcp`. */
  readonly url: string;
  /** Resolves once the server has stopped. */
  readonly finished: Promise<void>;
  /** Stops accepting requests and closes every session. */
  shutdown(): Promise<void>;
}

/** Thrown for options that would expose the server. */
export class ServeOptionsError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "ServeOptionsError";
  }
}

/** True for addresses only this machine reaches. */
export function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "::1" ||
    hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function refuse(status: number, message: string, headers = {}): Response {
  return new Response(
    JSON.stringify({
      jsonrpc: "2.0",
      error: { code: -32000, message },
      id: null,
    }),
    { status, headers: { "content-type": "application/json", ...headers } },
  );
}

/** Compares without leaking the position of the first difference. */
function sameSecret(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  }
  return diff === 0;
}

/**
 * Starts serving `hub` over Streamable HTTP.
 *
 * @throws {ServeOptionsError} when binding beyond loopback without a token.
 */
export async function serveHttp(
  hub: RunRegistry,
  options: ServeHttpOptions,
): Promise<HttpServer> {
  if (!isLoopback(options.hostname) && !options.token) {
    throw new ServeOptionsError(
      `Cannot serve on '${options.hostname}' without --token: a binding beyond loopback requires bearer authentication`,
    );
  }
  const sessions = new Map<string, WebStandardStreamableHTTPServerTransport>();
  let allowedHosts = new Set<string>();

  const handle = async (request: Request): Promise<Response> => {
    const host = request.headers.get("host") ?? "";
    if (!allowedHosts.has(host.toLowerCase())) {
      return refuse(403, `Refused Host '${host}': expected the bound address`);
    }
    const origin = request.headers.get("origin");
    if (origin !== null) {
      let originHost = "";
      try {
        originHost = new URL(origin).host.toLowerCase();
      } catch {
        // An unparsable Origin matches no allowed host: refused below.
      }
      if (!allowedHosts.has(originHost)) {
        return refuse(
          403,
          `Refused Origin '${origin}': expected the bound address`,
        );
      }
    }
    if (options.token) {
      const given = request.headers.get("authorization") ?? "";
      const match = /^Bearer\s+(.+)$/i.exec(given);
      if (!match || !sameSecret(match[1].trim(), options.token)) {
        return refuse(
          401,
          given === ""
            ? "Missing Authorization: expected 'Bearer <token>'"
            : "Wrong bearer token",
          { "www-authenticate": 'Bearer realm="asterisk"' },
        );
      }
    }
    if (new URL(request.url).pathname !== MCP_PATH) {
      return refuse(404, `Not found: the MCP endpoint is ${MCP_PATH}`);
    }
    const sessionId = request.headers.get("mcp-session-id");
    const known = sessionId === null ? undefined : sessions.get(sessionId);
    if (known) return await known.handleRequest(request);
    if (sessionId !== null) {
      return refuse(404, `Unknown session '${sessionId}': initialize again`);
    }
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
      enableJsonResponse: true,
      onsessioninitialized: (id: string) => {
        sessions.set(id, transport);
      },
      onsessionclosed: (id: string) => {
        sessions.delete(id);
      },
    });
    const server = createMcpServer(hub, options.version);
    await server.connect(transport);
    const response = await transport.handleRequest(request);
    if (transport.sessionId === undefined) await server.close();
    return response;
  };

  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: options.hostname,
    port: options.port,
    signal: options.signal,
    onListen: (addr) => listening.resolve(addr as Deno.NetAddr),
  }, handle);
  const addr = await listening.promise;
  const port = addr.port;
  const bound =
    options.hostname.includes(":") && !options.hostname.startsWith("[")
      ? `[${options.hostname}]`
      : options.hostname;
  const names = isLoopback(options.hostname)
    ? [bound, "localhost", "127.0.0.1", "[::1]"]
    : [bound];
  allowedHosts = new Set(names.map((n) => `${n}:${port}`.toLowerCase()));

  const closeSessions = async () => {
    const all = [...sessions.values()];
    sessions.clear();
    await Promise.allSettled(all.map((t) => t.close()));
  };
  options.signal?.addEventListener("abort", () => void closeSessions(), {
    once: true,
  });
  return {
    url: `http://${bound}:${port}${MCP_PATH}`,
    finished: server.finished,
    async shutdown() {
      await closeSessions();
      await server.shutdown();
    },
  };
}
