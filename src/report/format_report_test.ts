import assert from "node:assert/strict";
import type { CaseResult } from "../core/case_result.ts";
import { allMetrics } from "../core/metric.ts";
import { sampleReport } from "../../tests/support/sample_report.ts";
import {
  caseColumns,
  formatCaseLine,
  formatMetricLine,
  formatReport,
} from "./format_report.ts";

const report = await sampleReport();

Deno.test("formatMetricLine() aligns value, mark, threshold and detail for every metric", () => {
  const lines = allMetrics(report.metrics).map((m) => [...formatMetricLine(m)]);
  const markAt = lines.map((l) => l.findIndex((c) => c === "✓" || c === "✗"));
  assert.equal(new Set(markAt).size, 1);
  // The detail starts one column after the widest threshold, on every line.
  const detailAt = lines.map((l) => {
    let i = markAt[0] + 2;
    while (l[i] !== " ") i++;
    while (l[i] === " ") i++;
    return i;
  });
  assert.equal(
    new Set(detailAt).size,
    1,
    lines.map((l) => l.join("")).join("\n"),
  );
});

Deno.test("formatMetricLine() prints M18 as a token count, not a ratio", () => {
  const m18 = allMetrics(report.metrics).find((m) => m.id === "M18");
  assert.ok(m18);
  const line = formatMetricLine(m18);
  assert.match(line, / 47000 ✓ ≤60000 +estimated: 47 steps × 1000$/);
  assert.ok(!line.includes("47000.00"));
});

Deno.test("formatMetricLine() names the population counted", () => {
  const byId = new Map(
    allMetrics(report.metrics).map((m) => [m.id, formatMetricLine(m)]),
  );
  assert.match(byId.get("M1") ?? "", /10\/11 of cases with a GT RCA$/);
  assert.match(
    byId.get("M9") ?? "",
    /avg over 4 cases with a GT RCA and a selected repo$/,
  );
  assert.match(byId.get("M8") ?? "", /r=1\.00 \(n=10\); cases with a GT RCA/);
  assert.match(byId.get("M17") ?? "", / 0\.50–2\.00 actual=0 expected=0$/);
});

Deno.test("formatCaseLine() aligns the defect column across cases", () => {
  const columns = caseColumns(report.case_results);
  const lines = report.case_results.map((c) => formatCaseLine(c, columns));
  const at = lines.map((l) => l.indexOf("defect="));
  assert.equal(new Set(at).size, 1, lines.join("\n"));
  const comp = lines.map((l) => l.indexOf("comp="));
  assert.equal(new Set(comp).size, 1, lines.join("\n"));
});

Deno.test("formatCaseLine() aligns by code points: pairs count once, lone surrogates once each", () => {
  const names = [
    "plain",
    "😀 pair 😀",
    "lone \ud800 high",
    "lone \udc00 low",
    "é✓",
  ];
  const results = names.map((test_name, i) => ({
    ...report.case_results[i],
    test_name,
  }));
  const columns = caseColumns(results);
  assert.equal(
    columns.name,
    Math.max(...names.map((n) => [...n].length)),
  );
  const lines = results.map((c) => formatCaseLine(c, columns));
  const at = lines.map((l) => [...l.slice(0, l.indexOf("defect="))].length);
  assert.equal(new Set(at).size, 1, lines.join("\n"));
});

Deno.test("formatCaseLine() shows no ✓ for a case that failed before any step", () => {
  const failed: CaseResult = {
    ...report.case_results[7], // C8: no GT RCA, so its flags say "right"
    actual_path: [],
    actual_defect_type: "",
    actual_category: "",
    error: "agent did not answer F0",
  };
  const line = formatCaseLine(failed);
  assert.ok(!line.includes("✓"), line);
  assert.match(line, /defect=\(none\) ✗ +comp=✗ +path=\(no steps\) ✗ +FAILED$/);
});

Deno.test("formatReport() puts the verdict before the per-case breakdown", () => {
  const text = formatReport(report);
  const result = text.indexOf("RESULT: PASS (20/20 metrics within threshold)");
  const breakdown = text.indexOf("--- Per-case breakdown ---");
  assert.ok(result > 0 && breakdown > result);
  assert.ok(text.endsWith("✓\n"));
});

Deno.test("an agent's error text cannot forge a line of the text report", () => {
  const forged = "boom\x1b[2K\r\nRESULT: PASS (20/20 metrics within threshold)";
  const first = report.case_results[0];
  const text = formatReport({
    ...report,
    case_results: [
      { ...first, error: forged },
      ...report.case_results.slice(1),
    ],
  });
  const results = text.split("\n").filter((l) => l.startsWith("RESULT:"));
  assert.equal(results.length, 1, text);
  assert.match(results[0], /^RESULT: FAIL/);
  // deno-lint-ignore no-control-regex
  assert.ok(!/[\x00-\x08\x0b-\x1f\x7f]/.test(text), "a raw control");
  assert.ok(text.includes("boom\\u001b[2K\\r\\nRESULT: PASS"), text);
});
