import assert from "node:assert/strict";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { CalibrationReport } from "../../src/core/calibration_report.ts";
import { formatJunitReport } from "../../src/report/junit_report.ts";
import { formatMarkdownReport } from "../../src/report/markdown_report.ts";
import { formatHtmlReport } from "../../src/report/html_report.ts";
import {
  fromJsonReport,
  parseJsonReport,
  toJsonReport,
} from "../../src/report/json_report.ts";
import { ReportError } from "../../src/report/report_error.ts";
import {
  renderReport,
  REPORT_FORMATS,
} from "../../src/report/render_report.ts";
import { sampleReport } from "../support/sample_report.ts";

const passing = await sampleReport();

/** The sample with M1 failing, C2 wrong on defect and C3 failed outright. */
function failingReport(): CalibrationReport {
  const report = structuredClone(passing);
  const m1 = report.metrics.structured[0];
  m1.value = 0.36;
  m1.pass = false;
  m1.detail = "4/11";
  report.case_results[1].defect_type_correct = false;
  report.case_results[1].test_name = `a <test> & "quotes" \u0001 here`;
  report.case_results[2].error = "agent did not answer F0 <timeout>";
  return report;
}

interface Testcase {
  "@_name": string;
  failure?: { "@_message": string; "#text"?: string };
  error?: { "@_message": string };
}

function parseJunit(xml: string) {
  assert.equal(XMLValidator.validate(xml), true);
  const doc = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => name === "testsuite" || name === "testcase",
  }).parse(xml);
  const suites = doc.testsuites.testsuite as {
    "@_tests": string;
    "@_failures": string;
    "@_errors": string;
    testcase: Testcase[];
  }[];
  return { root: doc.testsuites, suites };
}

Deno.test("JUnit: a testcase per metric and per case, none failing on a passing run but the wrong case", () => {
  const { root, suites } = parseJunit(formatJunitReport(passing));
  assert.equal(suites.length, 2);
  assert.equal(suites[0].testcase.length, 20);
  assert.equal(suites[1].testcase.length, 12);
  assert.equal(suites[0]["@_failures"], "0");
  // C8 has a GT RCA the stub never finds (defect wrong, as in Go).
  const failed = suites[1].testcase.filter((t) => t.failure);
  assert.deepEqual(failed.map((t) => t["@_name"].split(" ")[0]), ["C8"]);
  assert.equal(root["@_tests"], "32");
  assert.equal(root["@_failures"], "1");
});

Deno.test("JUnit: failing metrics carry value, threshold and detail; wrong and failed cases fail", () => {
  const { root, suites } = parseJunit(formatJunitReport(failingReport()));
  const m1 = suites[0].testcase[0];
  assert.equal(m1["@_name"], "M1 defect_type_accuracy");
  assert.equal(
    m1.failure?.["@_message"],
    "M1 defect_type_accuracy = 0.36, expected ≥0.80",
  );
  assert.match(
    m1.failure?.["#text"] ?? "",
    /detail: 4\/11 of cases with a GT RCA/,
  );
  assert.equal(suites[0]["@_failures"], "1");
  const c2 = suites[1].testcase[1];
  assert.equal(c2.failure?.["@_message"], "wrong defect");
  assert.equal(c2["@_name"], 'C2 a <test> & "quotes" \\u0001 here');
  const c3 = suites[1].testcase[2];
  assert.equal(c3.error?.["@_message"], "agent did not answer F0 <timeout>");
  assert.equal(suites[1]["@_failures"], "2"); // C2, C8
  assert.equal(suites[1]["@_errors"], "1");
  assert.equal(root["@_failures"], "3");
});

