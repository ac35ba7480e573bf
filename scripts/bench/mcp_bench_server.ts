/**
 * The MCP benchmark's server: the real tools and transports over a
 * synthetic run whose queue always holds steps (F5 review steps validated
 * like file artifacts), so the figures measure the MCP layer, not the
 * pipeline. Stdio by default; `--http` serves 127.0.0.1 on a free port and
 * prints the endpoint URL as the first line of stdout.
 *
 * Usage: deno run --allow-net=127.0.0.1 scripts/bench/mcp_bench_server.ts [--http]
 *
 * @module
 */
import { McpDispatcher } from "../../src/mcp/mcp_dispatcher.ts";
import type { RunHandle, RunRegistry } from "../../src/mcp/run_registry.ts";
import { serveHttp } from "../../src/mcp/serve_http.ts";
import { serveStdio } from "../../src/mcp/serve_stdio.ts";
import { ARTIFACT_JSON_SCHEMAS } from "../../src/pipeline/artifact_json_schemas.ts";
import { parseArtifact } from "../../src/pipeline/artifact_schemas.ts";

/** Run id of the synthetic run. */
export const BENCH_RUN_ID = "bench";

const PROMPT = "Review the investigation of this case. ".repeat(100);

/** A registry with one endless synthetic run keeping `depth` steps queued. */
export function syntheticRegistry(depth = 16): RunRegistry {
  const dispatcher = new McpDispatcher();
  let n = 0;
  const feed = () => {
    const caseId = `C${++n}`;
    dispatcher.dispatch({
      caseId,
      step: "F5_REVIEW",
      prompt: PROMPT,
      schema: ARTIFACT_JSON_SCHEMAS.F5_REVIEW,
      promptPath: "",
      artifactPath: "",
      validate: (data) => {
        parseArtifact("F5_REVIEW", data, {
          name: `${caseId} F5_REVIEW`,
          fieldPrefix: "data",
        });
      },
    }).then(feed);
  };
  for (let i = 0; i < depth; i++) feed();
  const handle: RunHandle = {
    runId: BENCH_RUN_ID,
    totalCases: 0,
    workerCount: 4,
    dispatcher,
    status: () => ({
      run_id: BENCH_RUN_ID,
      scenario: "synthetic",
      run_dir: "",
      state: "running",
      cases_done: 0,
      total_cases: 0,
      steps_done: dispatcher.status().steps_done,
      queued: dispatcher.status().queued,
      in_flight: dispatcher.status().in_flight,
      expired_leases: 0,
      workers: dispatcher.status().workers,
    }),
    report: () => Promise.resolve("{}"),
    briefing: () => "",
  };
  return { start: () => Promise.resolve(handle), get: () => handle };
}

if (import.meta.main) {
  const registry = syntheticRegistry();
  if (Deno.args.includes("--http")) {
    const server = await serveHttp(registry, {
      hostname: "127.0.0.1",
      port: 0,
      version: "bench",
    });
    console.log(server.url);
    await server.finished;
  } else {
    await serveStdio(registry, { version: "bench" });
  }
}
