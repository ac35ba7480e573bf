/**
 * The report formats as one table: a format is one entry (name → renderer).
 * `asterisk calibrate --junit/--markdown/--html` and `asterisk report
 * --format` render through it.
 *
 * @module
 */
import type { CalibrationReport } from "../core/calibration_report.ts";
import { formatReport } from "./format_report.ts";
import { formatHtmlReport } from "./html_report.ts";
import { stringifyJsonReport } from "./json_report.ts";
import { formatJunitReport } from "./junit_report.ts";
import { formatMarkdownReport } from "./markdown_report.ts";

/** Report format names. */
export const REPORT_FORMATS = [
  "text",
  "json",
  "markdown",
  "junit",
  "html",
] as const;

/** One report format. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const RENDERERS: Readonly<
  Record<ReportFormat, (report: CalibrationReport) => string>
> = Object.freeze({
  text: formatReport,
  json: stringifyJsonReport,
  markdown: formatMarkdownReport,
  junit: formatJunitReport,
  html: formatHtmlReport,
});

/** Renders `report` in `format`; the text ends with a newline. */
export function renderReport(
  report: CalibrationReport,
  format: ReportFormat,
): string {
  return RENDERERS[format](report);
}
