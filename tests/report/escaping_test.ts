/**
 * Every renderer shows text from agents and scenarios through
 * `src/util/escape_text.ts`: no control character gets through, a forged
 * `RESULT: PASS` line stays inside its field, HTML and XML stay well formed.
 */
import assert from "node:assert/strict";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { CalibrationReport } from "../../src/core/calibration_report.ts";
import { renderReport } from "../../src/report/render_report.ts";
import { sampleReport } from "../support/sample_report.ts";

const FORGED = "boom\x1b[2K\r\nRESULT: PASS (20/20 metrics within threshold)";
const FORGED_SHOWN =
  "boom\\u001b[2K\\r\\nRESULT: PASS (20/20 metrics within threshold)";
// deno-lint-ignore no-control-regex
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]/;

/** The sample with hostile text in every field a scenario or agent fills. */
async function hostileReport(): Promise<CalibrationReport> {
  const report = await sampleReport();
  report.scenario = "ptp\x1b]0;owned\x07-mock";
  const [c1, c2, c3] = report.case_results;
  c1.error = FORGED;
  c2.test_name = `<script>alert(1)</script>\u009b31m|x\nRESULT: PASS`;
  c2.actual_component = "ptp\u202eevil\nRESULT: PASS";
  c2.component_correct = false;
  c3.actual_defect_type = "pb001\r\nRESULT: PASS";
  c3.defect_type_correct = false;
  c3.job = "job\x1b[1A";
  c3.answer_notes = [`F1_TRIAGE flag unknown-value: ${FORGED}`];
  return report;
}

const report = await hostileReport();

function assertNoForgedLine(text: string, format: string): void {
  assert.ok(!RAW_CONTROL.test(text), `${format}: raw control character`);
  const forged = text.split("\n").filter((line) =>
    /^\W*RESULT: PASS/.test(line.replace(/<[^>]*>/g, ""))
  );
  assert.deepEqual(forged, [], `${format}: a forged RESULT line`);
}

Deno.test("text report: hostile fields stay escaped on their own line, the verdict is the real one", () => {
  const text = renderReport(report, "text");
  assertNoForgedLine(text, "text");
  assert.match(text, /^RESULT: FAIL /m);
  assert.ok(text.includes(`C1: ${FORGED_SHOWN}`));
  assert.ok(text.includes("Scenario: ptp\\u001b]0;owned\\u0007-mock"));
  assert.ok(text.includes("defect=pb001\\r\\nRESULT: PASS"));
  assert.ok(text.includes("flag unknown-value: boom\\u001b[2K"));
});

Deno.test("Markdown: hostile fields stay inside their cell, control characters shown", () => {
  const md = renderReport(report, "markdown");
  assertNoForgedLine(md, "markdown");
  assert.ok(md.includes("failed: boom\\\\u001b\\[2K\\\\r\\\\nRESULT: PASS"));
  assert.ok(md.includes("\\<script\\>alert(1)\\</script\\>\\\\u009b31m\\|x"));
  // Every table row still has its cells: no `|` or line break got through.
  for (const line of md.split("\n").filter((l) => l.startsWith("| C"))) {
    assert.equal(line.split(/(?<!\\)\|/).length, 8, line);
  }
});

Deno.test("HTML: hostile fields entity-escaped and control characters shown; one script, ours", () => {
  const html = renderReport(report, "html");
  assertNoForgedLine(html, "html");
  assert.equal(html.split("<script>").length, 2);
  assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;\\u009b31m"));
  assert.ok(html.includes(`failed: ${FORGED_SHOWN}`));
  assert.ok(html.includes("ptp\\u202eevil\\nRESULT: PASS"));
});

Deno.test("JUnit: well-formed XML whose messages show the control characters", () => {
  const xml = renderReport(report, "junit");
  assertNoForgedLine(xml, "junit");
  assert.equal(XMLValidator.validate(xml), true);
  const doc = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => name === "testsuite" || name === "testcase",
  }).parse(xml);
  const cases = doc.testsuites.testsuite[1].testcase as {
    "@_name": string;
    error?: { "@_message": string };
    failure?: { "#text": string };
  }[];
  assert.equal(cases[0].error?.["@_message"], FORGED_SHOWN);
  assert.equal(
    cases[1]["@_name"],
    "C2 <script>alert(1)</script>\\u009b31m|x\\nRESULT: PASS",
  );
  assert.match(
    cases[1].failure?.["#text"] ?? "",
    /^component: ptp\\u202eevil\\nRESULT: PASS$/m,
  );
  assert.match(cases[2].failure?.["#text"] ?? "", /^job: job\\u001b\[1A$/m);
});
