/**
 * Renders a {@linkcode CalibrationReport} as the human report (reference
 * §8.5). Returns text; printing is the terminal module's job.
 *
 * @module
 */
import type { CalibrationReport } from "../core/calibration_report.ts";
import { reportVerdict } from "./report_verdict.ts";
import {
  type Metric,
  METRIC_GROUP_TITLES,
  METRIC_GROUPS,
} from "../core/metric.ts";
import type { CaseResult } from "../core/case_result.ts";
import { formatAnswersBlock } from "./answer_log.ts";
import { tokenCost, type TokenSummary } from "../tokens/token_tracker.ts";

const PASS = "✓";
const FAIL = "✗";

function mark(ok: boolean): string {
  return ok ? PASS : FAIL;
}

function thresholdText(metric: Metric): string {
  switch (metric.id) {
    case "M4":
    case "M20":
      return `(≤${metric.threshold.toFixed(2)})`;
    case "M17":
      return "(0.5–2.0)";
    case "M18":
      return `(≤${metric.threshold.toFixed(0)})`;
    default:
      return `(≥${metric.threshold.toFixed(2)})`;
  }
}

/** One metric line: id, name, value, detail, mark, threshold. */
export function formatMetricLine(metric: Metric): string {
  return [
    metric.id.padEnd(4),
    metric.name.padEnd(30),
    metric.value.toFixed(2).padStart(6),
    `(${metric.detail})`.padEnd(12),
    mark(metric.pass),
    thresholdText(metric),
  ].join(" ");
}

/** One per-case breakdown line. */
export function formatCaseLine(result: CaseResult): string {
  const name = result.test_name.length > 40
    ? `${result.test_name.slice(0, 37)}...`
    : result.test_name;
  const path = result.actual_path.length === 0
    ? "(no steps)"
    : result.actual_path.join("→");
  return `${result.case_id.padEnd(4)} ${
    name.padEnd(40)
  } (${result.version}/${result.job}): defect=${result.actual_defect_type} ${
    mark(result.defect_type_correct)
  }  comp=${mark(result.component_correct)}  path=${path} ${
    mark(result.path_correct)
  }`;
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
    `Scenario: ${report.scenario}`,
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
  lines.push(...report.case_results.map(formatCaseLine));
  const noted = report.case_results.filter((c) => c.answer_notes?.length);
  if (noted.length > 0) {
    lines.push("", "--- Answer repairs and flags ---");
    for (const c of noted) {
      for (const note of c.answer_notes!) lines.push(`${c.case_id}: ${note}`);
    }
  }
  if (failed > 0) {
    lines.push("", "--- Case errors ---");
    for (const c of verdict.failedCases) lines.push(`${c.case_id}: ${c.error}`);
  }
  return `${lines.join("\n")}\n`;
}
