/**
 * Benchmark (prints figures, asserts nothing): the in-process stub on a
 * scenario of N cases (ptp-mock's cases repeated under new ids) with three
 * run stores — in memory, SQLite committing a group of steps every 200 ms
 * (what calibrate uses in-process), and SQLite committing every step (what
 * agent transports use).
 *
 * `deno run -A scripts/bench/store_commits.ts [cases=10000]`
 *
 * @module
 */
import { join } from "node:path";
import { createStubAdapter } from "../../src/adapter/stub_adapter.ts";
import {
  calibrate,
  type CalibrateOptions,
} from "../../src/runner/calibrate.ts";
import { loadScenario } from "../../src/scenario/load_scenario.ts";
import type { Scenario } from "../../src/scenario/scenario_schema.ts";
import { MemoryStore } from "../../src/store/memory_store.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";

/** ptp-mock's cases repeated under new ids until there are `count`. */
function scaled(base: Scenario, count: number): Scenario {
  const cases = Array.from({ length: count }, (_, i) => {
    const gt = base.cases[i % base.cases.length];
    return { ...gt, id: `${gt.id}x${Math.floor(i / base.cases.length)}` };
  });
  return { ...base, cases };
}

const STORES: Record<string, NonNullable<CalibrateOptions["openStore"]>> = {
  "memory": (_path, options) => new MemoryStore({ now: options.now }),
  "sqlite, grouped 200 ms": (path, options) =>
    SqliteStore.open({ path, ...options, commitIntervalMs: 200 }),
  "sqlite, every step": (path, options) =>
    SqliteStore.open({ path, ...options, commitIntervalMs: 0 }),
};

if (import.meta.main) {
  const count = Number(Deno.args[0] ?? 10_000);
  const scenario = scaled(await loadScenario("ptp-mock"), count);
  const dir = await Deno.makeTempDir({ prefix: "asterisk-bench-" });
  try {
    for (const [name, openStore] of Object.entries(STORES)) {
      if (name === "sqlite, every step" && count > 2000) continue;
      const started = performance.now();
      const outcome = await calibrate({
        scenario,
        runDir: join(dir, name.replace(/\W+/g, "-")),
        adapterName: "stub",
        dispatchName: "in-process",
        caseFiles: false,
        openStore,
        transport: ({ run }) => ({
          adapter: createStubAdapter(scenario, run.knowledge),
        }),
      });
      const ms = performance.now() - started;
      const steps = outcome.report.steps!;
      console.log(
        `${name}: ${count} cases, ${steps.answered} steps, ${
          ms.toFixed(0)
        } ms (${(ms * 1000 / steps.answered).toFixed(1)} µs/step)`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
