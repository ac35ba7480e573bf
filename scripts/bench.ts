/**
 * `deno task bench`: prints transport figures.
 *
 * - artifact-detection latency (agent's rename → `dispatch()` resolved), p50
 *   and p99, and dispatch round trips per second, for watch mode and for
 *   poll-only mode;
 * - ptp-mock wall time, serial `--dispatch=file` against
 *   `--dispatch=batch-file --parallel=4 --batch-size=4`, with the ground-truth
 *   responder answering each signal after a fixed delay, and with no delay
 *   (per-dispatch overhead), and the speedup;
 * - MCP: the `get_next_step` → `submit_artifact` round trip (p50, p99) and
 *   steps per second with 4 workers, over stdio and over HTTP
 *   (`bench/mcp_round_trip.ts`).
 *
 * Usage: deno task bench [--dispatches N] [--poll-interval MS] [--delay MS]
 *
 * @module
 */
import { Command } from "commander";
import { measureCalibrateWallTime } from "./bench/calibrate_wall_time.ts";
import { measureDispatchLatency } from "./bench/dispatch_latency.ts";
import { printMcpFigures } from "./bench/mcp_round_trip.ts";
import { ms } from "./bench/stats.ts";

const program = new Command("bench")
  .option("--dispatches <n>", "dispatches per mode", "200")
  .option(
    "--poll-interval <ms>",
    "poll interval (fallback and poll-only)",
    "500",
  )
  .option("--delay <ms>", "responder delay per signal (wall-time runs)", "200")
  .configureOutput({
    getOutHasColors: () => false,
    getErrHasColors: () => false,
  })
  .parse(Deno.args, { from: "user" });
const opts = program.opts<
  { dispatches: string; pollInterval: string; delay: string }
>();
const dispatches = Number(opts.dispatches);
const pollIntervalMs = Number(opts.pollInterval);

console.log(
  `asterisk bench — Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} CPUs`,
);
console.log("");
console.log(
  "File dispatch: detection latency (agent's rename → dispatch() resolved)",
);
for (const mode of ["watch", "poll"] as const) {
  const r = await measureDispatchLatency({ mode, dispatches, pollIntervalMs });
  const label = mode === "watch"
    ? "watch mode      "
    : `poll-only ${pollIntervalMs} ms`;
  console.log(
    `  ${label}  ${r.dispatches} dispatches  p50 ${ms(r.p50)}  p99 ${
      ms(r.p99)
    }  max ${ms(r.max)}  ${r.roundTripsPerSecond.toFixed(1)} round trips/s`,
  );
}

console.log("");
console.log("ptp-mock wall time (47 dispatches), ground-truth responder");
for (const delay of [Number(opts.delay), 0]) {
  const responder = `--responder-delay=${delay}ms`;
  const serial = await measureCalibrateWallTime(["--dispatch=file", responder]);
  const batch = await measureCalibrateWallTime([
    "--dispatch=batch-file",
    "--parallel=4",
    "--batch-size=4",
    responder,
  ]);
  const verdict = serial.passed && batch.passed
    ? ""
    : "  (a run did not pass!)";
  console.log(
    `  responder delay ${String(delay).padStart(3)} ms  serial file ${
      (serial.ms / 1000).toFixed(2)
    } s  batch-file x4 ${(batch.ms / 1000).toFixed(2)} s  speedup ${
      (serial.ms / batch.ms).toFixed(2)
    }x${verdict}`,
  );
}

await printMcpFigures({ roundTrips: dispatches });
