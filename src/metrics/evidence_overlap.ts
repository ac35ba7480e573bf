/**
 * The lenient evidence-reference matching behind M12 and M13 (reference §8.2
 * "Details").
 *
 * @module
 */

/** How many expected evidence references were found among the actual ones. */
export interface EvidenceOverlap {
  /** Expected references matched by at least one actual reference. */
  found: number;
  /** Number of expected references. */
  total: number;
}

/**
 * Counts the expected evidence references that the actual references cover.
 *
 * An expected reference is found when some actual reference
 * - contains the part of the expected reference after its last `/` (the
 *   whole reference when it has no `/`), or
 * - is contained in the expected reference (this covers equal references,
 *   and an empty actual reference therefore matches anything).
 *
 * Each expected reference counts at most once, however many actual
 * references match it; one actual reference may match several expected ones.
 *
 * @param actual References the agent cited.
 * @param expected References the ground truth plants.
 * @returns `found` matched expected references out of `total`.
 *
 * @example Usage
 * ```ts
 * import { evidenceOverlap } from "./evidence_overlap.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   evidenceOverlap(["config.go:abc1234"], [
 *     "operator:pkg/daemon/config.go:abc1234",
 *     "operator:pkg/daemon/holdover.go",
 *   ]),
 *   { found: 1, total: 2 },
 * );
 * ```
 */
export function evidenceOverlap(
  actual: readonly string[],
  expected: readonly string[],
): EvidenceOverlap {
  let found = 0;
  for (const want of expected) {
    const tail = want.slice(want.lastIndexOf("/") + 1);
    if (actual.some((got) => got.includes(tail) || want.includes(got))) {
      found++;
    }
  }
  return { found, total: expected.length };
}
