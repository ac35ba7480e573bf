/**
 * Scorers of the workspace, evidence and semantic metrics M9–M15
 * (reference §8.2).
 *
 * @module
 */
import { evidenceOverlap } from "./evidence_overlap.ts";
import type { Scorer } from "./score_input.ts";
import { countIn, ratio, safeDiv, withRca } from "./scored_case.ts";

/** M9: share of selected repos relevant to the GT RCA, averaged. */
export const repoSelectionPrecision: Scorer = ({ cases }) => {
  const population = withRca(cases).filter((c) =>
    c.result.actual_selected_repos.length > 0
  );
  let sum = 0;
  for (const c of population) {
    const relevant = new Set(c.rca.relevant_repos);
    const selected = c.result.actual_selected_repos;
    sum += selected.filter((repo) => relevant.has(repo)).length /
      selected.length;
  }
  return {
    value: safeDiv(sum, population.length),
    detail: `avg over ${population.length} cases`,
  };
};

/** M10: share of the GT RCA's relevant repos selected, averaged. */
export const repoSelectionRecall: Scorer = ({ cases }) => {
  const population = withRca(cases).filter((c) =>
    c.gt.expected_resolve !== undefined
  );
  let sum = 0;
  for (const c of population) {
    const relevant = new Set(c.rca.relevant_repos);
    const selected = new Set(c.result.actual_selected_repos);
    const hit = [...selected].filter((repo) => relevant.has(repo)).length;
    sum += safeDiv(hit, relevant.size);
  }
  return {
    value: safeDiv(sum, population.length),
    detail: `avg over ${population.length} cases`,
  };
};

/** M11: 1 − share of selecting cases that selected a red herring. */
export const redHerringRejection: Scorer = ({ cases, scenario }) => {
  const redHerrings = new Set(
    scenario.workspace.repos.filter((repo) => repo.is_red_herring)
      .map((repo) => repo.name),
  );
  const population = cases.filter((c) =>
    c.result.actual_selected_repos.length > 0
  );
  const fooled =
    population.filter((c) =>
      c.result.actual_selected_repos.some((repo) => redHerrings.has(repo))
    ).length;
  // 1 − fooled/k, with no selecting case scoring as fully correct (1.0).
  return {
    value: safeDiv(population.length - fooled, population.length),
    detail:
      `${population.length} cases with F2, ${fooled} selected red herring`,
  };
};

/** M12: expected evidence refs found, over all expected refs. */
export const evidenceRecall: Scorer = ({ cases }) => {
  let found = 0;
  let total = 0;
  for (const c of cases) {
    const expected = c.gt.expected_invest?.evidence_refs ?? [];
    if (expected.length === 0) continue;
    const overlap = evidenceOverlap(c.result.actual_evidence_refs, expected);
    found += overlap.found;
    total += overlap.total;
  }
  return ratio(found, total);
};

/** M13: expected evidence refs found, over all cited refs. */
export const evidencePrecision: Scorer = ({ cases }) => {
  let found = 0;
  let cited = 0;
  for (const c of cases) {
    const actual = c.result.actual_evidence_refs;
    if (actual.length === 0) continue;
    cited += actual.length;
    const expected = c.gt.expected_invest?.evidence_refs;
    if (expected !== undefined) {
      found += evidenceOverlap(actual, expected).found;
    }
  }
  return ratio(found, cited);
};

/** M14: required keywords in the RCA message, capped at the threshold. */
export const rcaMessageRelevance: Scorer = ({ cases }) => {
  const population = withRca(cases).filter((c) =>
    c.result.actual_rca_message !== "" && c.rca.required_keywords.length > 0
  );
  let sum = 0;
  for (const c of population) {
    const message = c.result.actual_rca_message.toLowerCase();
    const matched = c.rca.required_keywords.filter((keyword) =>
      message.includes(keyword.toLowerCase())
    ).length;
    const threshold = c.rca.keyword_threshold;
    sum += threshold <= 0 ? 1 : Math.min(matched / threshold, 1);
  }
  return {
    value: safeDiv(sum, population.length),
    detail: `avg over ${population.length} cases`,
  };
};

/** M15: component equals, or is named in the message of, the GT RCA's. */
export const componentIdentification: Scorer = ({ cases }) =>
  countIn(
    withRca(cases),
    ({ result, rca }) =>
      result.actual_component === rca.component ||
      (result.actual_rca_message !== "" &&
        result.actual_rca_message.toLowerCase().includes(
          rca.component.toLowerCase(),
        )),
  );
