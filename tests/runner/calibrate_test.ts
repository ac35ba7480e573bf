import assert from "node:assert/strict";
import { join } from "node:path";
import { createStubAdapter } from "../../src/adapter/stub_adapter.ts";
import { IN_PROCESS_COMMIT_INTERVAL_MS } from "../../src/cli/calibrate_command.ts";
import { allMetrics, type Metric } from "../../src/core/metric.ts";
import type { CaseState } from "../../src/pipeline/case_state.ts";
import { reportVerdict } from "../../src/report/report_verdict.ts";
import { formatReport } from "../../src/report/format_report.ts";
import { calibrate } from "../../src/runner/calibrate.ts";
import { loadScenario } from "../../src/scenario/load_scenario.ts";
import type { Scenario } from "../../src/scenario/scenario_schema.ts";
import { withTempDir } from "../support/temp_dir.ts";
import {
  HAS_UPSTREAM_DATASETS,
  UPSTREAM_DATASETS,
  upstreamDataset,
} from "../support/upstream_datasets.ts";

/**
 * Calibrates with the stub as `asterisk calibrate` runs the in-process path:
 * steps grouped into store transactions, no per-case files unless
 * `caseFiles` (per-step files and commits made a ptp-mock run about 0.4 s
 * instead of 25 ms).
 */
function runStub(
  scenario: Scenario,
  runDir: string,
  { runs = 1, caseFiles = false }: { runs?: number; caseFiles?: boolean } = {},
) {
  return calibrate({
    scenario,
    runDir,
    runs,
    caseFiles,
    commitIntervalMs: IN_PROCESS_COMMIT_INTERVAL_MS,
    adapterName: "stub",
    dispatchName: "in-process",
    transport: ({ run }) => ({
      adapter: createStubAdapter(scenario, run.knowledge),
    }),
  });
}

function metric(metrics: Metric[], id: string): Metric {
  const found = metrics.find((m) => m.id === id);
  assert.ok(found, `metric ${id} missing`);
  return found;
}

Deno.test("calibrate reproduces the golden serial stub run on ptp-mock", async () => {
  await withTempDir(async (dir) => {
    const scenario = await loadScenario("ptp-mock");
    const { report } = await runStub(scenario, dir);
    const metrics = allMetrics(report.metrics);
    const details: Record<string, string> = {
      M1: "10/11",
      M2: "6/6",
      M3: "6/6",
      M4: "0/6",
      M5: "8/8",
      M6: "2/2",
      M7: "1/1",
      M8: "r=1.00 (n=10)",
      M9: "avg over 4 cases",
      M10: "avg over 1 cases",
      M11: "4 cases with F2, 0 selected red herring",
      M12: "4/4",
      M13: "4/4",
      M14: "avg over 10 cases",
      M15: "10/11",
      M16: "12/12",
      M17: "actual=0 expected=0",
      M18: "estimated: 47 steps × 1000",
      M20: "single run",
    };
    for (const [id, detail] of Object.entries(details)) {
      assert.equal(metric(metrics, id).detail, detail, id);
    }
    assert.equal(metric(metrics, "M18").value, 47000);
    assert.ok(Math.abs(metric(metrics, "M19").value - 0.9818) < 0.001);
    assert.ok(metrics.every((m) => m.pass));
    assert.equal(metrics.length, 20);
    assert.ok(
      formatReport(report).includes(
        "RESULT: PASS (20/20 metrics within threshold)",
      ),
    );
    assert.ok(report.case_results.every((c) => c.path_correct));
  });
});

Deno.test("calibrate fires the golden rules and store links case by case", async () => {
  await withTempDir(async (dir) => {
    const scenario = await loadScenario("ptp-mock");
    const { report } = await runStub(scenario, dir, { caseFiles: true });
    const rules: Record<string, string> = {
      C1: "H2,H6,H8,H9,H15b,H12,FALLBACK",
      C2: "H1,H12,FALLBACK",
      C4: "H2,H7,H9,H15b,H12,FALLBACK",
      C8: "H2,H4,H12,FALLBACK",
      C10: "H2,H7,H9,H15",
      C11: "H2,H5,H12,FALLBACK",
      C12: "H2,H7,H9,H15",
    };
    for (const result of report.case_results) {
      const state: CaseState = JSON.parse(
        await Deno.readTextFile(
          join(dir, "1", String(result.store_case_id), "state.json"),
        ),
      );
      assert.equal(state.status, "done", result.case_id);
      assert.equal(state.current_step, "DONE");
      assert.equal(state.rca_id, result.actual_rca_id);
      const fired = state.history.slice(1).map((h) => h.heuristic_id).join(",");
      const expected = rules[result.case_id] ??
        (result.case_id === "C3" || result.case_id === "C5" ||
            result.case_id === "C6" || result.case_id === "C7" ||
            result.case_id === "C9"
          ? "H1,H12,FALLBACK"
          : undefined);
      assert.equal(fired, expected, result.case_id);
    }
    const rcaOf = Object.fromEntries(
      report.case_results.map((c) => [c.case_id, c.actual_rca_id]),
    );
    for (const id of ["C1", "C2", "C3", "C6", "C9", "C10"]) {
      assert.equal(rcaOf[id], 1, id);
    }
    for (const id of ["C4", "C5", "C7", "C12"]) assert.equal(rcaOf[id], 2, id);
    assert.equal(rcaOf.C8, 0);
    assert.equal(rcaOf.C11, 0);
  });
});

