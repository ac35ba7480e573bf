/**
 * Renders a {@linkcode CalibrationReport} as JUnit XML, the test-report
 * format CI systems read: one testcase per metric (failing with its value,
 * threshold and detail when out of threshold) and one per case (failing when
 * its defect, component or path is wrong; an error when its pipeline
 * stopped).
 *
 * @module
 */
import type { CalibrationReport } from "../core/calibration_report.ts";
import type { CaseResult } from "../core/case_result.ts";
import { allMetrics, type Metric } from "../core/metric.ts";
import { wrongAspects } from "./case_verdict.ts";
import {
  formatMetricDetail,
  formatMetricValue,
  formatThreshold,
} from "./format_report.ts";
import { escapeText, escapeXml } from "../util/escape_text.ts";

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values).map(([k, v]) =>
    `${k}="${escapeXml(String(v))}"`
  ).join(" ");
}

function metricCase(metric: Metric, section: string): string {
  const open = `    <testcase ${
    attrs({
      classname: `asterisk.metrics.${section}`,
      name: `${metric.id} ${metric.name}`,
    })
  }`;
  if (metric.pass) return `${open}/>`;
  const message = `${metric.id} ${metric.name} = ${
    formatMetricValue(metric)
  }, expected ${formatThreshold(metric)}`;
  return [
    `${open}>`,
    `      <failure ${attrs({ message, type: "threshold" })}>${
      escapeXml(
        `value: ${formatMetricValue(metric)}\nthreshold: ${
          formatThreshold(metric)
        }\ndetail: ${formatMetricDetail(metric)}`,
        { keepNewlines: true },
      )
    }</failure>`,
    "    </testcase>",
  ].join("\n");
}

function caseCase(result: CaseResult): string {
  const open = `    <testcase ${
    attrs({
      classname: `asterisk.cases.${result.version}`,
      name: `${result.case_id} ${result.test_name}`.trim(),
    })
  }`;
  const path = result.actual_path.join("→") || "(no steps)";
  // One line per field: scenario and agent text cannot add lines.
  const body = [
    `job: ${escapeText(result.job)}`,
    `defect: ${escapeText(result.actual_defect_type || "(none)")}`,
    `component: ${escapeText(result.actual_component || "(none)")}`,
    `path: ${path}`,
  ].join("\n");
  if (result.error !== undefined) {
    return [
      `${open}>`,
      `      <error ${attrs({ message: result.error, type: "case-error" })}>${
        escapeXml(body, { keepNewlines: true })
      }</error>`,
      "    </testcase>",
    ].join("\n");
  }
  const wrong = wrongAspects(result);
  if (wrong.length === 0) return `${open}/>`;
  return [
    `${open}>`,
    `      <failure ${
      attrs({ message: `wrong ${wrong.join(", ")}`, type: "wrong-case" })
    }>${escapeXml(body, { keepNewlines: true })}</failure>`,
    "    </testcase>",
  ].join("\n");
}

/** Renders the JUnit XML document, ending with a newline. */
export function formatJunitReport(report: CalibrationReport): string {
  const metrics = allMetrics(report.metrics);
  const sections = new Map<string, string>();
  for (const [section, list] of Object.entries(report.metrics)) {
    for (const m of list as Metric[]) sections.set(m.id, section);
  }
  const metricFailures = metrics.filter((m) => !m.pass).length;
  const caseErrors = report.case_results.filter((c) => c.error !== undefined)
    .length;
  const caseFailures =
    report.case_results.filter((c) =>
      c.error === undefined && wrongAspects(c).length > 0
    ).length;
  const suiteName = `asterisk ${report.scenario}`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites ${
      attrs({
        name: suiteName,
        tests: metrics.length + report.case_results.length,
        failures: metricFailures + caseFailures,
        errors: caseErrors,
      })
    }>`,
    `  <testsuite ${
      attrs({
        name: `${suiteName} metrics`,
        tests: metrics.length,
        failures: metricFailures,
        errors: 0,
        skipped: 0,
      })
    }>`,
    ...metrics.map((m) => metricCase(m, sections.get(m.id) ?? "")),
    "  </testsuite>",
    `  <testsuite ${
      attrs({
        name: `${suiteName} cases`,
        tests: report.case_results.length,
        failures: caseFailures,
        errors: caseErrors,
        skipped: 0,
      })
    }>`,
    ...report.case_results.map(caseCase),
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
