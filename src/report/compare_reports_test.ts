import assert from "node:assert/strict";
import type { CalibrationReport } from "../core/calibration_report.ts";
import { allMetrics, type Metric, type MetricId } from "../core/metric.ts";
import { compareReports } from "./compare_reports.ts";
import { sampleReport } from "../../tests/support/sample_report.ts";

const base = await sampleReport();

function metric(report: CalibrationReport, id: MetricId): Metric {
  return allMetrics(report.metrics).find((m) => m.id === id)!;
}

/** `base` with `change` applied to a copy. */
function mutated(change: (r: CalibrationReport) => void): CalibrationReport {
  const next = structuredClone(base);
  change(next);
  return next;
}

Deno.test("compareReports: a report against itself changes nothing", () => {
  const c = compareReports(base, structuredClone(base));
  assert.equal(c.metrics.length, 20);
  assert.deepEqual(c.regressions, []);
  assert.deepEqual(c.cases, []);
  assert.deepEqual(c.notes, []);
  assert.ok(c.metrics.every((m) => m.delta === 0 && m.flip === "none"));
  assert.equal(c.base.result, "pass");
});

Deno.test("compareReports: a case right → wrong and one wrong → right, with the values", () => {
  const next = mutated((r) => {
    r.case_results[1].defect_type_correct = false;
    r.case_results[1].actual_defect_type = "ti001";
    // C8 is wrong on defect in the stub run; make it right.
    const c8 = r.case_results.find((c) => c.case_id === "C8")!;
    c8.defect_type_correct = true;
  });
  const c = compareReports(base, next);
  assert.deepEqual(
    c.cases.map((
      k,
    ) => [k.caseId, k.changes.map((a) => [a.aspect, a.base, a.new])]),
    [["C2", [["defect", true, false]]], ["C8", [["defect", false, true]]]],
  );
  assert.equal(c.cases[0].changes[0].baseValue, "pb001");
  assert.equal(c.cases[0].changes[0].newValue, "ti001");
});

Deno.test("compareReports: a case that failed is wrong on everything; cases in one report only are listed", () => {
  const next = mutated((r) => {
    r.case_results[0].error = "agent did not answer";
    r.case_results.pop();
    r.case_results.push({ ...r.case_results[1], case_id: "C99" });
  });
  const c = compareReports(base, next);
  assert.deepEqual(
    c.cases.map((k) => [k.caseId, k.presence, k.changes.map((a) => a.aspect)]),
    [
      ["C1", "both", ["defect", "component", "path"]],
      ["C99", "only-new", []],
      ["C12", "only-base", []],
    ],
  );
});

Deno.test("compareReports: regress follows each metric's direction from the metric table", () => {
  const next = mutated((r) => {
    metric(r, "M1").value -= 0.1; // at_least: lower is worse
    metric(r, "M4").value += 0.1; // at_most: higher is worse
    metric(r, "M18").value -= 1000; // at_most: fewer tokens is better
    metric(r, "M17").value = 1.5; // range 0.5–2.0: inside the band, no worse
  });
  const c = compareReports(base, next);
  assert.deepEqual(c.regressions, ["M1", "M4"]);
  const byId = new Map(c.metrics.map((m) => [m.id, m]));
  assert.equal(byId.get("M18")?.improved, true);
  assert.equal(byId.get("M17")?.regressed, false);
  assert.ok(Math.abs(byId.get("M1")!.delta! + 0.1) < 1e-12);

  const outside = compareReports(
    base,
    mutated((r) => metric(r, "M17").value = 2.4),
  );
  assert.deepEqual(outside.regressions, ["M17"]);
});

Deno.test("compareReports: pass/fail flips are reported both ways", () => {
  const next = mutated((r) => {
    const m1 = metric(r, "M1");
    m1.value = 0.5;
    m1.pass = false;
  });
  const there = compareReports(base, next);
  assert.equal(there.metrics[0].flip, "pass-to-fail");
  assert.equal(there.new.result, "fail");
  const back = compareReports(next, base);
  assert.equal(back.metrics[0].flip, "fail-to-pass");
  assert.equal(back.metrics[0].improved, true);
  assert.deepEqual(back.regressions, []);
});

Deno.test("compareReports: the tolerance lets a metric get that much worse", () => {
  const next = mutated((r) => {
    metric(r, "M1").value -= 0.05;
  });
  assert.deepEqual(compareReports(base, next).regressions, ["M1"]);
  assert.deepEqual(
    compareReports(base, next, { tolerance: 0.05 }).regressions,
    [],
  );
  assert.deepEqual(
    compareReports(base, next, { tolerance: 0.049 }).regressions,
    ["M1"],
  );
  assert.throws(
    () => compareReports(base, next, { tolerance: -1 }),
    /Cannot compare reports with tolerance -1: expected a finite number ≥ 0/,
  );
});

Deno.test("compareReports: a value that became NaN regresses; another scenario is noted", () => {
  const next = mutated((r) => {
    metric(r, "M8").value = NaN;
    r.scenario = "other";
  });
  const c = compareReports(base, next);
  assert.deepEqual(c.regressions, ["M8"]);
  assert.deepEqual(c.notes, [
    "the reports are of different scenarios ('ptp-mock', 'other'); cases are matched by id",
  ]);
});
