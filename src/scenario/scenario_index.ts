/**
 * Lookups into a scenario by id (cases, RCAs, cases of an RCA or symptom,
 * repository paths), so per-step code never scans the scenario.
 *
 * @module
 */
import type {
  GroundTruthCase,
  GroundTruthRca,
  Scenario,
} from "./scenario_schema.ts";

/** Lookups into one scenario. */
export interface ScenarioIndex {
  readonly cases: ReadonlyMap<string, GroundTruthCase>;
  readonly rcas: ReadonlyMap<string, GroundTruthRca>;
  /** Cases of each scenario RCA id, scenario order. */
  readonly byRca: ReadonlyMap<string, readonly GroundTruthCase[]>;
  /** Cases of each scenario symptom id, scenario order. */
  readonly bySymptom: ReadonlyMap<string, readonly GroundTruthCase[]>;
  /** Workspace repository paths by name (the first repo of a name). */
  readonly repoPaths: ReadonlyMap<string, string>;
}

const indexes = new WeakMap<Scenario, ScenarioIndex>();

function groupBy(
  cases: readonly GroundTruthCase[],
  key: (c: GroundTruthCase) => string,
): Map<string, GroundTruthCase[]> {
  const groups = new Map<string, GroundTruthCase[]>();
  for (const c of cases) {
    const k = key(c);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [c]);
    else group.push(c);
  }
  return groups;
}

function firstByKey<T>(items: readonly T[], key: (item: T) => string) {
  const map = new Map<string, T>();
  for (const item of items) if (!map.has(key(item))) map.set(key(item), item);
  return map;
}

/**
 * The lookups of `scenario`, built on first use and kept while the scenario
 * object lives (the oracle and the results look cases and RCAs up for every
 * step). The scenario must not be changed afterwards.
 */
export function scenarioIndex(scenario: Scenario): ScenarioIndex {
  let index = indexes.get(scenario);
  if (index === undefined) {
    index = {
      cases: firstByKey(scenario.cases, (c) => c.id),
      rcas: firstByKey(scenario.rcas, (r) => r.id),
      byRca: groupBy(scenario.cases, (c) => c.rca_id),
      bySymptom: groupBy(scenario.cases, (c) => c.symptom_id),
      repoPaths: new Map(
        [...firstByKey(scenario.workspace.repos, (r) => r.name)].map((
          [name, repo],
        ) => [name, repo.path]),
      ),
    };
    indexes.set(scenario, index);
  }
  return index;
}
