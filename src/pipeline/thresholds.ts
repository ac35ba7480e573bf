/**
 * Routing thresholds of the heuristic rules (reference §2.1), validated.
 *
 * @module
 */

/** Thresholds the heuristic rules compare against. */
export interface Thresholds {
  /**
   * F0 confidence at or above which a match is a recall hit (H1).
   *
   * @default {0.8}
   */
  readonly recallHit: number;
  /**
   * F0 confidence at or above which a match is an uncertain recall (H3).
   *
   * @default {0.4}
   */
  readonly recallUncertain: number;
  /**
   * F3 convergence at or above which the investigation is done (H9).
   *
   * @default {0.7}
   */
  readonly convergenceSufficient: number;
  /**
   * Investigation loops (F3 → F2) allowed before H11 gives up.
   *
   * @default {2}
   */
  readonly maxInvestigateLoops: number;
  /**
   * F4 confidence at or above which a duplicate is accepted (H15).
   *
   * @default {0.8}
   */
  readonly correlateDup: number;
  /**
   * Review reassessments (F5 → earlier step) allowed before H13 stops looping.
   *
   * @default {2}
   */
  readonly maxReassessLoops: number;
}

/** The Go version's defaults, plus our reassess cap. */
export const DEFAULT_THRESHOLDS: Thresholds = Object.freeze({
  recallHit: 0.8,
  recallUncertain: 0.4,
  convergenceSufficient: 0.7,
  maxInvestigateLoops: 2,
  correlateDup: 0.8,
  maxReassessLoops: 2,
});

const UNIT_KEYS = [
  "recallHit",
  "recallUncertain",
  "convergenceSufficient",
  "correlateDup",
] as const;
const COUNT_KEYS = ["maxInvestigateLoops", "maxReassessLoops"] as const;

/**
 * Fills defaults into `overrides` and validates the result.
 *
 * @throws {RangeError} when a score is outside 0..1, a loop cap is not a
 * non-negative integer, or `recallUncertain` exceeds `recallHit`.
 */
export function resolveThresholds(
  overrides: Partial<Thresholds> = {},
): Thresholds {
  const defined = Object.fromEntries(
    Object.entries(overrides).filter(([, v]) => v !== undefined),
  );
  const thresholds: Thresholds = { ...DEFAULT_THRESHOLDS, ...defined };
  for (const key of UNIT_KEYS) {
    const value = thresholds[key];
    if (!Number.isFinite(value) || value < 0 || value > 1) {
      throw new RangeError(
        `Cannot use threshold '${key}' = ${value}: expected a number between 0 and 1`,
      );
    }
  }
  for (const key of COUNT_KEYS) {
    const value = thresholds[key];
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(
        `Cannot use threshold '${key}' = ${value}: expected a non-negative integer`,
      );
    }
  }
  if (thresholds.recallUncertain > thresholds.recallHit) {
    throw new RangeError(
      `Cannot use threshold 'recallUncertain' = ${thresholds.recallUncertain}: expected at most 'recallHit' (${thresholds.recallHit})`,
    );
  }
  return Object.freeze(thresholds);
}
