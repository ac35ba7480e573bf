/**
 * Which parts of a case came out wrong, shared by the report renderers and
 * `asterisk compare`.
 *
 * @module
 */
import type { CaseResult } from "../core/case_result.ts";

/** The parts of a case that are scored right or wrong. */
export const CASE_ASPECTS = ["defect", "component", "path"] as const;

/** One scored part of a case. */
export type CaseAspect = (typeof CASE_ASPECTS)[number];

/**
 * Whether `aspect` of a case is right. A case whose pipeline stopped with an
 * error is right on nothing.
 */
export function aspectRight(result: CaseResult, aspect: CaseAspect): boolean {
  if (result.error !== undefined) return false;
  switch (aspect) {
    case "defect":
      return result.defect_type_correct;
    case "component":
      return result.component_correct;
    case "path":
      return result.path_correct;
  }
}

/** The aspects a case got wrong (empty when it is right on all three). */
export function wrongAspects(result: CaseResult): CaseAspect[] {
  return CASE_ASPECTS.filter((aspect) => !aspectRight(result, aspect));
}
