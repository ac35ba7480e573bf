/**
 * `deno task bench`: prints transport figures.
 *
 * - artifact-detection latency (agent's rename → `dispatch()` resolved), p50
 *   and p99, and dispatch round trips per second, for watch mode and for
 *   poll-only mode.
 *
 * Usage: deno task bench [--dispatches N] [--poll-interval MS]
 *
 * @module
 */
import { Command } from "commander";
import { measureDispatchLatency } from "./bench/dispatch_latency.ts";
import { ms } from "./bench/stats.ts";

const program = new Command("bench")
  .option("--dispatches <n>", "dispatches per mode", "200")
  .option(
    "--poll-interval <ms>",
    "poll interval (fallback and poll-only)",
    "500",
  )
  .configureOutput({
    getOutHasColors: () => false,
    getErrHasColors: () => false,
  })
  .parse(Deno.args, { from: "user" });
const opts = program.opts<{ dispatches: string; pollInterval: string }>();
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
