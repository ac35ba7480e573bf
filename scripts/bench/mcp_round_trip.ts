/**
 * Benchmark: the MCP worker loop's cost. A child process serves the real
 * tools over a synthetic run that always has steps ready
 * (`mcp_bench_server.ts`); the SDK's Client measures the
 * `get_next_step` → `submit_artifact` round trip (p50, p99) with one worker,
 * and steps per second with 4 concurrent workers, over stdio and over HTTP.
 *
 * @module
 */
import { denoExecutable } from "../../src/util/deno_executable.ts";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { connectMcpClient } from "../../src/mcp/connect_mcp_client.ts";
import { callTool } from "../../src/mcp/ground_truth_worker.ts";
import type { OfferedStep } from "../../src/mcp/mcp_dispatcher.ts";
import { BENCH_RUN_ID } from "./mcp_bench_server.ts";
import { ms, percentile } from "./stats.ts";

const SERVER = new URL("./mcp_bench_server.ts", import.meta.url).pathname;

/** Figures of one transport. */
export interface McpRoundTripResult {
  readonly transport: "stdio" | "http";
  readonly roundTrips: number;
  readonly p50: number;
  readonly p99: number;
  /** Accepted steps per second with `workers` concurrent workers. */
  readonly stepsPerSecond: number;
  readonly workers: number;
}

async function roundTrip(client: Client, workerId: string): Promise<void> {
  const next = await callTool<{ step?: OfferedStep }>(client, "get_next_step", {
    run_id: BENCH_RUN_ID,
    worker_id: workerId,
    wait_ms: 1000,
  });
  if (next.step === undefined) throw new Error("The bench server had no step");
  const result = await callTool<{ accepted: boolean }>(
    client,
    "submit_artifact",
    {
      run_id: BENCH_RUN_ID,
      dispatch_id: next.step.dispatch_id,
      data: { decision: "approve" },
      worker_id: workerId,
    },
  );
  if (!result.accepted) throw new Error("The bench server refused a step");
}

/** Starts the bench server (`--http`: over HTTP) and connects `count` clients. */
async function connect(
  transport: "stdio" | "http",
  count: number,
): Promise<{ clients: Client[]; stop: () => Promise<void> }> {
  const deno = denoExecutable();
  if (transport === "stdio") {
    const client = await connectMcpClient(
      `${deno} run --allow-net=127.0.0.1 ${SERVER}`,
      { stderr: "null" },
    );
    return {
      clients: Array.from({ length: count }, () => client),
      stop: () => client.close(),
    };
  }
  const child = new Deno.Command(deno, {
    args: ["run", "--allow-net=127.0.0.1", SERVER, "--http"],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let head = "";
  while (!head.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("The HTTP bench server exited before listening");
    head += value;
  }
  reader.releaseLock();
  void child.stdout.cancel().catch(() => {});
  const url = head.split("\n")[0].trim();
  const clients = await Promise.all(
    Array.from({ length: count }, () => connectMcpClient(url)),
  );
  return {
    clients,
    stop: async () => {
      await Promise.allSettled(clients.map((c: Client) => c.close()));
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

/** Measures one transport. */
export async function measureMcpRoundTrip(
  options: {
    readonly transport: "stdio" | "http";
    readonly roundTrips: number;
    readonly workers?: number;
  },
): Promise<McpRoundTripResult> {
  const workers = options.workers ?? 4;
  const { clients, stop } = await connect(options.transport, workers);
  try {
    for (let i = 0; i < 50; i++) await roundTrip(clients[0], "warmup");
    const samples: number[] = [];
    for (let i = 0; i < options.roundTrips; i++) {
      const started = performance.now();
      await roundTrip(clients[0], "solo");
      samples.push(performance.now() - started);
    }
    const perWorker = options.roundTrips;
    const started = performance.now();
    await Promise.all(clients.map(async (client: Client, w: number) => {
      for (let i = 0; i < perWorker; i++) await roundTrip(client, `w${w}`);
    }));
    const seconds = (performance.now() - started) / 1000;
    return {
      transport: options.transport,
      roundTrips: options.roundTrips,
      p50: percentile(samples, 50),
      p99: percentile(samples, 99),
      stepsPerSecond: (perWorker * workers) / seconds,
      workers,
    };
  } finally {
    await stop();
  }
}

/** Prints the MCP figures (the `deno task bench` section). */
export async function printMcpFigures(
  options: { readonly roundTrips: number },
): Promise<void> {
  console.log("");
  console.log(
    "MCP: get_next_step → submit_artifact round trip (1 worker), steps/s (4 workers)",
  );
  for (const transport of ["stdio", "http"] as const) {
    const r = await measureMcpRoundTrip({
      transport,
      roundTrips: options.roundTrips,
    });
    console.log(
      `  ${transport.padEnd(5)}  ${r.roundTrips} round trips  p50 ${
        ms(r.p50)
      }  p99 ${ms(r.p99)}  ${
        r.stepsPerSecond.toFixed(0)
      } steps/s with ${r.workers} workers`,
    );
  }
}
