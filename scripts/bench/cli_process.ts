/**
 * Benchmark: one `asterisk` CLI invocation as its own process (as a person
 * runs it), its wall time from spawn to exit, peak RSS, and the JSON report
 * it wrote.
 *
 * @module
 */
import { denoExecutable } from "../../src/util/deno_executable.ts";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const CHILD = fileURLToPath(new URL("./run_with_rss.ts", import.meta.url));
const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));

/** What one CLI process did. */
export interface CliProcessResult {
  /** Spawn to exit, in milliseconds. */
  readonly ms: number;
  readonly code: number;
  /** Peak resident set size in MB (NaN when unknown). */
  readonly peakRssMb: number;
  /** Accepted steps (dispatches) of the run, from its JSON report. */
  readonly steps: number;
  /** The report's result: `pass` or `fail`. */
  readonly result: string;
  /** The last lines of stderr when the run failed to produce a report. */
  readonly stderr: string;
}

/**
 * Runs `asterisk calibrate` with `args` in a fresh run directory (its stdout,
 * the text report, is discarded) and measures it.
 */
export async function measureCliProcess(
  args: readonly string[],
): Promise<CliProcessResult> {
  const dir = await Deno.makeTempDir({ prefix: "asterisk-bench-" });
  const rssFile = join(dir, "rss.json");
  const reportFile = join(dir, "report.json");
  try {
    const started = performance.now();
    const output = await new Deno.Command(denoExecutable(), {
      args: [
        "run",
        "-A",
        `--config=${CONFIG}`,
        CHILD,
        rssFile,
        "calibrate",
        `--run-dir=${join(dir, "run")}`,
        `--report=${reportFile}`,
        ...args,
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    const ms = performance.now() - started;
    const rss = JSON.parse(await Deno.readTextFile(rssFile).catch(() => "{}"));
    const report = JSON.parse(
      await Deno.readTextFile(reportFile).catch(() => "{}"),
    );
    return {
      ms,
      code: output.code,
      peakRssMb: (rss.peakRssKb ?? Number.NaN) / 1024,
      steps: report.steps?.answered ?? 0,
      result: report.result ?? "none",
      stderr: new TextDecoder().decode(output.stderr).split("\n").slice(-5)
        .join("\n"),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
