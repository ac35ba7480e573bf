/**
 * Triage by keywords: the basic agent's reading of a failure's error message
 * and log. Classes are tried in order; the first whose pattern matches wins,
 * else the failure is taken for a product bug.
 *
 * @module
 */
import type { FailureInput } from "./basic_request.ts";

/** What the keywords say about a failure. */
export interface FailureClass {
  /** Symptom category, e.g. `infra`. */
  readonly category: string;
  /** Defect type code, e.g. `si001`. */
  readonly defectType: string;
  readonly severity: string;
  /** Whether investigation can be skipped (environment, flake). */
  readonly skip: boolean;
  /** The keyword that decided, for the reasoning. */
  readonly keyword: string;
}

interface KeywordClass {
  readonly pattern: RegExp;
  readonly category: string;
  readonly defectType: string;
  readonly severity: string;
  readonly skip: boolean;
}

const CLASSES: readonly KeywordClass[] = [
  {
    pattern:
      /\b(intermittent(ly)?|flak(y|e|iness)|transient|sporadic(ally)?|race condition|non-deterministic|connection reset by peer|error streaming logs)\b/i,
    category: "flake",
    defectType: "nd001",
    severity: "low",
    skip: true,
  },
  {
    pattern:
      /\b(unreachable|no route to host|connection refused|network is down|dns|name resolution|no selectable sources|node not ready|nodes? (is |are )?notready|lab (network|outage)|infra(structure)? (flap|outage|failure)|disk pressure|out of disk|quota exceeded|i\/o timeout)\b/i,
    category: "infra",
    defectType: "si001",
    severity: "medium",
    skip: true,
  },
  {
    pattern:
      /\b(beforesuite|aftersuite|beforeeach|aftereach|teardown|clean ?up|fixture|test helper|leftover|stale (crd|config|resource)|not to exist|cascade|already exists)\b/i,
    category: "automation",
    defectType: "ab001",
    severity: "medium",
    skip: false,
  },
];

const SEVERE =
  /\b(panic|segfault|segmentation fault|crash(ed|loop)?|data loss|kernel)\b/i;

/** Classifies `failure` by the keywords of its error message and log. */
export function classifyFailure(failure: FailureInput): FailureClass {
  const text = `${failure.errorMessage}\n${failure.logSnippet}`;
  for (const c of CLASSES) {
    const match = c.pattern.exec(text);
    if (match) {
      return {
        category: c.category,
        defectType: c.defectType,
        severity: c.severity,
        skip: c.skip,
        keyword: match[0],
      };
    }
  }
  const severe = SEVERE.exec(text);
  return {
    category: "product",
    defectType: "pb001",
    severity: severe ? "critical" : "high",
    skip: false,
    keyword: severe?.[0] ?? "",
  };
}

/** Whether the log suggests the failure follows from an earlier one. */
export function suspectsCascade(failure: FailureInput): boolean {
  return /\b(cascade|beforesuite|previous (test|failure|spec))\b/i.test(
    `${failure.errorMessage}\n${failure.logSnippet}`,
  );
}
