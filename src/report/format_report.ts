/**
 * Renders a {@linkcode CalibrationReport} as the human report (reference
 * §8.5). Returns text; printing is the terminal module's job.
 *
 * @module
 */
import { escapeText } from "../util/escape_text.ts";
import type { CalibrationReport } from "../core/calibration_report.ts";
import { reportVerdict } from "./report_verdict.ts";
import {
  type Metric,
  METRIC_GROUP_TITLES,
  METRIC_GROUPS,
} from "../core/metric.ts";
import { metricDefinition } from "../metrics/metric_table.ts";
import type { CaseResult } from "../core/case_result.ts";
import { formatAnswersBlock } from "./answer_log.ts";
import { tokenCost, type TokenSummary } from "../tokens/token_tracker.ts";

const PASS = "✓";
const FAIL = "✗";

function mark(ok: boolean): string {
  return ok ? PASS : FAIL;
}

/** A metric's value as printed: tokens as integers, ratios with two decimals. */
export function formatMetricValue(metric: Metric): string {
  if (!Number.isFinite(metric.value)) return String(metric.value);
  return metricDefinition(metric.id).unit === "tokens"
    ? Math.round(metric.value).toString()
    : metric.value.toFixed(2);
}

/** A metric's threshold as printed: `≥0.80`, `≤60000`, `0.50–2.00`. */
export function formatThreshold(metric: Metric): string {
  const definition = metricDefinition(metric.id);
  const digits = definition.unit === "tokens" ? 0 : 2;
  switch (definition.direction) {
    case "at_least":
      return `≥${metric.threshold.toFixed(digits)}`;
    case "at_most":
      return `≤${metric.threshold.toFixed(digits)}`;
    case "range": {
      const band = definition.range ?? { min: 0, max: 0 };
      return `${band.min.toFixed(digits)}–${band.max.toFixed(digits)}`;
    }
  }
}

/**
 * A metric's detail naming the population counted: `10/11 of cases with a
 * GT RCA`, `avg over 4 cases with a GT RCA and a selected repo`,
 * `r=1.00 (n=10); cases with …`. Details that already say what they count
 * (M11, M17–M20) are kept as they are.
 */
export function formatMetricDetail(metric: Metric): string {
  const { population } = metricDefinition(metric.id);
  const { detail } = metric;
  if (/^\d+\/\d+$/.test(detail)) return `${detail} of ${population}`;
  if (/^avg over \d+ cases$/.test(detail) && population.startsWith("cases ")) {
    return `${detail}${population.slice("cases".length)}`;
  }
  if (/\(n=\d+\)$/.test(detail)) return `${detail}; ${population}`;
  return detail;
}

/** Widths of the fixed metric columns: every metric line aligns. */
const METRIC_COLUMNS = { id: 4, name: 26, value: 6, threshold: 9 } as const;

/** One metric line: id, name, value, mark, threshold, detail (last, free width). */
export function formatMetricLine(metric: Metric): string {
  return [
    metric.id.padEnd(METRIC_COLUMNS.id),
    metric.name.padEnd(METRIC_COLUMNS.name),
    formatMetricValue(metric).padStart(METRIC_COLUMNS.value),
    mark(metric.pass),
    formatThreshold(metric).padEnd(METRIC_COLUMNS.threshold),
    escapeText(formatMetricDetail(metric)),
  ].join(" ");
}

/** Column widths of the per-case lines of one report. */
export interface CaseColumns {
  readonly id: number;
  readonly name: number;
  readonly where: number;
  readonly defect: number;
}

const NAME_LIMIT = 40;

// Scenario and agent text is escaped field by field (before it is measured
// or cut): it can neither forge a line nor drive a terminal.

function caseName(result: CaseResult): string {
  const name = escapeText(result.test_name);
  return name.length > NAME_LIMIT
    ? `${name.slice(0, NAME_LIMIT - 3)}...`
    : name;
}

function caseWhere(result: CaseResult): string {
  return `(${escapeText(result.version)}/${escapeText(result.job)})`;
}

function caseDefect(result: CaseResult): string {
  return result.actual_defect_type === ""
    ? "(none)"
    : escapeText(result.actual_defect_type);
}

/** The length of `text` in code points (`[...text].length`, no array). */
function codePoints(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

/** The widths that align every case line of `results`. */
export function caseColumns(results: readonly CaseResult[]): CaseColumns {
  const widest = (f: (r: CaseResult) => string) =>
    results.reduce((w, r) => Math.max(w, codePoints(f(r))), 0);
  return {
    id: widest((r) => escapeText(r.case_id)),
    name: widest(caseName),
    where: widest(caseWhere),
    defect: widest(caseDefect),
  };
}

function padEnd(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - codePoints(text)));
}

