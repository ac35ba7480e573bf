/**
 * `asterisk serve`: the MCP server. Stdio by default; `--http [host:]port`
 * serves Streamable HTTP (127.0.0.1 unless a host is given; beyond loopback
 * only with `--token`).
 *
 * @module
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import { ExitCode, type ExitCodeValue } from "./exit_code.ts";
import { duration } from "./option_parsers.ts";
import type { Terminal } from "./terminal.ts";
import { UsageError } from "./usage_error.ts";
import { DEFAULT_LEASE_MS } from "../mcp/mcp_dispatcher.ts";

/** Default directory the server's run directories live under. */
export const DEFAULT_RUN_ROOT = ".asterisk/mcp";

/** A parsed `--http` address. */
export interface HttpAddress {
  readonly hostname: string;
  readonly port: number;
}

/** Parses `--http`: `port`, `host:port` or `[v6]:port`; host 127.0.0.1 by default. */
export function httpAddress(value: string): HttpAddress {
  const match = /^(?:(\[[0-9a-fA-F:]+\]|[^:\s]+):)?(\d{1,5})$/.exec(
    value.trim(),
  );
  const port = Number(match?.[2]);
  if (match === null || port > 65535) {
    throw new InvalidArgumentError(
      "expected [host:]port such as '7437' or '127.0.0.1:7437'",
    );
  }
  const host = match[1] ?? "127.0.0.1";
  return { hostname: host.replace(/^\[(.*)\]$/, "$1"), port };
}

/** Parsed `serve` flags. */
export interface ServeFlags {
  http?: HttpAddress;
  token?: string;
  runRoot: string;
  lease: number;
  promptDir?: string;
}

/** Adds the `serve` flags to `command`. */
export function defineServeOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        "--http <[host:]port>",
        "serve Streamable HTTP instead of stdio (host 127.0.0.1 by default)",
      ).argParser(httpAddress),
    )
    .addOption(
      new Option(
        "--token <token>",
        "bearer token every HTTP request must carry (required beyond loopback)",
      ),
    )
    .addOption(
      new Option("--run-root <dir>", "directory of the runs' directories")
        .default(DEFAULT_RUN_ROOT),
    )
    .addOption(
      new Option(
        "--lease <duration>",
        "how long a worker holds a step before it is offered again",
      ).argParser(duration).default(DEFAULT_LEASE_MS, "10m"),
    )
    .addOption(
      new Option("--prompt-dir <dir>", "prompt template overrides"),
    );
}

/** Dependencies of {@linkcode runServeCommand}. */
export interface ServeCommandContext {
  readonly terminal: Terminal;
  /** Stops the server (Ctrl-C, SIGTERM). */
  readonly signal?: AbortSignal;
  readonly version: string;
}

/** Serves until the client disconnects (stdio) or `signal` aborts. */
export async function runServeCommand(
  flags: ServeFlags,
  context: ServeCommandContext,
): Promise<ExitCodeValue> {
  const { terminal } = context;
  if (flags.token !== undefined && flags.http === undefined) {
    throw new UsageError("Cannot use --token without --http: stdio needs none");
  }
  // The MCP SDK (and its JSON-schema validator) loads only for `serve`: the
  // other commands start 0.1 s sooner.
  const [{ CalibrationHub }, { isLoopback, serveHttp, ServeOptionsError }, {
    serveStdio,
  }] = await Promise.all([
    import("../mcp/calibration_hub.ts"),
    import("../mcp/serve_http.ts"),
    import("../mcp/serve_stdio.ts"),
  ]);
  const hub = new CalibrationHub({
    root: flags.runRoot,
    leaseMs: flags.lease,
    promptDir: flags.promptDir,
  });
  try {
    if (flags.http === undefined) {
      await serveStdio(hub, context);
      return ExitCode.Pass;
    }
    const { hostname, port } = flags.http;
    let server;
    try {
      server = await serveHttp(hub, {
        hostname,
        port,
        token: flags.token,
        version: context.version,
        signal: context.signal,
      });
    } catch (error) {
      if (error instanceof ServeOptionsError) {
        throw new UsageError(error.message);
      }
      throw error;
    }
    terminal.info(
      `asterisk serve: listening on ${server.url}${
        flags.token ? " (bearer token required)" : ""
      }${isLoopback(hostname) ? "" : " beyond loopback"}`,
    );
    await server.finished;
    return ExitCode.Pass;
  } finally {
    await hub.close();
  }
}
