/**
 * Repository selection by purpose: the basic agent scores each workspace
 * repository by the words its name and purpose share with the failure, plus a
 * bonus for the kind of repository the failure's class points at (test code
 * for automation bugs, CI and cluster configuration for infrastructure).
 *
 * @module
 */
import type { FailureInput, WorkspaceRepo } from "./basic_request.ts";

/** A repository and its score, with the words that matched. */
export interface RankedRepo {
  readonly repo: WorkspaceRepo;
  readonly score: number;
  /** Failure words found in the name or purpose, sorted. */
  readonly matched: readonly string[];
}

const STOPWORDS = new Set([
  "the",
  "and",
  "for",
  "not",
  "with",
  "all",
  "from",
  "into",
  "that",
  "this",
  "are",
  "was",
  "but",
  "does",
  "expected",
  "within",
  "after",
  "contains",
]);

/** Lower-case words of three or more letters, without stopwords. */
export function wordsOf(text: string): Set<string> {
  const words = new Set<string>();
  for (const match of text.toLowerCase().matchAll(/[a-z][a-z0-9]{2,}/g)) {
    if (!STOPWORDS.has(match[0])) words.add(match[0]);
  }
  return words;
}

const KIND_HINTS: Readonly<Record<string, RegExp>> = {
  automation: /\b(test|tests|e2e|suite|ginkgo|fixtures?|helpers?|framework)\b/i,
  infra: /\b(ci|cluster|infra|network|ntp|lab|profiles?|templates?)\b/i,
  product: /\b(operator|daemon|controller|manages|driver|library|service)\b/i,
};

/** A purpose that says it is unrelated (e.g. `(NOT PTP-related)`). */
const DISCLAIMER = /\bnot\b[^)]*\brelated\b/i;

/**
 * Ranks the workspace for `failure` of `category`, best first (ties in
 * workspace order). Scores: one per shared word, two for a kind hint, minus
 * five for a purpose disclaiming relevance.
 */
export function rankRepos(
  failure: FailureInput,
  category: string,
  workspace: readonly WorkspaceRepo[],
): RankedRepo[] {
  const failureWords = wordsOf(
    `${failure.testName} ${failure.errorMessage} ${failure.logSnippet}`,
  );
  const hint = KIND_HINTS[category] ?? KIND_HINTS.product;
  const ranked = workspace.map((repo, index) => {
    const repoWords = wordsOf(
      `${repo.name.replaceAll("-", " ")} ${repo.purpose}`,
    );
    const matched = [...repoWords].filter((w) => failureWords.has(w)).sort();
    let score = matched.length;
    if (hint.test(repo.purpose) || hint.test(repo.name)) score += 2;
    if (DISCLAIMER.test(repo.purpose)) score -= 5;
    return { repo, score, matched, index };
  });
  ranked.sort((a, b) => b.score - a.score || a.index - b.index);
  return ranked.map(({ repo, score, matched }) => ({ repo, score, matched }));
}

/**
 * The repositories worth naming: the best one alone when it leads by two
 * points or more, else the best two; none scoring below one.
 */
export function candidateRepos(ranked: readonly RankedRepo[]): RankedRepo[] {
  const useful = ranked.filter((r) => r.score >= 1);
  if (useful.length <= 1) return useful;
  return useful[0].score - useful[1].score >= 2
    ? useful.slice(0, 1)
    : useful.slice(0, 2);
}