/**
 * One per-case breakdown line. A case whose pipeline stopped with an error
 * shows no ✓: its marks are ✗ and the line ends with `FAILED`.
 */
export function formatCaseLine(
  result: CaseResult,
  columns: CaseColumns = caseColumns([result]),
): string {
  const failed = result.error !== undefined;
  const ok = (flag: boolean) => mark(flag && !failed);
  const path = result.actual_path.length === 0
    ? "(no steps)"
    : result.actual_path.join("→");
  return [
    padEnd(escapeText(result.case_id), columns.id),
    padEnd(caseName(result), columns.name),
    padEnd(`${caseWhere(result)}:`, columns.where + 1),
    `defect=${padEnd(caseDefect(result), columns.defect)} ${
      ok(result.defect_type_correct)
    }`,
    ` comp=${ok(result.component_correct)}`,
    ` path=${path} ${ok(result.path_correct)}${failed ? "  FAILED" : ""}`,
  ].join(" ");
}

function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}

/** The `=== Token & Cost ===` block. */
export function formatTokenBlock(tokens: TokenSummary): string[] {
  const prices = {
    inputPerMillion: tokens.input_price_per_million,
    outputPerMillion: tokens.output_price_per_million,
  };
  const cases = Object.keys(tokens.per_case).length;
  const lines = [
    "=== Token & Cost ===",
    `Total prompts:   ${tokens.total_prompt_tokens} tokens ($${
      tokenCost(tokens.total_prompt_tokens, 0, prices).toFixed(4)
    })`,
    `Total artifacts: ${tokens.total_artifact_tokens} tokens ($${
      tokenCost(0, tokens.total_artifact_tokens, prices).toFixed(4)
    })`,
    `Total:           ${tokens.total_tokens} tokens ($${
      tokens.total_cost_usd.toFixed(4)
    })`,
    `Per case avg:    ${
      cases === 0 ? 0 : Math.floor(tokens.total_tokens / cases)
    } tokens`,
    `Per step avg:    ${
      tokens.total_steps === 0
        ? 0
        : Math.floor(tokens.total_tokens / tokens.total_steps)
    } tokens`,
    `Steps:           ${tokens.total_steps}`,
    `Dispatch time:   ${formatDuration(tokens.total_wall_clock_ms)} (sum)`,
  ];
  if (tokens.run_wall_clock_ms !== undefined) {
    lines.push(`Wall clock:      ${formatDuration(tokens.run_wall_clock_ms)}`);
  }
  return lines;
}

/** Renders the whole text report, ending with a newline. */
export function formatReport(report: CalibrationReport): string {
  const verdict = reportVerdict(report);
  const lines = [
    "=== Asterisk Calibration Report ===",
    `Scenario: ${escapeText(report.scenario)}`,
    `Adapter:  ${report.adapter}`,
    `Dispatch: ${report.dispatch}`,
    `Runs:     ${report.runs}`,
    "",
  ];
  for (const group of METRIC_GROUPS) {
    lines.push(`--- ${METRIC_GROUP_TITLES[group]} ---`);
    for (const metric of report.metrics[group]) {
      lines.push(formatMetricLine(metric));
    }
    lines.push("");
  }
  const failed = verdict.failedCases.length;
  lines.push(
    `RESULT: ${
      verdict.pass ? "PASS" : "FAIL"
    } (${verdict.passed}/${verdict.total} metrics within threshold${
      failed > 0 ? `; ${failed} case${failed === 1 ? "" : "s"} failed` : ""
    })`,
    "",
  );
  if (report.tokens !== undefined) {
    lines.push(...formatTokenBlock(report.tokens), "");
  }
  if (report.answers !== undefined) {
    lines.push(...formatAnswersBlock(report.answers), "");
  }
  lines.push("--- Per-case breakdown ---");
  const columns = caseColumns(report.case_results);
  lines.push(...report.case_results.map((c) => formatCaseLine(c, columns)));
  const noted = report.case_results.filter((c) => c.answer_notes?.length);
  if (noted.length > 0) {
    lines.push("", "--- Answer repairs and flags ---");
    for (const c of noted) {
      for (const note of c.answer_notes!) {
        lines.push(`${escapeText(c.case_id)}: ${escapeText(note)}`);
      }
    }
  }
  if (failed > 0) {
    lines.push("", "--- Case errors ---");
    for (const c of verdict.failedCases) {
      lines.push(`${escapeText(c.case_id)}: ${escapeText(c.error ?? "")}`);
    }
  }
  // Every line escaped once more: no control character reaches a terminal.
  return `${escapeText(lines.join("\n"), { keepNewlines: true })}\n`;
}
