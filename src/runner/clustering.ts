/**
 * Clustering of the cases that need investigation after triage (reference
 * §7): cases with the same triage key share one representative, whose
 * investigation runs first.
 *
 * Key: `{category}|{first candidate repo}|{hypothesis}` — category and
 * hypothesis lower-cased and trimmed, the repo lower-cased. Recall hits and
 * skipped cases never need investigation and are not clustered (the Go version
 * queued each as an empty singleton job); a case without a triage artifact is
 * a singleton. Clusters come out in key-creation order; members keep
 * encounter order and include the representative.
 *
 * @module
 */
import type { TriageResult } from "../pipeline/artifact_schemas.ts";

/** A group of cases investigated through one representative. */
export interface Cluster {
  /** The triage key (or `singleton|{case id}`). */
  readonly key: string;
  /** Scenario case id of the representative (the first member). */
  readonly representative: string;
  /** Scenario case ids of every member, the representative first. */
  readonly members: readonly string[];
}

/** A case waiting for investigation, with its latest triage. */
export interface ClusterCandidate {
  /** Scenario case id. */
  readonly caseId: string;
  /** The case's latest triage artifact, when it has one. */
  readonly triage?: TriageResult;
}

/** The cluster key of a triaged case. */
export function clusterKey(candidate: ClusterCandidate): string {
  const triage = candidate.triage;
  if (triage === undefined) return `singleton|${candidate.caseId}`;
  const category = triage.symptom_category.trim().toLowerCase();
  const repo = (triage.candidate_repos[0] ?? "").toLowerCase();
  const hypothesis = triage.defect_type_hypothesis.trim().toLowerCase();
  return `${category}|${repo}|${hypothesis}`;
}

/** Groups `candidates` (in scenario order) into clusters. */
export function clusterCases(
  candidates: readonly ClusterCandidate[],
): Cluster[] {
  const byKey = new Map<string, string[]>();
  for (const candidate of candidates) {
    const key = clusterKey(candidate);
    const members = byKey.get(key);
    if (members) members.push(candidate.caseId);
    else byKey.set(key, [candidate.caseId]);
  }
  return [...byKey].map(([key, members]) => ({
    key,
    representative: members[0],
    members,
  }));
}
