/**
 * How each agent answer was received, and the report's "answers" section — taken
 * as written, repaired (see `src/pipeline/read_answer.ts`), flagged (see
 * `src/pipeline/flag_answer.ts`), or rejected.
 *
 * @module
 */
import type { AnswerFlag } from "../pipeline/flag_answer.ts";
import type { AnswerRepair } from "../pipeline/read_answer.ts";
import type { PipelineStep } from "../pipeline/step.ts";
import type { AnswerSummary } from "../core/answer_summary.ts";

/** How one answer of a case was received. */
export interface AnswerEntry {
  /** The step answered. */
  readonly step: PipelineStep;
  /** Repairs applied before validation. */
  readonly repairs: readonly AnswerRepair[];
  /** Unknown values kept as the agent's answer. */
  readonly flags: readonly AnswerFlag[];
  /** Why the answer was rejected, when it was. */
  readonly rejected?: string;
}

/** One line per repair and flag of `entry`, e.g. `F5_REVIEW repair enum: …`. */
export function describeAnswerEntry(entry: AnswerEntry): string[] {
  if (
    entry.repairs.length === 0 && entry.flags.length === 0 &&
    entry.rejected === undefined
  ) return [];
  return [
    ...entry.repairs.map((r) => `${entry.step} repair ${r.kind}: ${r.detail}`),
    ...entry.flags.map((f) => `${entry.step} flag ${f.kind}: ${f.detail}`),
    ...(entry.rejected === undefined
      ? []
      : [`${entry.step} rejected: ${entry.rejected}`]),
  ];
}

/** Counts `entries` (of every case of a run). */
export function summarizeAnswers(
  entries: Iterable<AnswerEntry>,
): AnswerSummary {
  const summary: AnswerSummary = {
    as_written: 0,
    repaired: 0,
    flagged: 0,
    rejected: 0,
    repairs: {},
    flags: {},
  };
  for (const entry of entries) {
    if (entry.rejected !== undefined) {
      summary.rejected += 1;
      continue;
    }
    if (entry.repairs.length > 0) summary.repaired += 1;
    if (entry.flags.length > 0) summary.flagged += 1;
    if (entry.repairs.length === 0 && entry.flags.length === 0) {
      summary.as_written += 1;
    }
    for (const r of entry.repairs) {
      summary.repairs[r.kind] = (summary.repairs[r.kind] ?? 0) + 1;
    }
    for (const f of entry.flags) {
      summary.flags[f.kind] = (summary.flags[f.kind] ?? 0) + 1;
    }
  }
  return summary;
}

function counts(byKind: Record<string, number>): string {
  const parts = Object.entries(byKind).sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => `${kind} ${n}`);
  return parts.length === 0 ? "" : ` (${parts.join(", ")})`;
}

/** The `=== Answers ===` block of the text report. */
export function formatAnswersBlock(summary: AnswerSummary): string[] {
  return [
    "=== Answers ===",
    `Taken as written: ${summary.as_written}`,
    `Repaired:         ${summary.repaired}${counts(summary.repairs)}`,
    `Flagged:          ${summary.flagged}${counts(summary.flags)}`,
    `Rejected:         ${summary.rejected}`,
  ];
}
