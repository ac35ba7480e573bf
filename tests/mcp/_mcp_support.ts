/**
 * Test support for the MCP server: the in-process stub's report to compare
 * with, an HTTP server on a free loopback port, and SDK clients.
 *
 * @module
 */
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { runCli } from "../../src/cli/run_cli.ts";
import type { CalibrationReport } from "../../src/core/calibration_report.ts";
import { caseColumns, formatCaseLine } from "../../src/report/format_report.ts";
import {
  CalibrationHub,
  type CalibrationHubOptions,
} from "../../src/mcp/calibration_hub.ts";
import { type HttpServer, serveHttp } from "../../src/mcp/serve_http.ts";
import { captureTerminal } from "../support/capture_terminal.ts";

/** The in-process stub's ptp-mock report. */
export async function stubReport(dir: string): Promise<CalibrationReport> {
  const t = captureTerminal();
  const code = await runCli([
    "calibrate",
    "--json",
    `--run-dir=${join(dir, "stub")}`,
  ], { terminal: t.terminal });
  if (code !== 0) throw new Error(`stub calibration failed: ${t.stderr()}`);
  return JSON.parse(t.stdout());
}

/** The per-case lines of a report, as the text report prints them. */
export function caseLines(report: CalibrationReport): string[] {
  const columns = caseColumns(report.case_results);
  return report.case_results.map((r) => formatCaseLine(r, columns));
}

/** A hub served over HTTP on 127.0.0.1, port chosen by the system. */
export interface HttpFixture extends AsyncDisposable {
  readonly hub: CalibrationHub;
  readonly server: HttpServer;
  /** A connected SDK client (closed with the fixture). */
  client(options?: { token?: string }): Promise<Client>;
}

/** Starts a hub on `root` and serves it over HTTP on 127.0.0.1:0. */
export async function httpFixture(
  options: Omit<CalibrationHubOptions, "root"> & {
    root: string;
    token?: string;
  },
): Promise<HttpFixture> {
  const hub = new CalibrationHub(options);
  const server = await serveHttp(hub, {
    hostname: "127.0.0.1",
    port: 0,
    token: options.token,
    version: "test",
  });
  const clients: Client[] = [];
  return {
    hub,
    server,
    async client(opts = {}) {
      const client = new Client({ name: "test", version: "1" });
      const headers: Record<string, string> = opts.token
        ? { authorization: `Bearer ${opts.token}` }
        : {};
      await client.connect(
        new StreamableHTTPClientTransport(new URL(server.url), {
          requestInit: { headers },
        }),
      );
      clients.push(client);
      return client;
    },
    async [Symbol.asyncDispose]() {
      await Promise.allSettled(clients.map((c) => c.close()));
      await hub.close();
      await server.shutdown();
    },
  };
}

/** A tool's structured result (or its text), failing on an error result. */
export async function call<T = Record<string, unknown>>(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<T> {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as { text?: string }[];
  if (result.isError) throw new Error(`${name}: ${content[0]?.text}`);
  return (result.structuredContent ?? content[0]?.text) as T;
}
