/**
 * Renders a {@linkcode ReportComparison} (`asterisk compare`) as text, as
 * Markdown (a pull-request comment) or as JSON. Text from agents and
 * scenarios goes through `src/util/escape_text.ts`.
 *
 * @module
 */
import type { MetricId } from "../core/metric.ts";
import { metricDefinition } from "../metrics/metric_table.ts";
import { CASE_ASPECTS } from "./case_verdict.ts";
import {
  type AspectChange,
  type CaseChange,
  EPSILON,
  type MetricChange,
  type MetricSide,
  type ReportComparison,
  type ReportSide,
} from "./compare_reports.ts";
import {
  COMPARISON_SCHEMA_VERSION,
  type JsonComparison,
} from "./comparison_schema.ts";
import { escapeMarkdownCell, escapeText } from "../util/escape_text.ts";

/** Comparison output formats. */
export const COMPARISON_FORMATS = ["text", "markdown", "json"] as const;

/** One comparison output format. */
export type ComparisonFormat = (typeof COMPARISON_FORMATS)[number];

/** The files compared, as named on the command line. */
export interface ComparedFiles {
  readonly base: string;
  readonly new: string;
}

function digits(id: MetricId): number {
  return metricDefinition(id).unit === "tokens" ? 0 : 2;
}

function value(id: MetricId, side?: MetricSide): string {
  if (side === undefined) return "—";
  return Number.isFinite(side.value)
    ? side.value.toFixed(digits(id))
    : String(side.value);
}

function delta(m: MetricChange): string {
  if (m.delta === undefined) return "—";
  if (Math.abs(m.delta) <= EPSILON) return "±0";
  let text = m.delta.toFixed(digits(m.id));
  // A change the usual digits round away is shown with two significant ones.
  if (Number(text) === 0) text = m.delta.toPrecision(2);
  return m.delta > 0 ? `+${text}` : text;
}

function marks(m: MetricChange, pass: string, fail: string): string {
  const mark = (side?: MetricSide) =>
    side === undefined ? "—" : side.pass ? pass : fail;
  return `${mark(m.base)}→${mark(m.new)}`;
}

function verdictOf(m: MetricChange): string {
  if (m.regressed) return "regressed";
  if (m.improved) return "improved";
  return "";
}

function changed(m: MetricChange): boolean {
  return m.regressed || m.improved || m.flip !== "none" ||
    m.base === undefined || m.new === undefined ||
    (m.delta !== undefined && Math.abs(m.delta) > EPSILON);
}

function sideLine(side: ReportSide, file: string): string {
  return `${escapeText(file)} — ${escapeText(side.scenario)}, adapter ${
    escapeText(side.adapter)
  }, ${side.result.toUpperCase()}, ${side.cases} cases`;
}

function resultLine(c: ReportComparison): string {
  if (c.regressions.length > 0) {
    return `RESULT: REGRESSED (${
      c.regressions.join(", ")
    } worse than base beyond tolerance ${c.tolerance})`;
  }
  const better = c.metrics.filter((m) => m.improved).length;
  return `RESULT: NO REGRESSION (${better} metric${
    better === 1 ? "" : "s"
  } better, none worse beyond tolerance ${c.tolerance})`;
}

function aspectMarks(a: AspectChange, pass: string, fail: string): string {
  return `${a.base ? pass : fail}→${a.new ? pass : fail}`;
}

function presenceText(change: CaseChange): string {
  return change.presence === "only-base" ? "only in base" : "only in new";
}