Deno.test("calibrate gives identical reports for two runs in one process", async () => {
  const scenario = await loadScenario("ptp-mock");
  const first = await withTempDir((dir) => runStub(scenario, dir));
  const second = await withTempDir((dir) => runStub(scenario, dir));
  assert.deepEqual(first.report, second.report);
  assert.equal(formatReport(first.report), formatReport(second.report));
});

Deno.test("calibrate keeps each run's metrics intact over several runs", async () => {
  await withTempDir(async (dir) => {
    const scenario = await loadScenario("ptp-mock");
    const { report, runs } = await runStub(scenario, dir, { runs: 3 });
    assert.equal(report.runs, 3);
    assert.equal(report.run_metrics?.length, 3);
    assert.deepEqual(
      runs.map((r) => r.dir),
      [1, 2, 3].map((n) => join(dir, `run-${n}`)),
    );
    for (const run of report.run_metrics ?? []) {
      assert.equal(metric(allMetrics(run), "M1").detail, "10/11");
      assert.equal(metric(allMetrics(run), "M20").detail, "single run");
    }
    const m20 = metric(allMetrics(report.metrics), "M20");
    assert.equal(m20.value, 0);
    assert.equal(m20.detail, "stddev=0.000 over 3 runs");
    assert.equal(
      metric(allMetrics(report.metrics), "M19").detail,
      "mean of 3 runs",
    );
  });
});

Deno.test("a mutated scenario makes the matching metric fail", async () => {
  const scenario = await loadScenario("ptp-mock");
  // The stub answers from expected_* objects; the metrics score against the
  // expected path, flags and RCAs. Mutating those must show up.
  const mutations: [string, (s: Scenario) => void, string, string][] = [
    [
      "cascade flag",
      (s) => {
        s.cases.find((c) => c.id === "C12")!.expect_cascade = false;
        s.cases.find((c) => c.id === "C4")!.expect_cascade = true;
      },
      "M7",
      "0/1",
    ],
    [
      "expected paths",
      (s) => {
        for (const id of ["C2", "C3", "C5", "C6", "C7"]) {
          s.cases.find((c) => c.id === id)!.expected_path = ["F0", "F1"];
        }
      },
      "M16",
      "7/12",
    ],
    [
      "RCA defect type",
      (s) => {
        s.rcas.find((r) => r.id === "R1")!.defect_type = "ab001";
      },
      "M1",
      "4/11",
    ],
  ];
  for (const [name, mutate, id, detail] of mutations) {
    const mutated = structuredClone(scenario);
    mutate(mutated);
    const { report } = await withTempDir((dir) => runStub(mutated, dir));
    const m = metric(allMetrics(report.metrics), id);
    assert.equal(m.detail, detail, name);
    assert.equal(m.pass, false, name);
    assert.equal(reportVerdict(report).pass, false, name);
  }
});

Deno.test("a single changed expected path marks that case's path wrong", async () => {
  const scenario = structuredClone(await loadScenario("ptp-mock"));
  scenario.cases.find((c) => c.id === "C10")!.expected_path = [
    "F0",
    "F1",
    "F3",
    "F4",
    "F5",
    "F6",
  ];
  const { report } = await withTempDir((dir) => runStub(scenario, dir));
  assert.equal(metric(allMetrics(report.metrics), "M16").detail, "11/12");
  const c10 = report.case_results.find((c) => c.case_id === "C10")!;
  assert.equal(c10.path_correct, false);
  assert.match(formatReport(report), /C10 .*path=F0→F1→F3→F4 ✗/);
});

for (const name of UPSTREAM_DATASETS) {
  Deno.test({
    name: `calibrate loads and runs the Go dataset '${name}'`,
    ignore: !HAS_UPSTREAM_DATASETS,
    async fn() {
      const scenario = await loadScenario(upstreamDataset(name));
      const { report } = await withTempDir((dir) => runStub(scenario, dir));
      assert.equal(report.case_results.length, scenario.cases.length);
      assert.ok(report.case_results.every((c) => c.error === undefined));
      assert.ok(report.case_results.every((c) => c.path_correct), name);
      assert.equal(allMetrics(report.metrics).length, 20);
    },
  });
}
