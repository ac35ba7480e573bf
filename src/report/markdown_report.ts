/**
 * Renders a {@linkcode CalibrationReport} as Markdown: a summary for a pull
 * request comment or a CI step summary (GitHub-flavoured tables).
 *
 * @module
 */
import type { CalibrationReport } from "../core/calibration_report.ts";
import { allMetrics } from "../core/metric.ts";
import { wrongAspects } from "./case_verdict.ts";
import {
  formatMetricDetail,
  formatMetricValue,
  formatThreshold,
} from "./format_report.ts";
import { reportVerdict } from "./report_verdict.ts";
import { escapeMarkdownCell } from "../util/escape_text.ts";

function row(cells: readonly string[]): string {
  return `| ${cells.join(" | ")} |`;
}

/** Renders the Markdown summary, ending with a newline. */
export function formatMarkdownReport(report: CalibrationReport): string {
  const verdict = reportVerdict(report);
  const failedCases = verdict.failedCases.length;
  const wrong = report.case_results.filter((c) => wrongAspects(c).length > 0);
  const lines = [
    `## ${verdict.pass ? "✅" : "❌"} Asterisk calibration: ${
      verdict.pass ? "PASS" : "FAIL"
    } — ${escapeMarkdownCell(report.scenario)}`,
    "",
    `${verdict.passed}/${verdict.total} metrics within threshold${
      failedCases > 0 ? `, ${failedCases} case(s) failed` : ""
    } · ${report.case_results.length} cases, ${wrong.length} wrong · adapter \`${
      escapeMarkdownCell(report.adapter)
    }\` · dispatch \`${
      escapeMarkdownCell(report.dispatch)
    }\` · ${report.runs} run${report.runs === 1 ? "" : "s"}`,
    "",
    row(["", "Metric", "Value", "Threshold", "Detail"]),
    row(["---", "---", "---:", "---", "---"]),
    ...allMetrics(report.metrics).map((m) =>
      row([
        m.pass ? "✅" : "❌",
        `${m.id} ${escapeMarkdownCell(m.name)}`,
        formatMetricValue(m),
        formatThreshold(m),
        escapeMarkdownCell(formatMetricDetail(m)),
      ])
    ),
    "",
  ];
  const caseRows = (cases: typeof report.case_results) => [
    row(["Case", "Test", "Version / job", "Defect", "Component", "Path"]),
    row(["---", "---", "---", "---", "---", "---"]),
    ...cases.map((c) => {
      const bad = new Set(wrongAspects(c));
      const mark = (aspect: "defect" | "component" | "path") =>
        bad.has(aspect) ? "❌" : "✅";
      return row([
        escapeMarkdownCell(c.case_id),
        escapeMarkdownCell(c.test_name),
        escapeMarkdownCell(`${c.version} / ${c.job}`),
        `${mark("defect")} ${
          escapeMarkdownCell(c.actual_defect_type || "(none)")
        }`,
        `${mark("component")} ${
          escapeMarkdownCell(c.actual_component || "(none)")
        }`,
        `${mark("path")} ${
          c.actual_path.length === 0 ? "(no steps)" : c.actual_path.join("→")
        }${
          c.error === undefined
            ? ""
            : ` — failed: ${escapeMarkdownCell(c.error)}`
        }`,
      ]);
    }),
  ];
  if (wrong.length > 0) {
    lines.push("### Wrong cases", "", ...caseRows(wrong), "");
  }
  lines.push(
    "<details><summary>Every case</summary>",
    "",
    ...caseRows(report.case_results),
    "",
    "</details>",
  );
  return `${lines.join("\n")}\n`;
}