/** Renders the text comparison; it ends with the `RESULT:` line. */
export function formatComparisonText(
  c: ReportComparison,
  files: ComparedFiles,
): string {
  const shown = c.metrics.filter(changed);
  const lines = [
    "=== Asterisk Comparison ===",
    `Base: ${sideLine(c.base, files.base)}`,
    `New:  ${sideLine(c.new, files.new)}`,
    `Tolerance: ${c.tolerance}`,
    ...c.notes.map((n) => `Note: ${escapeText(n)}`),
    "",
    `--- Metrics (${shown.length} changed, ${
      c.metrics.length - shown.length
    } unchanged) ---`,
    ...shown.map((m) =>
      [
        m.id.padEnd(4),
        m.name.padEnd(26),
        value(m.id, m.base).padStart(6),
        "→",
        value(m.id, m.new).padStart(6),
        delta(m).padStart(7),
        marks(m, "✓", "✗").padEnd(3),
        verdictOf(m),
      ].join(" ").trimEnd()
    ),
    "",
    `--- Cases (${c.cases.length} changed) ---`,
  ];
  const width = c.cases.reduce(
    (w, change) => Math.max(w, escapeText(change.caseId).length),
    0,
  );
  for (const change of c.cases) {
    const id = escapeText(change.caseId).padEnd(width);
    if (change.presence !== "both") {
      lines.push(`${id} ${presenceText(change)}`);
      continue;
    }
    for (const a of change.changes) {
      lines.push(
        `${id} ${a.aspect.padEnd(9)} ${aspectMarks(a, "✓", "✗")}  ${
          escapeText(a.baseValue)
        } → ${escapeText(a.newValue)}`,
      );
    }
  }
  lines.push("", resultLine(c));
  return `${escapeText(lines.join("\n"), { keepNewlines: true })}\n`;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(" | ")} |`;
}

/** Renders the Markdown comparison (a pull-request comment). */
export function formatComparisonMarkdown(
  c: ReportComparison,
  files: ComparedFiles,
): string {
  const regressed = c.regressions.length > 0;
  const shown = c.metrics.filter(changed);
  const side = (s: ReportSide, file: string) =>
    `\`${escapeMarkdownCell(file)}\` (${s.result.toUpperCase()})`;
  const lines = [
    `## ${regressed ? "❌" : "✅"} Asterisk compare: ${
      regressed ? "REGRESSED" : "NO REGRESSION"
    } — ${escapeMarkdownCell(c.new.scenario)}`,
    "",
    `Base ${side(c.base, files.base)} → new ${
      side(c.new, files.new)
    } · tolerance ${c.tolerance} · ${
      regressed ? `worse: ${c.regressions.join(", ")}` : "nothing worse"
    }`,
    ...c.notes.map((n) => `\n> ${escapeMarkdownCell(n)}`),
    "",
  ];
  if (shown.length === 0) {
    lines.push("No metric changed.", "");
  } else {
    lines.push(
      row(["Metric", "Base", "New", "Δ", "Pass", ""]),
      row(["---", "---:", "---:", "---:", "---", "---"]),
      ...shown.map((m) =>
        row([
          `${m.id} ${m.name}`,
          value(m.id, m.base),
          value(m.id, m.new),
          delta(m),
          marks(m, "✅", "❌"),
          verdictOf(m),
        ])
      ),
      "",
    );
  }
  if (c.cases.length === 0) {
    lines.push("No case changed.");
  } else {
    lines.push(
      "### Case changes",
      "",
      row(["Case", "Test", "Defect", "Component", "Path"]),
      row(["---", "---", "---", "---", "---"]),
    );
    for (const change of c.cases) {
      const cells = [
        escapeMarkdownCell(change.caseId),
        escapeMarkdownCell(change.testName),
      ];
      if (change.presence !== "both") {
        lines.push(row([...cells, presenceText(change), "", ""]));
        continue;
      }
      const byAspect = new Map(change.changes.map((a) => [a.aspect, a]));
      for (const aspect of CASE_ASPECTS) {
        const a = byAspect.get(aspect);
        cells.push(
          a === undefined
            ? ""
            : `${a.base ? "✅" : "❌"} ${escapeMarkdownCell(a.baseValue)} → ${
              a.new ? "✅" : "❌"
            } ${escapeMarkdownCell(a.newValue)}`,
        );
      }
      lines.push(row(cells));
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The JSON comparison (format version 1, `contracts/schemas/comparison.schema.json`). */
export function toJsonComparison(
  c: ReportComparison,
  files: ComparedFiles,
): JsonComparison {
  return {
    schema_version: COMPARISON_SCHEMA_VERSION,
    result: c.regressions.length > 0 ? "regressed" : "ok",
    base: { file: files.base, ...c.base },
    new: { file: files.new, ...c.new },
    tolerance: c.tolerance,
    regressions: [...c.regressions],
    metrics: c.metrics.map((m) => ({ ...m })),
    cases: c.cases.map((k) => ({ ...k, changes: [...k.changes] })),
    notes: [...c.notes],
  };
}

/** Renders `c` in `format`; the text ends with a newline. */
export function renderComparison(
  c: ReportComparison,
  format: ComparisonFormat,
  files: ComparedFiles,
): string {
  switch (format) {
    case "text":
      return formatComparisonText(c, files);
    case "markdown":
      return formatComparisonMarkdown(c, files);
    case "json":
      return `${JSON.stringify(toJsonComparison(c, files), null, 2)}\n`;
  }
}