Deno.test("Markdown: verdict, one row per metric, wrong cases listed with escaped cells", () => {
  const text = formatMarkdownReport(failingReport());
  assert.match(text, /^## ❌ Asterisk calibration: FAIL — ptp-mock\n/);
  const metricRows = text.split("\n").filter((l) =>
    /^\| (✅|❌) \| M\d+ /.test(l)
  );
  assert.equal(metricRows.length, 20);
  assert.match(
    metricRows[0],
    /^\| ❌ \| M1 defect\\_type\\_accuracy \| 0\.36 \| ≥0\.80 \| 4\/11 of cases with a GT RCA \|$/,
  );
  const wrong = text.slice(
    text.indexOf("### Wrong cases"),
    text.indexOf("<details>"),
  );
  assert.deepEqual(
    wrong.split("\n").filter((l) => /^\| C\d/.test(l)).map((l) =>
      l.split(" ")[1]
    ),
    ["C2", "C3", "C8"],
  );
  assert.ok(wrong.includes('a \\<test\\> & "quotes" \\\\u0001 here'));
  assert.ok(!text.includes("<test>"));
  assert.match(
    formatMarkdownReport(passing),
    /^## ✅ Asterisk calibration: PASS/,
  );
});

Deno.test("HTML: self-contained, escaped, one row per metric and per case", () => {
  const html = formatHtmlReport(failingReport());
  assert.ok(!/(src|href)=["']?https?:/i.test(html));
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.equal(html.match(/<tr class="metric"/g)?.length, 20);
  assert.equal(html.match(/<tr class="case"/g)?.length, 12);
  assert.equal(html.match(/data-wrong="1"/g)?.length, 3);
  assert.ok(html.includes("a &lt;test&gt; &amp; &quot;quotes&quot;"));
  assert.ok(!html.includes("<test>"));
});

Deno.test("JSON report: version, verdict, directions; it reads back into the same report", () => {
  const json = toJsonReport(failingReport());
  assert.equal(json.schema_version, 1);
  assert.equal(json.result, "fail");
  assert.equal(toJsonReport(passing).result, "pass");
  const byId = new Map(
    Object.values(json.metrics).flat().map((m) => [m.id, m]),
  );
  assert.equal(byId.get("M4")?.direction, "at_most");
  assert.equal(byId.get("M1")?.direction, "at_least");
  assert.deepEqual(byId.get("M17")?.range, { min: 0.5, max: 2 });
  assert.equal(byId.get("M18")?.threshold, 60000);
  assert.equal(byId.get("M1")?.population, "cases with a GT RCA");
  const back = fromJsonReport(
    parseJsonReport(JSON.parse(JSON.stringify(json)), "r.json"),
  );
  assert.deepEqual(back, failingReport());
});

Deno.test("every format renders a report read back from its JSON as the report itself (tokens, answers, runs)", () => {
  const report = failingReport();
  report.runs = 2;
  report.run_metrics = [structuredClone(report.metrics), report.metrics];
  report.steps = { restored: 3, answered: 44 };
  report.tokens = {
    total_prompt_tokens: 1200,
    total_artifact_tokens: 300,
    total_tokens: 1500,
    total_cost_usd: 0.0081,
    input_price_per_million: 3,
    output_price_per_million: 15,
    per_case: {
      C1: {
        prompt_tokens: 1200,
        artifact_tokens: 300,
        total_tokens: 1500,
        steps: 4,
        wall_clock_ms: 2500,
      },
    },
    per_step: {
      F0_RECALL: {
        prompt_tokens: 1200,
        artifact_tokens: 300,
        total_tokens: 1500,
        invocations: 4,
      },
    },
    total_steps: 4,
    total_wall_clock_ms: 2500,
    run_wall_clock_ms: 61000,
  };
  report.answers = {
    as_written: 40,
    repaired: 2,
    flagged: 1,
    rejected: 1,
    repairs: { "code-fence": 2 },
    flags: { "unknown-value": 1 },
  };
  const back = fromJsonReport(
    parseJsonReport(JSON.parse(renderReport(report, "json")), "r.json"),
  );
  for (const format of REPORT_FORMATS) {
    assert.equal(
      renderReport(back, format),
      renderReport(report, format),
      format,
    );
  }
});

Deno.test("JSON report: a wrong version or field is a ReportError naming file and field", () => {
  const json = JSON.parse(JSON.stringify(toJsonReport(passing)));
  assert.throws(
    () => parseJsonReport({ ...json, schema_version: 2 }, "old.json"),
    (e: unknown) =>
      e instanceof ReportError &&
      e.message ===
        "Cannot read report 'old.json': schema_version 2 is not supported; expected 1",
  );
  json.metrics.structured[0].value = "high";
  assert.throws(
    () => parseJsonReport(json, "bad.json"),
    /Cannot read report 'bad\.json': field 'metrics\.structured\[0\]\.value' must be a number/,
  );
});
