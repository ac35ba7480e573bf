/**
 * Benchmark child: runs the asterisk CLI with the arguments after the first,
 * then writes its exit status and peak resident set size (`VmHWM`, Linux) as
 * JSON to the file named by the first argument.
 *
 * `deno run -A scripts/bench/run_with_rss.ts OUT.json calibrate …`
 *
 * @module
 */
import { runCli } from "../../src/cli/run_cli.ts";

const [out, ...args] = Deno.args;
const code = await runCli(args);
let peakRssKb = Number.NaN;
try {
  const status = Deno.readTextFileSync("/proc/self/status");
  peakRssKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
} catch {
  // No /proc (not Linux): the figure is reported as unknown.
}
Deno.writeTextFileSync(out, JSON.stringify({ code, peakRssKb }));
Deno.exit(code);
