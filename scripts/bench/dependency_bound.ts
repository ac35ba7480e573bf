/**
 * Benchmark: the speedup that the steps' own dependencies allow with a given
 * number of slots, whatever the transport.
 *
 * Parallel runs give results equal to serial, so a case waits for the earlier
 * cases its recall could find (and cluster members for their
 * representative's RCA): a scenario whose cases form recall chains cannot be
 * 4× faster with 4 slots. This runs the in-process stub with every answer
 * taking `delayMs` (a real timer; transports and files cost nothing here),
 * once serial and once with `parallel` slots, and returns the ratio: the
 * ceiling a transport's speedup is compared with.
 *
 * @module
 */
import { join } from "node:path";
import { createStubAdapter } from "../../src/adapter/stub_adapter.ts";
import type { ModelAdapter } from "../../src/adapter/model_adapter.ts";
import { IN_PROCESS_COMMIT_INTERVAL_MS } from "../../src/cli/calibrate_command.ts";
import { calibrate } from "../../src/runner/calibrate.ts";
import type { Scenario } from "../../src/scenario/scenario_schema.ts";

/** Options of {@linkcode dependencyBound}. */
export interface DependencyBoundOptions {
  /** The scenario to run. */
  readonly scenario: Scenario;
  /** Slots of the parallel run. */
  readonly parallel: number;
  /**
   * Time each answer takes, in milliseconds: large against the in-process
   * cost of a step (well under a millisecond), so the ratio is the
   * dependencies' alone.
   *
   * @default {20}
   */
  readonly delayMs?: number;
}

/** Wall times of the two runs and their ratio. */
export interface DependencyBound {
  readonly serialMs: number;
  readonly parallelMs: number;
  /** `serialMs / parallelMs`: at most `parallel`. */
  readonly speedup: number;
  /** Steps answered in the serial run. */
  readonly steps: number;
}

function delayed(adapter: ModelAdapter, delayMs: number): ModelAdapter {
  return {
    name: adapter.name,
    async answer(request) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return adapter.answer(request);
    },
  };
}

async function timedRun(
  scenario: Scenario,
  parallel: number,
  delayMs: number,
): Promise<{ ms: number; steps: number }> {
  const dir = await Deno.makeTempDir({ prefix: "asterisk-bench-bound-" });
  try {
    const started = performance.now();
    const outcome = await calibrate({
      scenario,
      runDir: join(dir, "run"),
      parallel,
      batchSize: parallel,
      caseFiles: false,
      commitIntervalMs: IN_PROCESS_COMMIT_INTERVAL_MS,
      adapterName: "stub",
      dispatchName: "in-process",
      transport: ({ run }) => ({
        adapter: delayed(createStubAdapter(scenario, run.knowledge), delayMs),
      }),
    });
    return {
      ms: performance.now() - started,
      steps: outcome.report.steps?.answered ?? 0,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Measures the speedup `options.parallel` slots can reach on
 * `options.scenario` when only the steps' dependencies hold them back.
 */
export async function dependencyBound(
  options: DependencyBoundOptions,
): Promise<DependencyBound> {
  const delayMs = options.delayMs ?? 20;
  const serial = await timedRun(options.scenario, 1, delayMs);
  const parallel = await timedRun(options.scenario, options.parallel, delayMs);
  return {
    serialMs: serial.ms,
    parallelMs: parallel.ms,
    speedup: serial.ms / parallel.ms,
    steps: serial.steps,
  };
}
