/**
 * The report's "answers" section: how the answers of a run were received
 * (see `src/report/answer_log.ts`).
 *
 * @module
 */

/** Counts of the answers of a run. */
export interface AnswerSummary {
  /** Answers accepted as written: no repair, no flag. */
  as_written: number;
  /** Accepted answers with at least one repair. */
  repaired: number;
  /** Accepted answers with at least one flag. */
  flagged: number;
  /** Answers that could not be accepted (the case failed). */
  rejected: number;
  /** Repairs by kind (`code-fence`, `enum`, …). */
  repairs: Record<string, number>;
  /** Flags by kind (`unknown-value`, `unknown-id`, `unknown-repo`). */
  flags: Record<string, number>;
}
