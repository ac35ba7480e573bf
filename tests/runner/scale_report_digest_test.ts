/**
 * The JSON report of a 2,000-case synthetic scenario (scripts/scale_scenario.ts)
 * run in-process with the stub: its digest (run-dependent fields left out) is
 * the one committed from the code before the speed work of issue 11, and the
 * parallel runner (a sliding window of 4 slots; the same with answers coming
 * back out of order) writes the same report as the serial one.
 */
import assert from "node:assert/strict";
import { generateScaleScenario } from "../../scripts/scale_scenario.ts";
import { parseScenario } from "../../src/scenario/parse_scenario.ts";
import type { Scenario } from "../../src/scenario/scenario_schema.ts";
import { comparableReport, reportDigest } from "../support/report_digest.ts";
import { runStub } from "../support/run_stub.ts";

/**
 * SHA-256 of the canonical JSON report of `scale-2000` (seed 1), serial,
 * computed from main at d6c597a (before any change of issue 11).
 */
const SCALE_2000_DIGEST =
  "92a1e287b73d9f17498a6d002ee3df242d993037b6b66ade07743534159c0609";

let scenario: Scenario | undefined;
function scale2000(): Scenario {
  scenario ??= parseScenario(
    generateScaleScenario({ cases: 2000, seed: 1 }),
    "scale-2000",
  );
  return scenario;
}

let serialReport: string | undefined;

Deno.test("the 2,000-case scale report matches the digest committed before the speed work", async () => {
  const { report } = await runStub(scale2000());
  assert.equal(report.case_results.length, 2000);
  assert.equal(await reportDigest(report), SCALE_2000_DIGEST);
  serialReport = comparableReport(report);
});

Deno.test("the 2,000-case scale report is the same serial and parallel", async () => {
  serialReport ??= comparableReport((await runStub(scale2000())).report);
  const { report } = await runStub(scale2000(), { parallel: 4, batchSize: 4 });
  assert.equal(comparableReport(report), serialReport);
});

Deno.test("the 2,000-case scale report is the same serial and parallel with answers out of order", async () => {
  serialReport ??= comparableReport((await runStub(scale2000())).report);
  const { report } = await runStub(scale2000(), {
    parallel: 4,
    batchSize: 4,
    shuffleSeed: 11,
  });
  assert.equal(comparableReport(report), serialReport);
});
